from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# The status of an enrolment (the export's `status` column) and its words, defined once.
STATUS_LABELS = {
    "niet_gestart": _l("niet gestart"),
    "bezig": _l("bezig"),
    "afgerond": _l("afgerond"),
    "uitgeschreven": _l("uitgeschreven"),
}
ENROLLMENT_STATUSES = tuple(STATUS_LABELS)


def status_label(code: str) -> str:
    """An enrolment status as people read it ("niet gestart"); an unknown code as it is."""
    label = STATUS_LABELS.get(code)
    return str(label) if label is not None else code


def new_enrolment_code() -> str:
    """Eight unambiguous characters, shown as XXXX-XXXX."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


cohort_trainer = Table(
    "cohort_trainer",
    db.Model.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    funding_municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code"), index=True)
    funding_year: Mapped[int] = mapped_column(index=True)
    funding_reference: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    contact_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    enrolment_code: Mapped[str] = mapped_column(String(9), unique=True, default=new_enrolment_code)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived: Mapped[bool] = mapped_column(default=False)
    # Trainer settings: when a learner counts as inactive on the attention list, how long a reminder
    # keeps a learner from getting another one, and the cohort's own reminder text (None: the default text).
    inactivity_days: Mapped[int] = mapped_column(default=14, server_default="14")
    reminder_pause_days: Mapped[int] = mapped_column(default=7, server_default="7")
    reminder_template: Mapped[str | None] = mapped_column(Text)

    funding_municipality = relationship("Municipality", lazy="joined")
    trainers = relationship("User", secondary=cohort_trainer, order_by="User.name", lazy="selectin")
    enrollments = relationship("Enrollment", back_populates="cohort", lazy="dynamic")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name}>"


class Enrollment(db.Model):
    """A learner in a cohort; one row of the completion records export.

    The progress columns are a summary that learning.progress keeps up to date after every
    activity, so reports and exports are one plain SELECT, however many learners there are.
    """

    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    # Summary, maintained by learning.progress.refresh_enrollment_summary().
    started_at: Mapped[datetime | None]
    last_active_at: Mapped[datetime | None]
    modules_completed: Mapped[int] = mapped_column(default=0)
    modules_total: Mapped[int] = mapped_column(default=0)
    quiz_average: Mapped[float | None]
    exercises_submitted: Mapped[int] = mapped_column(default=0)
    contact_hours_attended: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    study_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    completed_at: Mapped[datetime | None]
    # Bumped by every summary refresh: pages rendered from this enrolment's progress are cached under it.
    progress_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The xAPI context registration of everything done in this enrolment.
    registration: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))

    user = relationship("User", lazy="joined")
    cohort = relationship("Cohort", back_populates="enrollments")
    certificate = relationship("Certificate", uselist=False, back_populates="enrollment")

    @hybrid_property
    def status(self) -> str:
        """niet_gestart | bezig | afgerond | uitgeschreven (the export's `status`)."""
        if self.withdrawn_at is not None:
            return "uitgeschreven"
        if self.completed_at is not None:
            return "afgerond"
        if self.started_at is not None:
            return "bezig"
        return "niet_gestart"

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        # The same rule in SQL, so reports filter and export on it in one SELECT.
        return case(
            (cls.withdrawn_at.is_not(None), "uitgeschreven"),
            (cls.completed_at.is_not(None), "afgerond"),
            (cls.started_at.is_not(None), "bezig"),
            else_="niet_gestart",
        )

    @property
    def status_label(self) -> str:
        return status_label(self.status)


class ContactSession(db.Model):
    """A contact session (classroom or online meeting) of a cohort."""

    __tablename__ = "contact_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "enrollment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("contact_session.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)


class Reminder(db.Model):
    """A reminder e-mail a trainer sent to a learner (the mail itself is in the outbox)."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("mail_message.id", ondelete="SET NULL"))
