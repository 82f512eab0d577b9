"""The plan evaluation with two assessors: a colleague's assessment by invitation, and the agreed result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class PeerReview(db.Model):
    """One invitation to a colleague, and the colleague's answers (personal data of the colleague).

    Only hashes of the two links are kept (the answer link, used once, and the withdrawal link). The colleague's
    e-mail address is only in the sent invitation (`mail_id`, the outbox copy, removed with the other mail after
    the retention period). Withdrawing deletes the answers and that copy.
    """

    __tablename__ = "peer_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    withdraw_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    intervention: Mapped[dict | None] = mapped_column(JSON)  # the description the colleague was shown
    answers: Mapped[dict | None] = mapped_column(JSON)
    content_version: Mapped[str] = mapped_column(String(64))
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail_message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]


class PlanAgreement(db.Model):
    """What the learner and the colleague agreed per checklist item: the answer and the follow-up agreements."""

    __tablename__ = "plan_agreement"
    __table_args__ = (UniqueConstraint("enrollment_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    peer_review_id: Mapped[int | None] = mapped_column(ForeignKey("peer_review.id", ondelete="SET NULL"))
    items: Mapped[dict] = mapped_column(JSON, default=dict)  # {item id: {"scale": ..., "agreements": ...}}
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
