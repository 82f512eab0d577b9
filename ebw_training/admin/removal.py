"""Removing a learner's account at their own request (AVG, right to erasure).

The learner asks on "Mijn gegevens"; an admin sees the request and carries it out. The account is anonymised as the
retention job does (name, e-mail, password, typed answers and kept drafts removed; municipality, job domain and the
enrolment figures stay, so report totals do not change). Their certificates are marked as belonging to a removed
account: the verify page says the certificate was issued but the holder's data was removed. Both steps are logged.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..accounts.models import User
from ..cohorts.models import Enrollment
from ..core.audit import record_audit
from ..extensions import db
from ..learning.models import Certificate
from ..timeutil import utcnow
from .retention import anonymise


def carry_out_removal(user: User, *, actor) -> None:
    """Remove the learner's personal data; keep the anonymous figures. Only for an open request."""
    if user.removal_requested_at is None or user.anonymised_at is not None:
        raise ValueError("no open removal request")
    now = utcnow()
    enrollment_ids = select(Enrollment.id).where(Enrollment.user_id == user.id).scalar_subquery()
    certificates = db.session.execute(
        update(Certificate).where(Certificate.enrollment_id.in_(enrollment_ids))
        .values(holder_removed_at=now).execution_options(synchronize_session=False)).rowcount or 0
    anonymise(user)
    db.session.execute(
        update(Certificate).where(Certificate.enrollment_id.in_(enrollment_ids))
        .values(holder_name="").execution_options(synchronize_session=False))
    record_audit("account.removed", actor=actor, target=f"user:{user.id}", pseudonym=user.pseudonym,
                 requested_at=user.removal_requested_at.isoformat(), certificates_marked=certificates)
    db.session.flush()
