"""A learner's request to have their account removed (AVG, right to erasure); an admin carries it out
(admin.removal)."""

from __future__ import annotations

from sqlalchemy import select

from ..core.audit import record_audit
from ..extensions import db
from ..timeutil import utcnow
from .models import User


def request_removal(user: User) -> bool:
    """The learner asks for removal; False when a request is already open."""
    if user.removal_requested_at is not None:
        return False
    user.removal_requested_at = utcnow()
    record_audit("account.removal_requested", actor=user, target=f"user:{user.id}")
    db.session.flush()
    return True


def withdraw_removal_request(user: User) -> None:
    if user.removal_requested_at is None or user.anonymised_at is not None:
        return
    user.removal_requested_at = None
    record_audit("account.removal_withdrawn", actor=user, target=f"user:{user.id}")
    db.session.flush()


def open_requests() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.removal_requested_at.is_not(None), User.anonymised_at.is_(None))
        .order_by(User.removal_requested_at)))
