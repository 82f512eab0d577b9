"""The cohort matrix page and its CSV and XLSX downloads (/trainer/groepen/<id>/matrix)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from ..cohorts import services
from ..cohorts.models import STATUS_LABELS
from ..cohorts.views import load_cohort
from ..content import get_course
from ..core.permissions import roles_required
from .downloads import csv_bytes, download, xlsx_bytes
from .matrix import build_matrix, matrix_table

bp = Blueprint("matrix", __name__)


def _matrix(cohort):
    args = request.args
    return build_matrix(cohort, get_course(), sort=args.get("sorteer"), direction=args.get("richting"),
                        municipality=args.get("gemeente") or None, status=args.get("status") or None,
                        attention=lambda e: services.attention_reason(e, cohort))


@bp.get("/groepen/<int:cohort_id>/matrix")
@roles_required("trainer", "admin")
def show(cohort_id: int):
    cohort = load_cohort(cohort_id)
    matrix = _matrix(cohort)
    statuses = [(value, str(label)) for value, label in STATUS_LABELS.items()]
    return render_template("trainer/matrix.html", cohort=cohort, matrix=matrix, statuses=statuses)


def _file(cohort_id: int, kind: str):
    cohort = load_cohort(cohort_id)
    header, rows = matrix_table(_matrix(cohort))
    name = f"matrix-groep-{cohort.id}.{kind}"
    if kind == "csv":
        return download(csv_bytes(header, rows), name, kind)
    return download(xlsx_bytes(_("Matrix"), header, rows), name, kind)


@bp.get("/groepen/<int:cohort_id>/matrix.csv")
@roles_required("trainer", "admin")
def csv(cohort_id: int):
    return _file(cohort_id, "csv")


@bp.get("/groepen/<int:cohort_id>/matrix.xlsx")
@roles_required("trainer", "admin")
def xlsx(cohort_id: int):
    return _file(cohort_id, "xlsx")
