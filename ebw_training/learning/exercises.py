"""Exercises: drafts, submission, the trainer's review, and answers kept when a session had expired."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..cohorts.models import Cohort, Enrollment
from ..content.course import Exercise, Module
from ..content.exercise_kinds import EXERCISE_KINDS
from ..core.errors import ValidationError
from ..extensions import db
from ..timeutil import utcnow
from . import events
from .activities import EXERCISE_DONE
from .intervention import intervention_for, snapshot
from .models import ExerciseAnswer, PendingDraft
from .progress import refresh_enrollment_summary
from .storage import insert_ignore, lock_enrollment

PENDING_DRAFT_DAYS = 7


class ExerciseIncomplete(ValidationError):
    """Required fields are empty; the draft is saved, the exercise is not submitted."""

    def __init__(self, missing: dict[str, str]):
        super().__init__(_("Vul de ontbrekende antwoorden in voordat je de oefening inlevert."))
        self.missing = missing


def _kind(exercise: Exercise):
    return EXERCISE_KINDS[exercise.kind]


def exercise_answers_from_form(exercise: Exercise, form) -> dict[str, Any]:
    return _kind(exercise).answers_from_form(exercise, form)


def missing_answers(exercise: Exercise, answers: Mapping[str, Any]) -> dict[str, str]:
    return _kind(exercise).missing(exercise, dict(answers))


def exercise_answer_for(enrollment: Enrollment, module_slug: str) -> ExerciseAnswer | None:
    return db.session.scalar(
        select(ExerciseAnswer)
        .where(ExerciseAnswer.enrollment_id == enrollment.id, ExerciseAnswer.module_slug == module_slug)
        .execution_options(populate_existing=True)
    )


def _exercise_row(enrollment: Enrollment, module: Module) -> ExerciseAnswer:
    insert_ignore(ExerciseAnswer, {"enrollment_id": enrollment.id, "module_slug": module.slug,
                                    "exercise": module.exercise.name, "answers": {}, "status": "draft",
                                    "content_version": module.version or "onbekend"})
    return exercise_answer_for(enrollment, module.slug)


def _clean_answers(exercise: Exercise, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the answers to items of this exercise (a stale form may hold removed items)."""
    ids = {item.id for item in exercise.items}
    return {key: value for key, value in dict(answers).items() if key in ids}


def save_exercise_draft(enrollment: Enrollment, module: Module, answers: Mapping[str, Any]) -> ExerciseAnswer:
    """Store the answers as they are (empty fields allowed). A submitted exercise is not changed."""
    if module.exercise is None:
        raise ValidationError(_("Bij deze module hoort geen oefening."))
    lock_enrollment(enrollment)
    row = _exercise_row(enrollment, module)
    if row.status in EXERCISE_DONE:
        raise ValidationError(_("Je hebt deze oefening al ingeleverd. Je antwoorden zijn niet meer te wijzigen."))
    row.answers = _clean_answers(module.exercise, answers)
    row.exercise = module.exercise.name
    row.content_version = module.version or "onbekend"
    row.saved_at = utcnow()
    db.session.flush()
    refresh_enrollment_summary(enrollment, cause="Oefening opgeslagen")
    return row


def submit_exercise(enrollment: Enrollment, module: Module, answers: Mapping[str, Any]) -> ExerciseAnswer:
    """Save, check completeness, then submit. On missing answers the draft is kept and ExerciseIncomplete raised."""
    if module.exercise is None:
        raise ValidationError(_("Bij deze module hoort geen oefening."))
    row = save_exercise_draft(enrollment, module, answers)
    missing = missing_answers(module.exercise, row.answers)
    if missing:
        raise ExerciseIncomplete(missing)
    row.status = "submitted"
    row.submitted_at = utcnow()
    if module.exercise.shows_intervention:
        row.intervention = snapshot(intervention_for(enrollment))
    db.session.flush()
    events.exercise_submitted.send(enrollment, module=module, answer=row)
    refresh_enrollment_summary(enrollment, cause="Oefening ingeleverd")
    return row


def review_exercise(answer: ExerciseAnswer, *, decision: str | None, feedback: str | None, reviewer) -> ExerciseAnswer:
    """A trainer's review: feedback, optionally approving or returning it (returning reopens the module).

    `feedback` is the text of the trainer's feedback field (shown filled with the current feedback): the new text
    replaces the old one, and an empty text clears it. None leaves the feedback as it is.
    """
    if decision not in (None, "approved", "returned"):
        raise ValidationError(_("Kies goedkeuren of teruggeven."))
    if decision is not None and answer.status not in EXERCISE_DONE:
        raise ValidationError(_("Deze oefening is nog niet ingeleverd."))
    if decision is not None:
        answer.status = decision
    if feedback is not None:
        answer.feedback = feedback.strip()[:5000] or None
    answer.reviewed_by_id = getattr(reviewer, "id", None)
    answer.reviewed_at = utcnow()
    db.session.flush()
    enrollment = db.session.get(Enrollment, answer.enrollment_id)
    refresh_enrollment_summary(enrollment, cause="Oefening beoordeeld door de trainer")
    return answer


