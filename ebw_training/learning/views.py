"""Learner pages: course overview, modules page by page, video, quiz, exercise, certificate, own data.

Routes only: load the learner's current enrolment and the object, check it belongs to them, call a service
(progress, pages, video, quiz, exercises, certificates, own_data), render. The rules live in those modules
(docs/progress-rules.md); shared view helpers in helpers.py, drafts.py and navigation.py.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.sessions import browser_session_id
from ..cohorts.services import current_enrollment
from ..content import get_course
from ..content.course import Module
from ..content.draw import shown_questions
from ..content.embed import provider_name
from ..content.exercise_kinds import EXERCISE_KINDS
from ..content.types import QUESTION_TYPES
from ..core.errors import ValidationError
from ..core.permissions import public, roles_required
from ..core.urls import external_url
from ..extensions import csrf, db
from ..timeutil import local
from . import carry as carry_service
from . import certificates as certificate_service
from . import documents
from . import exercises as exercise_service
from . import intervention as intervention_service
from . import own_data as own_data_service
from . import pages as page_service
from . import progress as progress_service
from . import quiz as quiz_service
from . import segments as segment_service
from . import video as video_service
from .activities import EXERCISE_DONE, VIDEO_THRESHOLD
from .drafts import keep_posted_answers, keep_typed_answers, owner_mismatch
from .forms import fields_from_json, owner_from_token, owner_token
from .helpers import (
    attempt_questions,
    download,
    exercise_module_or_404,
    learner_view,
    module_or_404,
    page_cache,
    page_cache_key,
)
from .navigation import part_label, part_url, step_links

bp = Blueprint("learning", __name__)

@bp.context_processor
def _helpers():
    return {"part_url": part_url, "part_label": part_label}


# --------------------------------------------------------------------------------------------------------------
# Overview and module pages


@bp.get("/modules")
@roles_required("learner")
@learner_view
def overview(enrollment):
    course = get_course()
    progress = progress_service.load_progress(enrollment, course)
    certificate = certificate_service.certificate_for(enrollment) if enrollment.completed_at else None
    return render_template("learning/overview.html", course=course, progress=progress, enrollment=enrollment,
                           next_step=progress.next_step(), certificate=certificate)


@bp.get("/modules/<slug>")
@roles_required("learner")
@learner_view
def module(enrollment, slug: str):
    # Cached pages are also answered before this view runs (learning/cached_pages.py): a check added here, in
    # the decorators or in a learning blueprint hook must be added there too.
    module = module_or_404(slug)

    def render() -> str:
        progress = progress_service.load_progress(enrollment).module(slug)
        return render_template("learning/module.html", module=module, progress=progress,
                               nav=step_links(module, "module"))

    return page_cache().get_or_render(page_cache_key(enrollment), render)


@bp.get("/modules/<slug>/pagina/<int:number>")
@roles_required("learner")
@learner_view
def page(enrollment, slug: str, number: int):
    # Answered from the cache before this view runs too: see `module` above.
    module = module_or_404(slug)
    lesson = next((p for p in module.pages if p.number == number), None)
    if lesson is None:
        abort(404)

    def render() -> str:
        progress = progress_service.load_progress(enrollment).module(slug)
        return render_template("learning/page.html", module=module, lesson=lesson, progress=progress,
                               is_read=number in progress.pages_read, nav=step_links(module, "page", number))

    return page_cache().get_or_render(page_cache_key(enrollment), render)


@bp.post("/modules/<slug>/pagina/<int:number>/gelezen")
@roles_required("learner")
@learner_view
def mark_read(enrollment, slug: str, number: int):
    module = module_or_404(slug)
    try:
        page_service.mark_page_read(enrollment, module, number)
    except ValidationError:
        abort(404)
    db.session.commit()
    following = step_links(module, "page", number)["next"]
    return redirect(following["url"] if following else url_for("learning.module", slug=slug), code=303)


# --------------------------------------------------------------------------------------------------------------
# Video


@bp.get("/modules/<slug>/video")
@roles_required("learner")
@learner_view
def video(enrollment, slug: str):
    module = module_or_404(slug)
    if module.video is None:
        abort(404)
    video_service.open_video(enrollment, module)
    db.session.commit()
    progress = progress_service.load_progress(enrollment).module(slug)
    return render_template("learning/video.html", module=module, video=module.video, progress=progress,
                           embed_url=module.video.embed_url,
                           third_party=provider_name(module.video.external_url) or _("een andere website"),
                           threshold=round(VIDEO_THRESHOLD * 100), nav=step_links(module, "video"))


@bp.post("/modules/<slug>/video/voortgang")
@roles_required("learner")
@learner_view
def video_progress(enrollment, slug: str):
    """Watched segments from the player (static/js/video-progress.js); answers JSON."""
    module = module_or_404(slug)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(ok=False, message=_("De voortgang van de video is niet goed doorgegeven.")), 400
    try:
        row = video_service.record_video_progress(enrollment, module, payload.get("segments"))
    except ValidationError as error:
        db.session.rollback()
        return jsonify(ok=False, message=error.message), 400
    db.session.commit()
    coverage = segment_service.video_coverage(row.segments, module.video.duration)
    percent = int(coverage * 100)
    watched = row.watched_at is not None
    if watched:
        message = _("Je hebt de video bekeken.")
    else:
        message = _("Je hebt %(pct)s%% van de video bekeken.", pct=percent)
    return jsonify(ok=True, coverage=percent, watched=watched, message=message)


# --------------------------------------------------------------------------------------------------------------
# Quiz


def _render_quiz(enrollment, module: Module, token: str, answers: dict | None = None,
                 errors: dict[str, str] | None = None, message: str | None = None, status: int = 200):
    quiz = module.quiz
    questions = []
    shown = shown_questions(quiz, quiz_service.shown_for_token(module, token))
    for number, (qid, question, order) in enumerate(shown, start=1):
        error = (errors or {}).get(qid)
        html = QUESTION_TYPES[question.type].render(question, number=number, answer=(answers or {}).get(qid),
                                                   order=order, error_id=f"fout-{qid}" if error else None)
        first_key = (order.get("options") or ["a"])[0]
        questions.append({"question": question, "html": html, "error": error, "label": _("Vraag %(n)s", n=number),
                          "target": f"q-{qid}-{first_key}"})
    attempts = quiz_service.attempts_for(enrollment, module.slug)
    progress = progress_service.load_progress(enrollment).module(module.slug)
    return render_template("learning/quiz.html", module=module, quiz=quiz, token=token, questions=questions,
                           errors=errors or {}, message=message, attempts=attempts, progress=progress,
                           nav=step_links(module, "quiz")), status


@bp.route("/modules/<slug>/toets", methods=["GET", "POST"])
@roles_required("learner")
@learner_view
def quiz(enrollment, slug: str):
    module = module_or_404(slug)
    if module.quiz is None:
        abort(404)
    if request.method == "GET":
        return _render_quiz(enrollment, module, _reopened_token(enrollment, module))
    token = request.form.get("token", "")
    try:
        attempt, _created = quiz_service.submit_quiz(enrollment, module, request.form, token)
    except quiz_service.QuizIncomplete as incomplete:
        db.session.rollback()
        return _render_quiz(enrollment, module, token, answers=incomplete.answers, errors=incomplete.missing)
    except ValidationError as error:
        db.session.rollback()
        return _render_quiz(enrollment, module, quiz_service.new_submission_token(enrollment, module),
                            message=error.message, status=400)
    db.session.commit()
    return redirect(url_for("learning.quiz_result", slug=slug, attempt_id=attempt.id), code=303)


def _reopened_token(enrollment, module: Module) -> str:
    """The token of a quiz form the learner filled in but did not hand in (`?poging=`: answers kept in the
    browser are put back by static/js/quiz-draft.js), when it is still valid and unused; else a new one."""
    token = request.args.get("poging", "")
    if quiz_service.quiz_form_opened_at(enrollment, module, token) and quiz_service.attempt_by_token(token) is None:
        return token
    return quiz_service.new_submission_token(enrollment, module)


@bp.get("/modules/<slug>/toets/poging/<int:attempt_id>")
@roles_required("learner")
@learner_view
def quiz_result(enrollment, slug: str, attempt_id: int):
    module = module_or_404(slug)
    if module.quiz is None:
        abort(404)
    attempt = quiz_service.get_attempt(enrollment, slug, attempt_id)
    if attempt is None:
        abort(404)
    questions, right = attempt_questions(module.quiz, attempt)
    attempts = quiz_service.attempts_for(enrollment, slug)
    progress = progress_service.load_progress(enrollment).module(slug)
    return render_template("learning/quiz_result.html", module=module, quiz=module.quiz, attempt=attempt,
                           questions=questions, right=right, attempts=attempts, progress=progress,
                           nav=step_links(module, "quiz"))


# --------------------------------------------------------------------------------------------------------------
# Exercise


def _error_target(module: Module, item_id: str) -> str:
    if module.exercise.kind == "checklist":
        return f"item-{item_id}-scale-1"
    return f"item-{item_id}-text"


def _render_exercise(enrollment, module: Module, answers: dict | None = None, errors: dict[str, str] | None = None,
                     status: int = 200):
    exercise = module.exercise
    row = exercise_service.exercise_answer_for(enrollment, module.slug)
    locked = row is not None and row.status in EXERCISE_DONE
    carried = carry_service.carried_answers(enrollment, exercise, get_course())
    if answers is None:
        answers = (row.answers if row is not None else None) or {}
        answers = answers if locked else carry_service.prefilled(exercise, answers, carried)
    fields = EXERCISE_KINDS[exercise.kind].render(exercise, answers, errors=errors, disabled=locked, carried=carried)
    intervention = (row.intervention if locked and row.intervention else
                    intervention_service.snapshot(intervention_service.intervention_for(enrollment)))
    pending = exercise_service.pending_draft_for(current_user.id, module.slug)
    pending_rows = EXERCISE_KINDS[exercise.kind].summarise(exercise, pending.answers) if pending else []
    items = {item.id: item for item in exercise.items}
    error_links = [(f"#{_error_target(module, item_id)}", items[item_id].text, message)
                   for item_id, message in (errors or {}).items() if item_id in items]
    saved_at = row.saved_at if row is not None else None
    return render_template(
        "learning/exercise.html", module=module, exercise=exercise, row=row, fields=fields, locked=locked,
        error_links=error_links, pending=pending, pending_rows=pending_rows,
        status_text=documents.status_text(row, module.requires_review) if row is not None else None,
        owner=owner_token(current_user.id, module.slug, browser_session_id()),
        draft_key=hashlib.sha256(f"{current_user.pseudonym}:{module.slug}".encode()).hexdigest()[:24],
        saved_at_ms=int(local(saved_at).timestamp() * 1000) if saved_at else 0,
        nav=step_links(module, "exercise"), intervention=intervention_service.described_rows(intervention),
    ), status


@bp.route("/modules/<slug>/oefening", methods=["GET", "POST"])
@csrf.exempt  # checked in keep_typed_answers, so a stale form keeps its answers
@keep_typed_answers
@roles_required("learner")
@learner_view
def exercise(enrollment, slug: str):
    module = exercise_module_or_404(slug)
    if request.method == "GET":
        return _render_exercise(enrollment, module)
    if owner_mismatch(request.form.get("owner"), slug):
        keep_posted_answers(slug, None)
        return render_template("learning/form_expired.html", slug=slug, kept=False, other_user=True), 400
    answers = exercise_service.exercise_answers_from_form(module.exercise, request.form)
    action = request.form.get("action", "save")
    try:
        if action == "submit":
            exercise_service.submit_exercise(enrollment, module, answers)
        else:
            exercise_service.save_exercise_draft(enrollment, module, answers)
    except exercise_service.ExerciseIncomplete as incomplete:
        db.session.commit()  # the draft is saved; only the submission waits
        return _render_exercise(enrollment, module, answers=answers, errors=incomplete.missing)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("learning.exercise", slug=slug), code=303)
    db.session.commit()
    if action == "submit":
        flash(_("Je hebt de oefening ingeleverd. Download je resultaat als PDF of Word."), "success")
    else:
        flash(_("Je antwoorden zijn opgeslagen."), "success")
    return redirect(url_for("learning.exercise", slug=slug), code=303)


@bp.post("/modules/<slug>/oefening/autosave")
@roles_required("learner")
@learner_view
def exercise_autosave(enrollment, slug: str):
    """Draft saves from static/js/exercise-autosave.js: JSON in, JSON out."""
    module = exercise_module_or_404(slug)
    fields = fields_from_json(request.get_json(silent=True))
    if fields is None:
        return jsonify(ok=False, message=_("De antwoorden zijn niet goed doorgegeven.")), 400
    token = fields.get("owner")
    if token and owner_from_token(token, slug) != current_user.id:
        return jsonify(ok=False, reason="other_user",
                       message=_("Dit formulier hoort bij een andere gebruiker. Laad de pagina opnieuw.")), 409
    answers = exercise_service.exercise_answers_from_form(module.exercise, fields)
    try:
        row = exercise_service.save_exercise_draft(enrollment, module, answers)
    except ValidationError as error:
        db.session.rollback()
        return jsonify(ok=False, reason="locked", message=error.message), 409
    db.session.commit()
    saved = local(row.saved_at)
    return jsonify(ok=True, saved_at=int(saved.timestamp() * 1000),
                   message=_("Automatisch opgeslagen om %(time)s.", time=saved.strftime("%H:%M")))


@bp.post("/modules/<slug>/oefening/terugzetten")
@roles_required("learner")
@learner_view
def exercise_restore(enrollment, slug: str):
    """Put kept answers back, or discard them. A double click or a second tab finds them gone: no error."""
    module = exercise_module_or_404(slug)
    pending = exercise_service.pending_draft_for(current_user.id, slug)
    if pending is None:
        return redirect(url_for("learning.exercise", slug=slug), code=303)
    if request.form.get("action") == "restore":
        try:
            restored = exercise_service.restore_pending_draft(enrollment, module, pending)
        except ValidationError as error:
            db.session.rollback()
            exercise_service.discard_pending_draft(exercise_service.pending_draft_for(current_user.id, slug))
            db.session.commit()
            flash(error.message, "error")
            return redirect(url_for("learning.exercise", slug=slug), code=303)
        if restored is not None:
            flash(_("Je bewaarde antwoorden staan weer in het formulier en zijn opgeslagen."), "success")
    else:
        exercise_service.discard_pending_draft(pending)
        flash(_("De bewaarde antwoorden zijn verwijderd."), "info")
    db.session.commit()
    return redirect(url_for("learning.exercise", slug=slug), code=303)


def _exercise_document(enrollment, slug: str) -> documents.ExerciseDocument:
    module = exercise_module_or_404(slug)
    row = exercise_service.exercise_answer_for(enrollment, slug)
    if row is None:
        abort(404)
    return documents.build_exercise_document(enrollment, module, row, get_course().title)


@bp.get("/modules/<slug>/oefening/resultaat.pdf")
@roles_required("learner")
@learner_view
def exercise_pdf(enrollment, slug: str):
    doc = _exercise_document(enrollment, slug)
    return download(documents.exercise_pdf(doc), f"{doc.filename_stem}.pdf", "application/pdf")


@bp.get("/modules/<slug>/oefening/resultaat.docx")
@roles_required("learner")
@learner_view
def exercise_docx(enrollment, slug: str):
    doc = _exercise_document(enrollment, slug)
    return download(documents.exercise_docx(doc), f"{doc.filename_stem}.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# --------------------------------------------------------------------------------------------------------------
# Certificate and verification


def verify_url(code: str) -> str:
    return external_url("learning.verify", code=code)


def _certificate_entry(certificate) -> dict:
    enrollment = certificate.enrollment
    user = enrollment.user
    return {"certificate": certificate, "cohort": enrollment.cohort.name,
            "municipality": user.municipality.name if user.municipality else None,
            "completed_at": enrollment.completed_at or certificate.issued_at,
            "verify": verify_url(certificate.code)}


@bp.get("/certificaat")
@roles_required("learner")
def certificate():
    """Every certificate the learner earned, over all their enrolments (newest first).

    Not behind learner_view: a certificate stays reachable after the learner is withdrawn or enrolled again.
    """
    certificates = certificate_service.certificates_of(current_user)
    enrollment = current_enrollment(current_user)
    if not certificates and enrollment is None:
        return render_template("learning/no_enrollment.html")
    progress = progress_service.load_progress(enrollment) if enrollment is not None and not certificates else None
    return render_template("learning/certificate.html", entries=[_certificate_entry(c) for c in certificates],
                           enrollment=enrollment, progress=progress, course=get_course())


@bp.get("/certificaat.pdf")
@roles_required("learner")
def certificate_pdf():
    """The certificate asked for by ?code= (only one of the learner's own), else the newest."""
    certificates = certificate_service.certificates_of(current_user)
    if "code" in request.args:
        code = certificate_service.normalise_code(request.args.get("code"))
        certificates = [c for c in certificates if c.code == code]
    if not certificates:
        abort(404)
    certificate = certificates[0]
    doc = documents.build_certificate_document(certificate, certificate.enrollment, get_course().title,
                                               verify_url(certificate.code))
    return download(documents.certificate_pdf(doc), f"certificaat-{certificate.code}.pdf", "application/pdf")


@bp.get("/verify/<code>")
@public
def verify(code: str):
    """Public check of a certificate: valid or not, with initials only."""
    certificate = certificate_service.find_certificate(code)
    if certificate is None:
        return render_template("learning/verify.html", certificate=None, code=code[:40]), 404
    enrollment = certificate.enrollment
    return render_template("learning/verify.html", certificate=certificate, code=certificate.code,
                           initials=certificate_service.initials(certificate.holder_name), course=get_course(),
                           completed_at=enrollment.completed_at or certificate.issued_at,
                           hours=documents.hours_text(certificate.study_hours))


# --------------------------------------------------------------------------------------------------------------
# Own data (privacy)


@bp.get("/mijn-gegevens")
@roles_required("learner")
def my_data():
    enrollment = current_enrollment(current_user)
    return render_template("learning/my_data.html", enrollment=enrollment)


@bp.get("/mijn-gegevens.json")
@roles_required("learner")
def my_data_json():
    data = own_data_service.export_own_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return download(body.encode("utf-8"), f"mijn-gegevens-{current_user.pseudonym}.json",
                     "application/json; charset=utf-8")
