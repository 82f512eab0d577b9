"""The learner's own data (privacy: the right of access)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..extensions import db
from ..timeutil import utcnow
from .intervention import snapshot
from .models import (
    Certificate,
    CompletionEvent,
    ExerciseAnswer,
    Intervention,
    PageRead,
    PendingDraft,
    QuizAttempt,
    VideoProgress,
)


def _iso(value: datetime | None) -> str | None:
    """A stored time (naive UTC) as ISO 8601 in UTC, marked with "Z": 2026-03-12T09:30:00Z."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def export_own_data(user) -> dict[str, Any]:
    """Everything the platform keeps about this learner's learning, as plain JSON-ready data."""
    enrollments = list(db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user.id).order_by(Enrollment.enrolled_at)
    ))
    ids = [e.id for e in enrollments]

    def rows(model, order):
        if not ids:
            return {}
        grouped: dict[int, list] = {}
        for row in db.session.scalars(select(model).where(model.enrollment_id.in_(ids)).order_by(order)):
            grouped.setdefault(row.enrollment_id, []).append(row)
        return grouped

    pages = rows(PageRead, PageRead.id)
    videos = rows(VideoProgress, VideoProgress.id)
    attempts = rows(QuizAttempt, QuizAttempt.id)
    exercises = rows(ExerciseAnswer, ExerciseAnswer.id)
    events = rows(CompletionEvent, CompletionEvent.id)
    certificates = rows(Certificate, Certificate.id)
    interventions = rows(Intervention, Intervention.id)
    data: dict[str, Any] = {
        "exported_at": _iso(utcnow()),
        "account": {
            "name": user.name, "email": user.email, "municipality_code": user.municipality_code,
            "municipality": user.municipality.name if user.municipality else None,
            "job_domain": user.job_domain, "participant_id": user.pseudonym, "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "enrollments": [],
    }
    for e in enrollments:
        data["enrollments"].append({
            "cohort": e.cohort.name, "enrolled_at": _iso(e.enrolled_at), "withdrawn_at": _iso(e.withdrawn_at),
            "status": e.status, "started_at": _iso(e.started_at), "last_active_at": _iso(e.last_active_at),
            "modules_completed": e.modules_completed, "modules_total": e.modules_total,
            "quiz_average": e.quiz_average, "exercises_submitted": e.exercises_submitted,
            "contact_hours_attended": float(e.contact_hours_attended or 0), "study_hours": float(e.study_hours or 0),
            "completed_at": _iso(e.completed_at),
            "pages_read": [{"module": r.module_slug, "page": r.page_number, "read_at": _iso(r.read_at)}
                           for r in pages.get(e.id, [])],
            "video_progress": [{"video": r.video, "segments": r.segments, "watched_at": _iso(r.watched_at),
                                "updated_at": _iso(r.updated_at)} for r in videos.get(e.id, [])],
            "quiz_attempts": [{"module": r.module_slug, "quiz": r.quiz, "submitted_at": _iso(r.submitted_at),
                               "score": r.score, "passed": r.passed, "answers": r.answers, "results": r.results,
                               "content_version": r.content_version} for r in attempts.get(e.id, [])],
            "exercises": [{"module": r.module_slug, "exercise": r.exercise, "status": r.status,
                           "answers": r.answers, "saved_at": _iso(r.saved_at), "submitted_at": _iso(r.submitted_at),
                           "feedback": r.feedback, "reviewed_at": _iso(r.reviewed_at),
                           "intervention_when_handed_in": r.intervention,
                           "content_version": r.content_version} for r in exercises.get(e.id, [])],
            "intervention": [dict(snapshot(r), updated_at=_iso(r.updated_at)) for r in interventions.get(e.id, [])],
            "completion_history": [{"scope": r.scope, "module": r.module_slug, "status": r.status,
                                    "reason": r.reason, "at": _iso(r.created_at)} for r in events.get(e.id, [])],
            "certificates": [{"code": r.code, "issued_at": _iso(r.issued_at), "holder_name": r.holder_name,
                              "study_hours": r.study_hours, "revoked_at": _iso(r.revoked_at)}
                             for r in certificates.get(e.id, [])],
        })
    pending = db.session.scalars(select(PendingDraft).where(PendingDraft.user_id == user.id))
    data["kept_drafts"] = [{"module": r.module_slug, "answers": r.answers, "created_at": _iso(r.created_at)}
                           for r in pending]
    return data
