"""Coordinator pages (/coordinator/...)."""

from flask import Blueprint, render_template

from ..accounts.permissions import roles_required

bp = Blueprint("reporting", __name__)


@bp.get("/")
@roles_required("coordinator", "admin")
def index():
    return render_template("reporting/index.html")
