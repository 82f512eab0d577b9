"""The admin pages' queries: users, cohorts, the outbox and the audit log (state changes live with their
domain: accounts, cohorts)."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import ROLES, MailMessage, User
from ..cohorts.models import Cohort, Enrollment
from ..core.audit import AuditEvent
from ..extensions import db
from ..learning.models import Certificate


def overview_counts() -> tuple[dict[str, int], int, int]:
    """(users per role, cohorts, mails in the outbox)."""
    counts = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    cohort_count = db.session.scalar(select(func.count(Cohort.id)))
    outbox_count = db.session.scalar(select(func.count(MailMessage.id)))
    return counts, cohort_count, outbox_count


def users_page(query: str, role: str, page: int, per_page: int):
    """Users by name, optionally matching a part of the name or e-mail address and one role."""
    stmt = select(User).order_by(User.name)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def enrollments_of_user(user: User) -> list[Enrollment]:
    """The user's enrolments with their cohorts and certificates, in a fixed number of queries."""
    return list(db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user.id)
        .options(selectinload(Enrollment.cohort), selectinload(Enrollment.certificate))
        .order_by(Enrollment.enrolled_at)
    ))


def enrollments_of_cohort(cohort: Cohort) -> list[Enrollment]:
    return list(db.session.scalars(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id).order_by(Enrollment.enrolled_at)
    ))


def certificate_of_user(user_id: int, certificate_id: int) -> Certificate | None:
    """The certificate when it belongs to one of this user's enrolments (else None: the view answers 404)."""
    return db.session.scalar(
        select(Certificate).join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Certificate.id == certificate_id, Enrollment.user_id == user_id)
    )


def trainers() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == "trainer").order_by(User.name)))


def outbox_page(page: int, per_page: int):
    stmt = select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def audit_page(action: str, page: int, per_page: int):
    """The audit log, newest first; `action` keeps the events whose action starts with it."""
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.like(f"{action}%"))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
