"""Quiz item analysis pages: per cohort, across the trainer's cohorts (admins: all cohorts), and as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..cohorts import services
from ..cohorts.views import load_cohort
from ..content import get_course
from ..core.permissions import roles_required
from . import analysis
from .downloads import csv_bytes, download

bp = Blueprint("analysis", __name__)


def _scope_ids() -> list[int] | None:
    """Admins see every cohort (None); trainers the cohorts they train."""
    if current_user.role == "admin":
        return None
    return [cohort.id for cohort in services.cohorts_for(current_user)]


def _render(stats, cohort=None):
    return render_template("trainer/analysis.html", stats=stats, cohort=cohort, flag_label=analysis.flag_label,
                           min_attempts=analysis.MIN_ATTEMPTS, too_easy=analysis.TOO_EASY, too_hard=analysis.TOO_HARD)


@bp.get("/groepen/<int:cohort_id>/toetsvragen")
@roles_required("trainer", "admin")
def cohort(cohort_id: int):
    cohort = load_cohort(cohort_id)
    return _render(analysis.analyse(get_course(), [cohort.id]), cohort)


@bp.get("/groepen/<int:cohort_id>/toetsvragen.csv")
@roles_required("trainer", "admin")
def cohort_csv(cohort_id: int):
    cohort = load_cohort(cohort_id)
    header, rows = analysis.analysis_table(analysis.analyse(get_course(), [cohort.id]))
    return download(csv_bytes(header, rows), f"toetsvragen-groep-{cohort.id}.csv", "csv")


@bp.get("/toetsvragen")
@roles_required("trainer", "admin")
def overall():
    return _render(analysis.analyse(get_course(), _scope_ids()))


@bp.get("/toetsvragen.csv")
@roles_required("trainer", "admin")
def overall_csv():
    header, rows = analysis.analysis_table(analysis.analyse(get_course(), _scope_ids()))
    return download(csv_bytes(header, rows), "toetsvragen.csv", "csv")
