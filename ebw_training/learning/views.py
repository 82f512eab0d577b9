"""Learner pages: course overview and modules."""

from flask import Blueprint, render_template

from ..accounts.permissions import roles_required
from ..content import get_course

bp = Blueprint("learning", __name__)


@bp.get("/modules")
@roles_required("learner")
def overview():
    return render_template("learning/overview.html", course=get_course())
