"""Learner pages: course overview, modules page by page, video, quiz, exercise, certificate, own data.

Thin views: load the learner's current enrolment and the object, check it belongs to them, call a service, render.
The rules live in learning/services.py (docs/progress-rules.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qs, urlparse

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..accounts.permissions import public, roles_required
from ..accounts.services import external_url
from ..cohorts.services import current_enrollment
from ..content import get_course
from ..content.course import Module
from ..content.draw import shown_questions
from ..content.types import QUESTION_TYPES
from ..extensions import csrf, db
from ..timeutil import local
from . import documents, services
from .forms import fields_from_json, owner_from_token, owner_token
from .pagecache import PageCache

bp = Blueprint("learning", __name__)

# --------------------------------------------------------------------------------------------------------------
# Helpers


def learner_view(view: Callable) -> Callable:
    """Pass the learner's current enrolment; without one, a calm explanation instead of an error."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        enrollment = current_enrollment(current_user)
        if enrollment is None:
            if _wants_json():
                return jsonify(ok=False, message=_("Je bent op dit moment niet ingeschreven voor een groep.")), 409
            return render_template("learning/no_enrollment.html",
                                   has_certificate=services.has_certificate(current_user))
        return view(enrollment, *args, **kwargs)

    return wrapped


def page_cache() -> PageCache:
    return current_app.extensions.setdefault("ebw_page_cache", PageCache())


def page_cache_key(enrollment) -> tuple | None:
    """Everything a cached lesson or module page shows that can change (see learning/pagecache.py)."""
    csrf_secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if "_flashes" in session or not csrf_secret:
        return None
    return (request.full_path, current_user.id, current_user.name, enrollment.id, enrollment.progress_version,
            enrollment.last_active_at, get_course().version, str(get_locale()), csrf_secret)


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _module_or_404(slug: str) -> Module:
    module = get_course().module(slug)
    if module is None:
        abort(404)
    return module


def part_label(part: str, number: int | None = None) -> str:
    """What to do next, as the learner reads it in the overview and the "what is left" list."""
    if part == "video":
        return _("Bekijk de video")
    if part in ("pages", "page"):
        return _("Lees pagina %(n)s", n=number or 1)
    if part == "quiz":
        return _("Haal de toets")
    if part == "exercise":
        return _("Maak de oefening en lever haar in")
    if part == "review":
        return _("Wacht op de beoordeling van je oefening")
    return _("Begin met deze module")


def part_url(module: Module, part: str, number: int | None = None) -> str:
    if part == "video":
        return url_for("learning.video", slug=module.slug)
    if part in ("pages", "page"):
        return url_for("learning.page", slug=module.slug, number=number or 1)
    if part == "quiz":
        return url_for("learning.quiz", slug=module.slug)
    if part in ("exercise", "review"):
        return url_for("learning.exercise", slug=module.slug)
    return url_for("learning.module", slug=module.slug)


def module_steps(module: Module) -> list[tuple[str, int | None, str]]:
    """The parts of a module in reading order: (part, page number, title)."""
    steps: list[tuple[str, int | None, str]] = [("module", None, _("Leerdoelen"))]
    if module.video is not None:
        steps.append(("video", None, _("Video")))
    for page in module.pages:
        steps.append(("page", page.number, page.title))
    if module.quiz is not None:
        steps.append(("quiz", None, _("Toets")))
    if module.exercise is not None:
        steps.append(("exercise", None, _("Oefening")))
    return steps


def step_links(module: Module, part: str, number: int | None = None) -> dict[str, dict | None]:
    """Previous and next step of a module, for the navigation at the bottom of each part."""
    steps = module_steps(module)
    index = next(i for i, (p, n, _t) in enumerate(steps) if p == part and n == number)

    def link(i: int) -> dict | None:
        if not 0 <= i < len(steps):
            return None
        p, n, title = steps[i]
        return {"url": part_url(module, p, n), "title": title}

    return {"previous": link(index - 1), "next": link(index + 1)}


