"""Quiz attempts: one attempt per submission token, graded by the question types of content/types.py."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content.course import Module, Question, Quiz
from ..content.draw import compose, shown_questions
from ..content.types import QUESTION_TYPES
from ..core.errors import ValidationError
from ..extensions import db
from . import events
from .models import QuizAttempt
from .progress import refresh_enrollment_summary
from .storage import insert_ignore, lock_enrollment

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{16,64}$")
QUIZ_FORM_MAX_AGE = timedelta(days=7)  # a quiz form (and its draw) stays valid this long


class QuizIncomplete(ValidationError):
    """Not every question was answered; nothing is stored and the answers given are kept for the form."""

    def __init__(self, answers: dict[str, Any], missing: dict[str, str]):
        super().__init__(_("Beantwoord alle vragen voordat je de toets inlevert."))
        self.answers = answers
        self.missing = missing


def _quiz_signer(enrollment: Enrollment, module: Module) -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt=f"ebw-quiz:{enrollment.id}:{module.slug}")


def new_submission_token(enrollment: Enrollment, module: Module) -> str:
    """A fresh token per quiz form, signed for this learner's enrolment and module, with the time it was served.

    Every submission of that form is the same attempt (the token is unique per attempt). The token seeds the
    draw and the option order (content/draw.py), so the form and the grading agree; being signed, a learner
    cannot pick a token to choose their questions.
    """
    return _quiz_signer(enrollment, module).sign(secrets.token_urlsafe(16)).decode()


def quiz_form_opened_at(enrollment: Enrollment, module: Module, token: str | None) -> datetime | None:
    """When the quiz form with this token was served; None when the token is not valid for this learner."""
    if not token or TOKEN_PATTERN.match(token) is None:
        return None
    try:
        _value, stamp = _quiz_signer(enrollment, module).unsign(
            token, max_age=int(QUIZ_FORM_MAX_AGE.total_seconds()), return_timestamp=True
        )
    except BadSignature:
        return None
    return stamp.astimezone(UTC).replace(tzinfo=None)


def shown_for_token(module: Module, token: str) -> list[dict[str, Any]]:
    """What the quiz form with this token shows (the draw and the option order)."""
    return compose(module.quiz, token)


def _question_type(question: Question):
    return QUESTION_TYPES[question.type]


def read_quiz_answers(quiz: Quiz, form, shown: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers in a submitted form to the questions it showed, and a Dutch message per unanswered one."""
    answers: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for question in _shown(quiz, shown):
        answer = _question_type(question).answer_from_form(question, form)
        if answer in (None, [], {}, ""):
            missing[question.id] = _("Je hebt deze vraag nog niet beantwoord.")
        else:
            answers[question.id] = answer
    return answers, missing


def _shown(quiz: Quiz, shown: list[dict[str, Any]]) -> list[Question]:
    return [question for _qid, question, _order in shown_questions(quiz, shown) if question is not None]


def grade_quiz(
    quiz: Quiz, answers: Mapping[str, Any], shown: list[dict[str, Any]]
) -> tuple[float, bool, dict[str, dict[str, Any]]]:
    """Score (0..1, the mean of the scores of the questions shown), passed, and the result per question."""
    results: dict[str, dict[str, Any]] = {}
    for question in _shown(quiz, shown):
        result = _question_type(question).grade(question, answers.get(question.id))
        results[question.id] = {"score": round(float(result.score), 4), "correct": bool(result.correct),
                                "chosen": list(result.chosen)}
    score = sum(r["score"] for r in results.values()) / len(results) if results else 0.0
    score = round(score, 4)
    return score, score >= quiz.pass_mark - 1e-9, results


def submit_quiz(enrollment: Enrollment, module: Module, form, token: str | None) -> tuple[QuizAttempt, bool]:
    """Grade and store one attempt per submission token. Returns (attempt, created).

    A second submission with the same token (double click, back button, reload) returns the first attempt.
    """
    quiz = module.quiz
    if quiz is None:
        raise ValidationError(_("Bij deze module hoort geen toets."))
    opened_at = quiz_form_opened_at(enrollment, module, token)
    if opened_at is None:
        raise ValidationError(_("Dit toetsformulier is niet geldig of te oud. Open de toets opnieuw."))
    existing = attempt_by_token(token)
    if existing is not None:
        return _own_attempt(existing, enrollment, module), False
    shown = shown_for_token(module, token)
    answers, missing = read_quiz_answers(quiz, form, shown)
    if missing:
        raise QuizIncomplete(answers, missing)
    score, passed, results = grade_quiz(quiz, answers, shown)
    lock_enrollment(enrollment)
    created = insert_ignore(QuizAttempt, {
        "enrollment_id": enrollment.id, "module_slug": module.slug, "quiz": quiz.name, "token": token,
        "answers": answers, "results": results, "score": score, "passed": passed, "shown": shown,
        "opened_at": opened_at, "content_version": module.version or "onbekend",
    })
    attempt = _own_attempt(attempt_by_token(token), enrollment, module)
    if created:
        events.quiz_submitted.send(enrollment, module=module, attempt=attempt)
        refresh_enrollment_summary(
            enrollment, cause=f"Toets gemaakt: {round(score * 100)}%" + (" (gehaald)" if passed else "")
        )
    return attempt, bool(created)


def _own_attempt(attempt: QuizAttempt | None, enrollment: Enrollment, module: Module) -> QuizAttempt:
    if attempt is None or attempt.enrollment_id != enrollment.id or attempt.module_slug != module.slug:
        raise ValidationError(_("Dit toetsformulier is niet geldig. Open de toets opnieuw."))
    return attempt


def attempt_by_token(token: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.token == token).execution_options(populate_existing=True)
    )


def attempts_for(enrollment: Enrollment, module_slug: str) -> list[QuizAttempt]:
    """Every attempt of the learner at this module's quiz, newest first."""
    return list(db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.module_slug == module_slug)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    ))


def get_attempt(enrollment: Enrollment, module_slug: str, attempt_id: int) -> QuizAttempt | None:
    """An attempt only when it belongs to this learner's enrolment and module (else None: the view 404s)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.enrollment_id != enrollment.id or attempt.module_slug != module_slug:
        return None
    return attempt


def attempt_feedback(quiz: Quiz, attempt: QuizAttempt) -> list[dict[str, Any]]:
    """Per question the attempt showed, in its order: number, question (None when it has left the quiz file),
    the learner's answer, the display order and a QuestionResult graded for display.

    The stored score stays the record; the feedback comes from the current text of the quiz.
    """
    rows = []
    entries = shown_questions(quiz, attempt.shown, (attempt.results or {}).keys())
    for number, (qid, question, order) in enumerate(entries, start=1):
        answer = (attempt.answers or {}).get(qid)
        result = _question_type(question).grade(question, answer) if question is not None else None
        rows.append({"number": number, "id": qid, "question": question, "answer": answer, "order": order,
                     "result": result})
    return rows
