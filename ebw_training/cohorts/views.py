"""Trainer pages (/trainer/...): the cohorts a trainer trains, progress, attention list, attendance."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.confirmation import find_confirmation
from ..accounts.sessions import log_in, log_out
from ..accounts.start import start_url_for
from ..core.errors import ValidationError
from ..core.forms import show_error
from ..core.permissions import public, roles_required
from ..extensions import db
from ..municipalities.services import active_municipalities
from . import registration, services
from .forms import ContactSessionForm, RegisterForm

bp = Blueprint("cohorts", __name__)
# Self-registration with a cohort's enrolment code (/register), confirmed by a mailed link that enrols.
registration_bp = Blueprint("registration", __name__)


def load_cohort(cohort_id: int):
    """The cohort when the current user trains it (or is an admin); 404 otherwise."""
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


@bp.route("/groepen/<int:cohort_id>/bijeenkomsten", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def sessions(cohort_id: int):
    cohort = load_cohort(cohort_id)
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
    cohort = load_cohort(cohort_id)
    present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
    try:
        services.record_attendance(cohort, session_id, present, actor=current_user)
        db.session.commit()
    except ValidationError:
        db.session.rollback()
        abort(404)
    flash(_("De aanwezigheid is opgeslagen."), "success")
    return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))


@registration_bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(start_url_for(current_user))
    form = RegisterForm()
    if request.method == "GET" and request.args.get("code"):
        form.enrolment_code.data = request.args["code"]
    form.municipality.choices = [("", _("Kies je gemeente"))] + [
        (m.code, m.name) for m in active_municipalities()
    ]
    if form.validate_on_submit():
        try:
            registration.register_learner(
                form.enrolment_code.data,
                form.name.data,
                form.email.data,
                form.municipality.data,
                form.job_domain.data,
                form.password.data,
            )
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "email")
        else:
            return render_template("accounts/register_sent.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@registration_bp.route("/registratie-bevestigen/<token>", methods=["GET", "POST"])
@public
def confirm_registration(token: str):
    # GET only shows a button: mail scanners that open links confirm nothing.
    if len(token) > 100 or find_confirmation(token) is None:
        return render_template("accounts/confirm_invalid.html"), 410
    if request.method == "POST":
        user = registration.confirm_registration(token)
        if current_user.is_authenticated:
            log_out()
        log_in(user)
        db.session.commit()
        flash(_("Je e-mailadres is bevestigd. Welkom! Je bent nu ingeschreven."), "success")
        return redirect(start_url_for(user))
    return render_template("accounts/confirm.html")