def external_embed(url: str | None) -> str | None:
    """The privacy-friendly embed address of a YouTube or Vimeo video (the CSP allows only these frames)."""
    if not url:
        return None
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    video_id = None
    if host in ("www.youtube.com", "youtube.com", "m.youtube.com", "www.youtube-nocookie.com"):
        if parsed.path == "/watch":
            video_id = (parse_qs(parsed.query).get("v") or [None])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/")):
            video_id = parsed.path.split("/")[2]
        if video_id and re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host == "youtu.be":
        video_id = parsed.path.lstrip("/")
        if re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host in ("vimeo.com", "www.vimeo.com", "player.vimeo.com"):
        digits = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        if digits.isdigit():
            return f"https://player.vimeo.com/video/{digits}"
    return None


def _third_party(url: str | None) -> str:
    host = (urlparse(url or "").hostname or "").lower()
    if "youtu" in host:
        return "YouTube (Google)"
    if "vimeo" in host:
        return "Vimeo"
    return host or _("een andere website")


@bp.context_processor
def _helpers():
    return {"part_url": part_url, "part_label": part_label}


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    """A document to save. The file name may hold any character (a title with "Ĳ", a name with "Ō"): send_file
    writes an ASCII filename and the full name as RFC 5987 filename*, so the header stays valid Latin-1."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------------------------------------------
# Overview and module pages


@bp.get("/modules")
@roles_required("learner")
@learner_view
def overview(enrollment):
    course = get_course()
    progress = services.load_progress(enrollment, course)
    certificate = services.certificate_for(enrollment) if enrollment.completed_at else None
    return render_template("learning/overview.html", course=course, progress=progress, enrollment=enrollment,
                           next_step=progress.next_step(), certificate=certificate)


@bp.get("/modules/<slug>")
@roles_required("learner")
@learner_view
def module(enrollment, slug: str):
    module = _module_or_404(slug)

    def render() -> str:
        progress = services.load_progress(enrollment).module(slug)
        return render_template("learning/module.html", module=module, progress=progress,
                               nav=step_links(module, "module"))

    return page_cache().get_or_render(page_cache_key(enrollment), render)


@bp.get("/modules/<slug>/pagina/<int:number>")
@roles_required("learner")
@learner_view
def page(enrollment, slug: str, number: int):
    module = _module_or_404(slug)
    lesson = next((p for p in module.pages if p.number == number), None)
    if lesson is None:
        abort(404)

    def render() -> str:
        progress = services.load_progress(enrollment).module(slug)
        return render_template("learning/page.html", module=module, lesson=lesson, progress=progress,
                               is_read=number in progress.pages_read, nav=step_links(module, "page", number))

    return page_cache().get_or_render(page_cache_key(enrollment), render)


@bp.post("/modules/<slug>/pagina/<int:number>/gelezen")
@roles_required("learner")
@learner_view
def mark_read(enrollment, slug: str, number: int):
    module = _module_or_404(slug)
    try:
        services.mark_page_read(enrollment, module, number)
    except services.LearningError:
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
    module = _module_or_404(slug)
    if module.video is None:
        abort(404)
    progress = services.load_progress(enrollment).module(slug)
    external = module.video.external_url
    return render_template("learning/video.html", module=module, video=module.video, progress=progress,
                           embed_url=external_embed(external), third_party=_third_party(external),
                           threshold=round(services.VIDEO_THRESHOLD * 100), nav=step_links(module, "video"))


@bp.post("/modules/<slug>/video/voortgang")
@roles_required("learner")
@learner_view
def video_progress(enrollment, slug: str):
    """Watched segments from the player (static/js/video-progress.js); answers JSON."""
    module = _module_or_404(slug)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(ok=False, message=_("De voortgang van de video is niet goed doorgegeven.")), 400
    try:
        row = services.record_video_progress(enrollment, module, payload.get("segments"))
    except services.LearningError as error:
        db.session.rollback()
        return jsonify(ok=False, message=error.message), 400
    db.session.commit()
    coverage = services.video_coverage(row.segments, module.video.duration)
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
    for number, (qid, question, order) in enumerate(shown_questions(quiz, services.shown_for_token(module, token)),
                                                    start=1):
        error = (errors or {}).get(qid)
        html = QUESTION_TYPES[question.type].render(question, number=number, answer=(answers or {}).get(qid),
                                                   order=order, error_id=f"fout-{qid}" if error else None)
        first_key = (order.get("options") or ["a"])[0]
        questions.append({"question": question, "html": html, "error": error, "label": _("Vraag %(n)s", n=number),
                          "target": f"q-{qid}-{first_key}"})
    attempts = services.attempts_for(enrollment, module.slug)
    progress = services.load_progress(enrollment).module(module.slug)
    return render_template("learning/quiz.html", module=module, quiz=quiz, token=token, questions=questions,
                           errors=errors or {}, message=message, attempts=attempts, progress=progress,
                           nav=step_links(module, "quiz")), status


@bp.route("/modules/<slug>/toets", methods=["GET", "POST"])
@roles_required("learner")
@learner_view
def quiz(enrollment, slug: str):
    module = _module_or_404(slug)
    if module.quiz is None:
        abort(404)
    if request.method == "GET":
        return _render_quiz(enrollment, module, _reopened_token(enrollment, module))
    token = request.form.get("token", "")
    try:
        attempt, _created = services.submit_quiz(enrollment, module, request.form, token)
    except services.QuizIncomplete as incomplete:
        db.session.rollback()
        return _render_quiz(enrollment, module, token, answers=incomplete.answers, errors=incomplete.missing)
    except services.LearningError as error:
        db.session.rollback()
        return _render_quiz(enrollment, module, services.new_submission_token(enrollment, module),
                            message=error.message, status=400)
    db.session.commit()
    return redirect(url_for("learning.quiz_result", slug=slug, attempt_id=attempt.id), code=303)


def _reopened_token(enrollment, module: Module) -> str:
    """The token of a quiz form the learner filled in but did not hand in (`?poging=`: answers kept in the
    browser are put back by static/js/quiz-draft.js), when it is still valid and unused; else a new one."""
    token = request.args.get("poging", "")
    if services.quiz_form_opened_at(enrollment, module, token) and services.attempt_by_token(token) is None:
        return token
    return services.new_submission_token(enrollment, module)


@bp.get("/modules/<slug>/toets/poging/<int:attempt_id>")
@roles_required("learner")
@learner_view
def quiz_result(enrollment, slug: str, attempt_id: int):
    module = _module_or_404(slug)
    if module.quiz is None:
        abort(404)
    attempt = services.get_attempt(enrollment, slug, attempt_id)
    if attempt is None:
        abort(404)
    questions = []
    right = 0
    for row in services.attempt_feedback(module.quiz, attempt):
        question, result = row["question"], row["result"]
        if question is None:
            questions.append(render_template("learning/_question_removed.html", number=row["number"],
                                             result=(attempt.results or {}).get(row["id"], {})))
            right += bool((attempt.results or {}).get(row["id"], {}).get("correct"))
            continue
        right += bool(result.correct)
        questions.append(QUESTION_TYPES[question.type].render(question, number=row["number"], answer=row["answer"],
                                                              result=result, order=row["order"]))
    attempts = services.attempts_for(enrollment, slug)
    progress = services.load_progress(enrollment).module(slug)
    return render_template("learning/quiz_result.html", module=module, quiz=module.quiz, attempt=attempt,
                           questions=questions, right=right, attempts=attempts, progress=progress,
                           nav=step_links(module, "quiz"))


# --------------------------------------------------------------------------------------------------------------
# Exercise


def _csrf_ok() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        csrf.protect()
    except CSRFError:
        return False
    return True


def keep_typed_answers(view: Callable) -> Callable:
    """Nothing typed is lost when the session has expired or the form is stale.

    This view is exempt from the global CSRF check and checks the token itself: a POST from a logged-out browser,
    or with an expired token, never changes a draft, but its answers are kept for the learner named in the form's
    signed owner field. After logging in they see them and choose whether to put them back.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        authenticated = current_user.is_authenticated
        csrf_ok = _csrf_ok()
        slug = kwargs.get("slug", "")
        if authenticated and csrf_ok:
            return view(*args, **kwargs)
        if authenticated and current_user.role != "learner":
            abort(400)
        kept = _keep_posted_answers(slug, None if not authenticated else current_user.id)
        if not authenticated:
            if kept:
                flash(_("Je was niet meer ingelogd. We hebben je antwoorden bewaard. Log in, dan kun je ze "
                        "terugzetten."), "warning")
            return redirect(url_for("accounts.login", next=url_for("learning.exercise", slug=slug)))
        return render_template("learning/form_expired.html", slug=slug, kept=kept), 400

    return wrapped


