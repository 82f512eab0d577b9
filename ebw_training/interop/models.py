"""Interoperability records: the xAPI outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class XapiStatement(db.Model):
    """One xAPI statement, written in the same transaction as the learning event it describes.

    The forwarder (`ebw xapi send`) sets sent_at once the LRS accepted it; rows are never deleted by it,
    so `ebw xapi export` can always write every statement.
    """

    __tablename__ = "xapi_statement"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement's UUID
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    verb: Mapped[str] = mapped_column(String(200))
    statement: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
