"""Trainer pages (/trainer/...): the cohorts a trainer trains, progress, attention list, attendance."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import ValidationError
from ..core.forms import show_error
from ..core.permissions import roles_required
from ..extensions import db
from . import services
from .forms import ContactSessionForm, ReviewForm

bp = Blueprint("cohorts", __name__)


def _load(cohort_id: int):
    cohort = services.get_cohort_for(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.get("/")
@roles_required("trainer", "admin")
def index():
    cohorts = services.cohorts_for(current_user)
    counts = services.enrollment_counts([c.id for c in cohorts])
    return render_template("cohorts/index.html", cohorts=cohorts, counts=counts)


@bp.get("/groepen/<int:cohort_id>")
@roles_required("trainer", "admin")
def cohort(cohort_id: int):
    cohort = _load(cohort_id)
    enrollments = services.cohort_enrollments(cohort)
    attention = [(e, reason) for e in enrollments if (reason := services.attention_reason(e, cohort))]
    from ..content import get_course

    return render_template("cohorts/cohort.html", cohort=cohort, enrollments=enrollments, attention=attention,
                           course=get_course())


@bp.route("/groepen/<int:cohort_id>/bijeenkomsten", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def sessions(cohort_id: int):
    cohort = _load(cohort_id)
    form = ContactSessionForm()
    if form.validate_on_submit():
        try:
            services.add_contact_session(cohort, form.title.data, form.held_on.data, form.hours.data,
                                         actor=current_user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "title")
        else:
            flash(_("De bijeenkomst is toegevoegd. Vul nu de aanwezigheid in."), "success")
            return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))
    enrollments = [e for e in services.cohort_enrollments(cohort) if e.withdrawn_at is None]
    return render_template("cohorts/sessions.html", cohort=cohort, form=form, enrollments=enrollments,
                           sessions=services.contact_sessions(cohort), attendance=services.attendance_map(cohort))


@bp.post("/groepen/<int:cohort_id>/bijeenkomsten/<int:session_id>/aanwezigheid")
@roles_required("trainer", "admin")
def attendance(cohort_id: int, session_id: int):
    cohort = _load(cohort_id)
    present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
    try:
        services.record_attendance(cohort, session_id, present, actor=current_user)
        db.session.commit()
    except ValidationError:
        db.session.rollback()
        abort(404)
    flash(_("De aanwezigheid is opgeslagen."), "success")
    return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))


@bp.get("/groepen/<int:cohort_id>/oefeningen")
@roles_required("trainer", "admin")
def reviews(cohort_id: int):
    cohort = _load(cohort_id)
    from ..content import get_course

    return render_template("cohorts/reviews.html", cohort=cohort, rows=services.submitted_exercises(cohort),
                           course=get_course())


@bp.route("/groepen/<int:cohort_id>/oefeningen/<int:answer_id>", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def review(cohort_id: int, answer_id: int):
    cohort = _load(cohort_id)
    found = services.get_answer_for_review(cohort, answer_id)
    if found is None:
        abort(404)
    answer, enrollment = found
    from ..content import get_course
    from ..content.exercise_kinds import EXERCISE_KINDS
    from ..learning.exercises import review_exercise

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
            return redirect(url_for("cohorts.reviews", cohort_id=cohort.id))
    rows = []
    if module is not None and module.exercise is not None:
        rows = EXERCISE_KINDS[module.exercise.kind].summarise(module.exercise, answer.answers or {})
    return render_template("cohorts/review.html", cohort=cohort, answer=answer, enrollment=enrollment,
                           module=module, rows=rows, form=form)