def _keep_posted_answers(slug: str, logged_in_id: int | None) -> bool:
    module = get_course().module(slug)
    if module is None or module.exercise is None:
        return False
    owner = owner_from_token(request.form.get("owner"), slug)
    if owner is None or (logged_in_id is not None and owner != logged_in_id):
        return False
    answers = services.exercise_answers_from_form(module.exercise, request.form)
    kept = services.keep_pending_draft(owner, module, answers) is not None
    db.session.commit()
    return kept


def _error_target(module: Module, item_id: str) -> str:
    if module.exercise.kind == "checklist":
        return f"item-{item_id}-scale-1"
    return f"item-{item_id}-text"


def _render_exercise(enrollment, module: Module, answers: dict | None = None, errors: dict[str, str] | None = None,
                     status: int = 200):
    from ..content.exercise_kinds import EXERCISE_KINDS

    exercise = module.exercise
    row = services.exercise_answer_for(enrollment, module.slug)
    if answers is None:
        answers = (row.answers if row is not None else None) or {}
    locked = row is not None and row.status in services.EXERCISE_DONE
    fields = EXERCISE_KINDS[exercise.kind].render(exercise, answers, errors=errors, disabled=locked)
    pending = services.pending_draft_for(current_user.id, module.slug)
    pending_rows = EXERCISE_KINDS[exercise.kind].summarise(exercise, pending.answers) if pending else []
    items = {item.id: item for item in exercise.items}
    error_links = [(f"#{_error_target(module, item_id)}", items[item_id].text, message)
                   for item_id, message in (errors or {}).items() if item_id in items]
    saved_at = row.saved_at if row is not None else None
    return render_template(
        "learning/exercise.html", module=module, exercise=exercise, row=row, fields=fields, locked=locked,
        error_links=error_links, pending=pending, pending_rows=pending_rows,
        status_text=documents.status_text(row, module.requires_review) if row is not None else None,
        owner=owner_token(current_user.id, module.slug),
        draft_key=hashlib.sha256(f"{current_user.pseudonym}:{module.slug}".encode()).hexdigest()[:24],
        saved_at_ms=int(local(saved_at).timestamp() * 1000) if saved_at else 0,
        nav=step_links(module, "exercise"),
    ), status


