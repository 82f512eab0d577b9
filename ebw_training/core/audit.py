"""The append-only audit log: role changes, failed logins, exports, retention runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class AuditEvent(db.Model):
    """One audited action; `details` holds what the action needs to be explained later."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")


def record_audit(action: str, *, actor=None, target: str | None = None, **details: Any) -> AuditEvent:
    """Append an audit event; the actor defaults to the logged-in user of the request."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(action=action, actor_id=actor.id if actor else None, target=target, details=details)
    db.session.add(event)
    return event
