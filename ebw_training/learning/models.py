"""Learner activity. Every record that depends on content stores the content version it used."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class PageRead(db.Model):
    __tablename__ = "page_read"
    __table_args__ = (UniqueConstraint("enrollment_id", "module_slug", "page_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    page_number: Mapped[int]
    content_version: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class VideoProgress(db.Model):
    """Watched segments of a video as merged [start, end] pairs in seconds."""

    __tablename__ = "video_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "video"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    video: Mapped[str] = mapped_column(String(200))
    duration: Mapped[float]
    segments: Mapped[list] = mapped_column(JSON, default=list)
    watched_at: Mapped[datetime | None]
    content_version: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the video page was last opened and how many seconds were covered then: coverage added since
    # can grow no faster than the clock at the player's fastest playback rate.
    opened_at: Mapped[datetime | None]
    covered_at_open: Mapped[float] = mapped_column(default=0.0, server_default="0")


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80), index=True)
    quiz: Mapped[str] = mapped_column(String(120))
    token: Mapped[str] = mapped_column(String(64), unique=True)  # one attempt per submission token
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    results: Mapped[dict] = mapped_column(JSON, default=dict)  # per question: score and chosen options
    # What the attempt showed, in display order: [{"id": question id, "options": [keys], "choices": [...]}]
    # (content/draw.py); NULL for attempts made before question banks (then `results` names the questions).
    shown: Mapped[list | None] = mapped_column(JSON)
    opened_at: Mapped[datetime | None]  # when the quiz form was served (from the signed token)
    score: Mapped[float]
    passed: Mapped[bool]
    content_version: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExerciseAnswer(db.Model):
    __tablename__ = "exercise_answer"
    __table_args__ = (UniqueConstraint("enrollment_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    exercise: Mapped[str] = mapped_column(String(120))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | submitted | approved | returned
    content_version: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    # The description of the learner's intervention as it was when the exercise was handed in (exercises that show
    # it); a later change of the description does not change a handed-in exercise.
    intervention: Mapped[dict | None] = mapped_column(JSON)


class Intervention(db.Model):
    """The intervention or approach a learner works on through the course: one per enrolment, changeable."""

    __tablename__ = "intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text)
    target_group: Mapped[str] = mapped_column(Text)
    carried_out_by: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(10))  # plan | loopt | loopt_af
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CompletionEvent(db.Model):
    """Append-only history of module and course status changes (never updated, never deleted)."""

    __tablename__ = "completion_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(10))  # module | course
    module_slug: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))  # started | completed | reopened
    reason: Mapped[str] = mapped_column(String(200))
    content_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    holder_name: Mapped[str] = mapped_column(String(120))  # as printed on the certificate
    study_hours: Mapped[float]
    content_version: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    # The holder's account was removed at their request: the certificate was issued, the data is gone.
    holder_removed_at: Mapped[datetime | None]
    # Salt of the hashed e-mail in the Open Badges assertion (kept, so the hash stays the same).
    badge_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    enrollment = relationship("Enrollment", back_populates="certificate")


class PendingDraft(db.Model):
    """Exercise answers that arrived when the learner was no longer logged in (or the form had expired).

    The exercise form carries a signed reference to its owner, so the answers can be kept for that learner even
    when the session cookie is gone. After logging in again the learner sees them and chooses to put them back;
    nothing is merged without that choice. Rows are deleted when used or discarded, and purged after a week.
    """

    __tablename__ = "pending_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