def _exercise_module(slug: str) -> Module:
    module = _module_or_404(slug)
    if module.exercise is None:
        abort(404)
    return module


def _owner_mismatch(slug: str) -> bool:
    """A form rendered for another learner (someone else logged in since) is never saved into this draft."""
    token = request.form.get("owner")
    return bool(token) and owner_from_token(token, slug) != current_user.id


@bp.route("/modules/<slug>/oefening", methods=["GET", "POST"])
@csrf.exempt  # checked in keep_typed_answers, so a stale form keeps its answers
@keep_typed_answers
@roles_required("learner")
@learner_view
def exercise(enrollment, slug: str):
    module = _exercise_module(slug)
    if request.method == "GET":
        return _render_exercise(enrollment, module)
    if _owner_mismatch(slug):
        _keep_posted_answers(slug, None)
        return render_template("learning/form_expired.html", slug=slug, kept=False, other_user=True), 400
    answers = services.exercise_answers_from_form(module.exercise, request.form)
    action = request.form.get("action", "save")
    try:
        if action == "submit":
            services.submit_exercise(enrollment, module, answers)
        else:
            services.save_exercise_draft(enrollment, module, answers)
    except services.ExerciseIncomplete as incomplete:
        db.session.commit()  # the draft is saved; only the submission waits
        return _render_exercise(enrollment, module, answers=answers, errors=incomplete.missing)
    except services.LearningError as error:
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
    module = _exercise_module(slug)
    fields = fields_from_json(request.get_json(silent=True))
    if fields is None:
        return jsonify(ok=False, message=_("De antwoorden zijn niet goed doorgegeven.")), 400
    token = fields.get("owner")
    if token and owner_from_token(token, slug) != current_user.id:
        return jsonify(ok=False, reason="other_user",
                       message=_("Dit formulier hoort bij een andere gebruiker. Laad de pagina opnieuw.")), 409
    answers = services.exercise_answers_from_form(module.exercise, fields)
    try:
        row = services.save_exercise_draft(enrollment, module, answers)
    except services.LearningError as error:
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
    module = _exercise_module(slug)
    pending = services.pending_draft_for(current_user.id, slug)
    if pending is None:
        return redirect(url_for("learning.exercise", slug=slug), code=303)
    if request.form.get("action") == "restore":
        try:
            restored = services.restore_pending_draft(enrollment, module, pending)
        except services.LearningError as error:
            db.session.rollback()
            services.discard_pending_draft(services.pending_draft_for(current_user.id, slug))
            db.session.commit()
            flash(error.message, "error")
            return redirect(url_for("learning.exercise", slug=slug), code=303)
        if restored is not None:
            flash(_("Je bewaarde antwoorden staan weer in het formulier en zijn opgeslagen."), "success")
    else:
        services.discard_pending_draft(pending)
        flash(_("De bewaarde antwoorden zijn verwijderd."), "info")
    db.session.commit()
    return redirect(url_for("learning.exercise", slug=slug), code=303)


