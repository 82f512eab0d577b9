"""Trainer pages (/trainer/...)."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..accounts.permissions import roles_required
from . import services

bp = Blueprint("cohorts", __name__)


@bp.get("/")
@roles_required("trainer", "admin")
def index():
    cohorts = services.cohorts_for(current_user)
    return render_template("cohorts/index.html", cohorts=cohorts)