def keep_pending_draft(user_id: int, module: Module, answers: Mapping[str, Any]) -> PendingDraft | None:
    """Keep answers that arrived without a valid session, for the learner to put back after logging in."""
    if module.exercise is None:
        return None
    cleaned = _clean_answers(module.exercise, answers)
    if not _has_content(cleaned):
        return None
    db.session.execute(delete(PendingDraft).where(PendingDraft.created_at < utcnow() - timedelta(days=PENDING_DRAFT_DAYS)))
    db.session.execute(delete(PendingDraft).where(PendingDraft.user_id == user_id,
                                                  PendingDraft.module_slug == module.slug))
    row = PendingDraft(user_id=user_id, module_slug=module.slug, answers=cleaned)
    db.session.add(row)
    db.session.flush()
    return row


def pending_draft_for(user_id: int, module_slug: str) -> PendingDraft | None:
    return db.session.scalar(
        select(PendingDraft)
        .where(PendingDraft.user_id == user_id, PendingDraft.module_slug == module_slug,
               PendingDraft.created_at >= utcnow() - timedelta(days=PENDING_DRAFT_DAYS))
        .order_by(PendingDraft.id.desc()).limit(1)
    )


def _delete_pending(pending: PendingDraft) -> bool:
    """Delete kept answers; False when another request (a double click, a second tab) already used them."""
    db.session.flush()
    return db.session.execute(
        delete(PendingDraft).where(PendingDraft.id == pending.id).returning(PendingDraft.id)
    ).first() is not None


def restore_pending_draft(enrollment: Enrollment, module: Module,
                          pending: PendingDraft | None) -> ExerciseAnswer | None:
    """Put kept answers back into the draft: kept non-empty answers replace what is there. One time only.

    Returns None, and changes nothing, when the kept answers are already gone (restored or discarded by a
    double click or in another tab).
    """
    if pending is None:
        return None
    answers = dict(pending.answers or {})
    current = exercise_answer_for(enrollment, module.slug)
    if current is not None and current.status in EXERCISE_DONE:
        raise ValidationError(_("Je hebt deze oefening al ingeleverd. Je antwoorden zijn niet meer te wijzigen."))
    if not _delete_pending(pending):
        return None
    merged = dict(current.answers) if current is not None else {}
    for item_id, value in answers.items():
        if _has_content({item_id: value}):
            merged[item_id] = value
    return save_exercise_draft(enrollment, module, merged)


def discard_pending_draft(pending: PendingDraft | None) -> None:
    """Delete kept answers without using them; nothing happens when they are already gone."""
    if pending is not None:
        _delete_pending(pending)


def _has_content(answers: Mapping[str, Any]) -> bool:
    for value in answers.values():
        if isinstance(value, Mapping):
            if any(str(v).strip() for v in value.values() if v is not None):
                return True
        elif value not in (None, "") and str(value).strip():
            return True
    return False


# --- the trainer's review ------------------------------------------------------------------------


def submitted_exercises(cohort: Cohort) -> list:
    """(answer, enrollment) pairs of the cohort's handed-in exercises, newest first, in one query."""
    rows = db.session.execute(
        select(ExerciseAnswer, Enrollment)
        .join(Enrollment, Enrollment.id == ExerciseAnswer.enrollment_id)
        .where(Enrollment.cohort_id == cohort.id, ExerciseAnswer.status != "draft")
        .order_by(ExerciseAnswer.status != "submitted", ExerciseAnswer.submitted_at.desc())
    )
    return [(answer, enrollment) for answer, enrollment in rows]


def get_answer_for_review(cohort: Cohort, answer_id: int):
    """The handed-in answer when it belongs to this cohort; None otherwise (the view answers 404)."""
    row = db.session.execute(
        select(ExerciseAnswer, Enrollment)
        .join(Enrollment, Enrollment.id == ExerciseAnswer.enrollment_id)
        .where(ExerciseAnswer.id == answer_id, Enrollment.cohort_id == cohort.id, ExerciseAnswer.status != "draft")
    ).first()
    return tuple(row) if row else None