def _exercise_document(enrollment, slug: str) -> documents.ExerciseDocument:
    module = _exercise_module(slug)
    row = services.exercise_answer_for(enrollment, slug)
    if row is None:
        abort(404)
    return documents.build_exercise_document(enrollment, module, row, get_course().title)


@bp.get("/modules/<slug>/oefening/resultaat.pdf")
@roles_required("learner")
@learner_view
def exercise_pdf(enrollment, slug: str):
    doc = _exercise_document(enrollment, slug)
    return _download(documents.exercise_pdf(doc), f"{doc.filename_stem}.pdf", "application/pdf")


@bp.get("/modules/<slug>/oefening/resultaat.docx")
@roles_required("learner")
@learner_view
def exercise_docx(enrollment, slug: str):
    doc = _exercise_document(enrollment, slug)
    return _download(documents.exercise_docx(doc), f"{doc.filename_stem}.docx",
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
    certificates = services.certificates_of(current_user)
    enrollment = current_enrollment(current_user)
    if not certificates and enrollment is None:
        return render_template("learning/no_enrollment.html")
    progress = services.load_progress(enrollment) if enrollment is not None and not certificates else None
    return render_template("learning/certificate.html", entries=[_certificate_entry(c) for c in certificates],
                           enrollment=enrollment, progress=progress, course=get_course())


@bp.get("/certificaat.pdf")
@roles_required("learner")
def certificate_pdf():
    """The certificate asked for by ?code= (only one of the learner's own), else the newest."""
    certificates = services.certificates_of(current_user)
    if "code" in request.args:
        code = services.normalise_code(request.args.get("code"))
        certificates = [c for c in certificates if c.code == code]
    if not certificates:
        abort(404)
    certificate = certificates[0]
    doc = documents.build_certificate_document(certificate, certificate.enrollment, get_course().title,
                                               verify_url(certificate.code))
    return _download(documents.certificate_pdf(doc), f"certificaat-{certificate.code}.pdf", "application/pdf")


@bp.get("/verify/<code>")
@public
def verify(code: str):
    """Public check of a certificate: valid or not, with initials only."""
    certificate = services.find_certificate(code)
    if certificate is None:
        return render_template("learning/verify.html", certificate=None, code=code[:40]), 404
    enrollment = certificate.enrollment
    return render_template("learning/verify.html", certificate=certificate, code=certificate.code,
                           initials=services.initials(certificate.holder_name), course=get_course(),
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
    data = services.export_own_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(body.encode("utf-8"), f"mijn-gegevens-{current_user.pseudonym}.json",
                     "application/json; charset=utf-8")
