"""What the learner views share: the current enrolment, the module from the URL, the page cache, downloads."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps

from flask import Response, abort, current_app, jsonify, render_template, request, send_file, session
from flask_babel import gettext as _
from flask_login import current_user

from ..cohorts.services import current_enrollment
from ..content import get_course
from ..content.course import Module, Quiz
from ..content.types import QUESTION_TYPES
from ..core.formatting import selected_language
from . import quiz as quiz_service
from .certificates import has_certificate
from .pagecache import PageCache


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def learner_view(view: Callable) -> Callable:
    """Pass the learner's current enrolment; without one, a calm explanation instead of an error."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        enrollment = current_enrollment(current_user)
        if enrollment is None:
            if wants_json():
                return jsonify(ok=False, message=_("Je bent op dit moment niet ingeschreven voor een groep.")), 409
            return render_template("learning/no_enrollment.html", has_certificate=has_certificate(current_user))
        return view(enrollment, *args, **kwargs)

    return wrapped


def page_cache() -> PageCache:
    return current_app.extensions.setdefault("ebw_page_cache", PageCache())


def page_cache_key(enrollment) -> tuple | None:
    """Everything a cached lesson or module page shows that can change (see learning/pagecache.py)."""
    return cache_key_for(current_user.id, current_user.name, enrollment.id, enrollment.progress_version,
                         enrollment.last_active_at)


def cache_key_for(user_id: int, name: str, enrollment_id: int, progress_version: int, last_active_at) -> tuple | None:
    """The page cache key of this request's page for a learner and enrolment (None: do not cache)."""
    csrf_secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    # These pages take no query parameters: made-up ones would only push other pages out of the cache.
    if "_flashes" in session or not csrf_secret or request.query_string:
        return None
    return (request.path, user_id, name, enrollment_id, progress_version, last_active_at,
            get_course().version, selected_language(), csrf_secret)


def module_or_404(slug: str) -> Module:
    module = get_course().module(slug)
    if module is None:
        abort(404)
    return module


def exercise_module_or_404(slug: str) -> Module:
    module = module_or_404(slug)
    if module.exercise is None:
        abort(404)
    return module


def download(data: bytes, filename: str, mimetype: str) -> Response:
    """A document to save. The file name may hold any character (a title with "Ĳ", a name with "Ō"): send_file
    writes an ASCII filename and the full name as RFC 5987 filename*, so the header stays valid Latin-1."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def attempt_questions(quiz: Quiz, attempt) -> tuple[list[str], int]:
    """The questions of a stored attempt rendered read-only, in the order it showed them, and how many were
    fully right. A question that has since left the quiz file shows its stored verdict."""
    questions = []
    right = 0
    stored = attempt.results or {}
    for row in quiz_service.attempt_feedback(quiz, attempt):
        question, result = row["question"], row["result"]
        if question is None:
            verdict = stored.get(row["id"], {})
            right += bool(verdict.get("correct"))
            questions.append(render_template("learning/_question_removed.html", number=row["number"],
                                             result=verdict))
            continue
        right += bool(result.correct)
        questions.append(QUESTION_TYPES[question.type].render(question, number=row["number"], answer=row["answer"],
                                                              result=result, order=row["order"]))
    return questions, right
