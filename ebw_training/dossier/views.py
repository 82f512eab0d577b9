"""The learner's intervention, "Mijn evaluatiedossier", and the plan evaluation with a second assessor.

Routes only; the rules live in learning/intervention.py, dossier/services.py and dossier/assemble.py.
The colleague's pages (/collega/...) are public: the single-use link is their only key.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..cohorts.models import Enrollment
from ..cohorts.services import current_enrollment, get_cohort_for
from ..content import get_course
from ..content.exercise_kinds import EXERCISE_KINDS
from ..core.errors import ValidationError
from ..core.forms import show_error
from ..core.permissions import public, roles_required
from ..core.urls import is_safe_next
from ..extensions import db
from ..learning import intervention as intervention_service
from ..learning.exercises import exercise_answer_for
from ..learning.helpers import download, exercise_module_or_404, learner_view
from . import services
from .assemble import build_dossier
from .documents import dossier_docx, dossier_pdf
from .forms import InterventionForm, InviteForm

bp = Blueprint("dossier", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/mijn-interventie", methods=["GET", "POST"])
@roles_required("learner")
@learner_view
def intervention(enrollment):
    current = intervention_service.intervention_for(enrollment)
    form = InterventionForm(obj=current)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        intervention_service.save_intervention(enrollment, form.data)
        db.session.commit()
        flash(_("De beschrijving van je interventie is opgeslagen."), "success")
        target = form.next.data
        return redirect(target if is_safe_next(target) else url_for("dossier.index"), code=303)
    return render_template("dossier/intervention.html", form=form, current=current,
                           phases=intervention_service.PHASES)


@bp.get("/mijn-dossier")
@roles_required("learner")
@learner_view
def index(enrollment):
    course = get_course()
    dossier = build_dossier(enrollment, course)
    peer_modules = [m for m in course.modules if m.exercise is not None and m.exercise.two_assessors]
    return render_template("dossier/index.html", dossier=dossier, peer_modules=peer_modules)


def _filename(dossier, extension: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in (dossier.intervention_name or "").lower())
    stem = "-".join(part for part in safe.split("-") if part)[:50]
    return f"evaluatiedossier{'-' + stem if stem else ''}.{extension}"


@bp.get("/mijn-dossier.pdf")
@roles_required("learner")
@learner_view
def dossier_pdf_view(enrollment):
    dossier = build_dossier(enrollment, get_course())
    return download(dossier_pdf(dossier), _filename(dossier, "pdf"), "application/pdf")


@bp.get("/mijn-dossier.docx")
@roles_required("learner")
@learner_view
def dossier_docx_view(enrollment):
    dossier = build_dossier(enrollment, get_course())
    return download(dossier_docx(dossier), _filename(dossier, "docx"), DOCX)


def _trainer_enrollment(cohort_id: int, enrollment_id: int) -> Enrollment:
    cohort = get_cohort_for(current_user, cohort_id)
    enrollment = db.session.get(Enrollment, enrollment_id)
    if cohort is None or enrollment is None or enrollment.cohort_id != cohort.id:
        abort(404)
    return enrollment


@bp.get("/trainer/groepen/<int:cohort_id>/deelnemers/<int:enrollment_id>/dossier.pdf")
@roles_required("trainer", "admin")
def trainer_dossier_pdf(cohort_id: int, enrollment_id: int):
    dossier = build_dossier(_trainer_enrollment(cohort_id, enrollment_id), get_course())
    return download(dossier_pdf(dossier), _filename(dossier, "pdf"), "application/pdf")


@bp.get("/trainer/groepen/<int:cohort_id>/deelnemers/<int:enrollment_id>/dossier.docx")
@roles_required("trainer", "admin")
def trainer_dossier_docx(cohort_id: int, enrollment_id: int):
    dossier = build_dossier(_trainer_enrollment(cohort_id, enrollment_id), get_course())
    return download(dossier_docx(dossier), _filename(dossier, "docx"), DOCX)


# --------------------------------------------------------------------------------------------------------------
# The second assessor: the learner's side


def _peer_module(slug: str):
    module = exercise_module_or_404(slug)
    if not module.exercise.two_assessors:
        abort(404)
    return module


def _render_peer(enrollment, module, form: InviteForm, status: int = 200):
    reviews = services.reviews_for(enrollment, module.slug)
    answered = services.answered_review(reviews)
    own = exercise_answer_for(enrollment, module.slug)
    agreement = services.agreement_for(enrollment, module.slug)
    rows = services.compare(module.exercise, own.answers if own else None, answered.answers,
                            agreement) if answered else []
    return render_template(
        "dossier/peer.html", module=module, exercise=module.exercise, form=form, reviews=reviews,
        answered=answered, rows=rows, own=own, agreement=agreement, states={r.id: services.link_state(r)
                                                                             for r in reviews},
        has_intervention=intervention_service.intervention_for(enrollment) is not None,
        days=services.invite_days(), retention=services.retention_text(),
    ), status


@bp.route("/modules/<slug>/tweede-beoordelaar", methods=["GET", "POST"])
@roles_required("learner")
@learner_view
def peer(enrollment, slug: str):
    module = _peer_module(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_colleague(enrollment, module, form.email.data)
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error, "email")
            return _render_peer(enrollment, module, form, 400)
        db.session.commit()
        flash(_("De uitnodiging is verstuurd. Je collega kan de link %(days)s dagen gebruiken.",
                days=services.invite_days()), "success")
        return redirect(url_for("dossier.peer", slug=slug), code=303)
    return _render_peer(enrollment, module, form, 400 if form.errors else 200)


@bp.post("/modules/<slug>/tweede-beoordelaar/afspraken")
@roles_required("learner")
@learner_view
def agree(enrollment, slug: str):
    module = _peer_module(slug)
    review = db.session.get(services.PeerReview, request.form.get("review", type=int) or 0)
    if review is None or review.enrollment_id != enrollment.id or review.module_slug != slug:
        abort(404)  # another learner's assessment, or none
    try:
        services.save_agreement(enrollment, module, review, request.form)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("dossier.peer", slug=slug), code=303)
    db.session.commit()
    flash(_("Jullie afspraken zijn opgeslagen. Ze staan ook in je evaluatiedossier."), "success")
    return redirect(url_for("dossier.peer", slug=slug), code=303)


# --------------------------------------------------------------------------------------------------------------
# The second assessor: the colleague's side (public, by link)


def _module_for(review):
    module = get_course().module(review.module_slug)
    if module is None or module.exercise is None:
        abort(404)
    return module


@bp.route("/collega/<token>", methods=["GET", "POST"])
@public
def colleague(token: str):
    review = services.review_by_token(token)
    state = services.link_state(review)
    if state != "open":
        return render_template("dossier/colleague_closed.html", state=state), 404 if state == "unknown" else 410
    if current_user.is_authenticated:
        own = current_enrollment(current_user)
        if own is not None and own.id == review.enrollment_id:
            return render_template("dossier/colleague_closed.html", state="own"), 403
    module = _module_for(review)
    exercise = module.exercise
    kind = EXERCISE_KINDS[exercise.kind]
    answers, errors = {}, {}
    if request.method == "POST":
        answers = kind.answers_from_form(exercise, request.form)
        errors = services.submit_colleague_answers(review, exercise, answers)
        if not errors:
            db.session.commit()
            return render_template("dossier/colleague_thanks.html",
                                   withdraw=url_for("dossier.colleague_withdraw",
                                                    token=services.withdraw_token(token)),
                                   retention=services.retention_text())
    items = {item.id: item for item in exercise.items}
    return render_template(
        "dossier/colleague.html", exercise=exercise, review=review,
        description=intervention_service.described_rows(review.intervention),
        fields=kind.render(exercise, answers, errors=errors),
        error_links=[(f"#item-{i}-scale-1", items[i].text, m) for i, m in errors.items() if i in items],
        retention=services.retention_text(),
    ), 400 if errors else 200


@bp.route("/collega/<token>/intrekken", methods=["GET", "POST"])
@public
def colleague_withdraw(token: str):
    review = services.review_by_withdraw_token(token)
    if review is None:
        return render_template("dossier/colleague_closed.html", state="unknown"), 404
    if request.method == "POST" and review.withdrawn_at is None:
        services.withdraw(review)
        db.session.commit()
    return render_template("dossier/colleague_withdraw.html", review=review, token=token)
