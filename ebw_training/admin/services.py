from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user

from ..extensions import db
from .models import AuditEvent


def record_audit(action: str, *, actor=None, target: str | None = None, **details: Any) -> AuditEvent:
    """Append an audit event; the actor defaults to the logged-in user of the request."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(action=action, actor_id=actor.id if actor else None, target=target, details=details)
    db.session.add(event)
    return event
