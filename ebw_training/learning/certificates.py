"""Certificates: issued once per completed enrolment, with a code anyone can verify."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..cohorts.models import Enrollment
from ..content import get_course
from ..content.course import Course
from ..core.audit import record_audit
from ..core.errors import ValidationError
from ..core.formatting import minutes_to_hours
from ..extensions import db
from ..timeutil import utcnow
from .models import Certificate
from .storage import insert_ignore

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"EBW-{raw[:4]}-{raw[4:]}"


def normalise_code(code: str | None) -> str | None:
    """Accept a code typed with lower case, spaces or without dashes."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if cleaned.startswith("EBW"):
        cleaned = cleaned[3:]
    if len(cleaned) != 8 or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return f"EBW-{cleaned[:4]}-{cleaned[4:]}"


def certificate_for(enrollment: Enrollment) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.enrollment_id == enrollment.id)
        .execution_options(populate_existing=True)
    )


def certificates_of(user) -> list[Certificate]:
    """Every certificate of the learner over all their enrolments (earlier and withdrawn ones too), newest first.

    A certificate stays the learner's when they are enrolled in a new cohort or withdrawn.
    """
    return list(db.session.scalars(
        select(Certificate)
        .join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .where(Enrollment.user_id == user.id)
        .options(contains_eager(Certificate.enrollment).selectinload(Enrollment.cohort))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ))


def has_certificate(user) -> bool:
    return db.session.scalar(
        select(Certificate.id).join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .where(Enrollment.user_id == user.id).limit(1)
    ) is not None


def issue_certificate(enrollment: Enrollment, course: Course | None = None) -> Certificate:
    """Issue the certificate once per enrolment, with a unique code; later calls return the same one."""
    existing = certificate_for(enrollment)
    if existing is not None:
        return existing
    if enrollment.completed_at is None:
        raise ValidationError(_("Je krijgt het certificaat als je alle modules hebt afgerond."))
    course = course or get_course()
    for _attempt in range(20):
        insert_ignore(Certificate, {
            "enrollment_id": enrollment.id, "code": new_certificate_code(), "issued_at": utcnow(),
            "holder_name": (enrollment.user.name or "")[:120], "study_hours": float(minutes_to_hours(course.total_minutes)),
            "content_version": course.version or "onbekend",
        })
        certificate = certificate_for(enrollment)
        if certificate is not None:
            db.session.expire(enrollment, ["certificate"])
            return certificate
    raise RuntimeError("Could not find a free certificate code")  # pragma: no cover - 32^8 codes


def revoke_certificate(certificate: Certificate, actor=None) -> None:
    """Withdraw a certificate (issued in error, say): the verify page then says it is revoked, exports leave it
    out, and it is never issued again for this enrolment. Revoking twice keeps the first date."""
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = utcnow()
    record_audit("certificate.revoked", actor=actor, target=f"certificate:{certificate.code}",
                 enrollment=certificate.enrollment_id)
    db.session.flush()


def find_certificate(code: str | None) -> Certificate | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalised))


def initials(name: str) -> str:
    """"Daan de Vries" -> "D.d.V.": enough to recognise a certificate, not enough to identify a stranger."""
    return "".join(part[0] + "." for part in (name or "").replace("-", " ").split() if part[0].isalnum())
