"""Trainer pages for handed-in exercises (/trainer/groepen/<id>/oefeningen...): the list and the review.

A blueprint of its own under /trainer: reviewing changes a learner's progress, which is learning's business,
and the cohort is loaded with the trainer's object check (cohorts.services.get_cohort_for).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..cohorts.services import get_cohort_for
from ..content import get_course
from ..content.exercise_kinds import EXERCISE_KINDS
from ..core.errors import ValidationError
from ..core.permissions import roles_required
from ..extensions import db
from .exercises import get_answer_for_review, review_exercise, submitted_exercises
from .forms import ReviewForm

bp = Blueprint("reviews", __name__)


def _load(cohort_id: int):
    cohort = get_cohort_for(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.get("/groepen/<int:cohort_id>/oefeningen")
@roles_required("trainer", "admin")
def reviews(cohort_id: int):
    cohort = _load(cohort_id)
    return render_template("cohorts/reviews.html", cohort=cohort, rows=submitted_exercises(cohort),
                           course=get_course())


@bp.route("/groepen/<int:cohort_id>/oefeningen/<int:answer_id>", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def review(cohort_id: int, answer_id: int):
    cohort = _load(cohort_id)
    found = get_answer_for_review(cohort, answer_id)
    if found is None:
        abort(404)
    answer, enrollment = found
    module = get_course().module(answer.module_slug)
    form = ReviewForm()
    if request.method == "GET":
        form.feedback.data = answer.feedback
    if form.validate_on_submit():
        decision = "approved" if form.approve.data else "returned" if form.return_.data else None
        try:
            review_exercise(answer, decision=decision, feedback=form.feedback.data, reviewer=current_user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            form.feedback.errors = list(form.feedback.errors) + [error.message]
        else:
            flash(_("Je beoordeling is opgeslagen. De deelnemer ziet je feedback bij de oefening."), "success")
            return redirect(url_for("reviews.reviews", cohort_id=cohort.id))
    rows = []
    if module is not None and module.exercise is not None:
        rows = EXERCISE_KINDS[module.exercise.kind].summarise(module.exercise, answer.answers or {})
    return render_template("cohorts/review.html", cohort=cohort, answer=answer, enrollment=enrollment,
                           module=module, rows=rows, form=form)
