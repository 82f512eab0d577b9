"""Quiz attempts: one attempt per submission token, graded by the question types of content/types.py."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content.course import Module, Question, Quiz
from ..content.types import QUESTION_TYPES
from ..core.errors import ValidationError
from ..extensions import db
from .models import QuizAttempt
from .progress import refresh_enrollment_summary
from .storage import insert_ignore, lock_enrollment

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class QuizIncomplete(ValidationError):
    """Not every question was answered; nothing is stored and the answers given are kept for the form."""

    def __init__(self, answers: dict[str, Any], missing: dict[str, str]):
        super().__init__(_("Beantwoord alle vragen voordat je de toets inlevert."))
        self.answers = answers
        self.missing = missing


def new_submission_token() -> str:
    """A fresh token per quiz form: every submission of that form is the same attempt."""
    return secrets.token_urlsafe(24)


def valid_token(token: str | None) -> bool:
    return bool(token) and TOKEN_PATTERN.match(token) is not None


def quiz_seed(token: str) -> int:
    """The shuffle of one attempt, stable between its form and its result page."""
    return int(hashlib.sha256(token.encode()).hexdigest()[:8], 16)


def _question_type(question: Question):
    return QUESTION_TYPES[question.type]


def read_quiz_answers(quiz: Quiz, form) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers in a submitted form, and a Dutch message per unanswered question."""
    answers: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for question in quiz.questions:
        answer = _question_type(question).answer_from_form(question, form)
        if answer in (None, [], {}, ""):
            missing[question.id] = _("Je hebt deze vraag nog niet beantwoord.")
        else:
            answers[question.id] = answer
    return answers, missing


def grade_quiz(quiz: Quiz, answers: Mapping[str, Any]) -> tuple[float, bool, dict[str, dict[str, Any]]]:
    """Score (0..1, the mean of the question scores), passed, and the result per question."""
    results: dict[str, dict[str, Any]] = {}
    for question in quiz.questions:
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
    if not valid_token(token):
        raise ValidationError(_("Dit toetsformulier is niet geldig. Open de toets opnieuw."))
    existing = attempt_by_token(token)
    if existing is not None:
        return _own_attempt(existing, enrollment, module), False
    answers, missing = read_quiz_answers(quiz, form)
    if missing:
        raise QuizIncomplete(answers, missing)
    score, passed, results = grade_quiz(quiz, answers)
    lock_enrollment(enrollment)
    created = insert_ignore(QuizAttempt, {
        "enrollment_id": enrollment.id, "module_slug": module.slug, "quiz": quiz.name, "token": token,
        "answers": answers, "results": results, "score": score, "passed": passed,
        "content_version": module.version or "onbekend",
    })
    attempt = _own_attempt(attempt_by_token(token), enrollment, module)
    if created:
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


def attempt_feedback(quiz: Quiz, attempt: QuizAttempt) -> list[tuple[int, Question, Any, Any]]:
    """(number, question, answer, QuestionResult) per question of the current quiz, graded for display.

    The stored score stays the record; the feedback comes from the current text of the quiz.
    """
    rows = []
    for number, question in enumerate(quiz.questions, start=1):
        answer = (attempt.answers or {}).get(question.id)
        rows.append((number, question, answer, _question_type(question).grade(question, answer)))
    return rows
