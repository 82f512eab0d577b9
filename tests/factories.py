"""Test data factories: `make_learner(municipality="GM0599")` and friends. They call the real services."""

from __future__ import annotations

import itertools
from datetime import date

from werkzeug.security import generate_password_hash

from ebw_training.accounts.models import User
from ebw_training.cohorts.models import Cohort, Enrollment
from ebw_training.cohorts.services import create_cohort, enroll
from ebw_training.extensions import db

TEST_PASSWORD = "Test-wachtwoord-voor-tests"
_counter = itertools.count(1)
# One cheap hash shared by every factory user keeps the suite fast; login still checks it for real.
_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")


def make_user(role: str = "learner", *, municipality: str | None = None, name: str | None = None,
              email: str | None = None, job_domain: str | None = None, active: bool = True) -> User:
    n = next(_counter)
    if role == "learner" and municipality is None:
        municipality = "GM0363"
    user = User(
        email=email or f"{role}{n}@example.nl",
        name=name or f"{role.capitalize()} {n}",
        role=role,
        municipality_code=municipality,
        job_domain=job_domain or ("oov" if role == "learner" else None),
        password_hash=_HASH,
        is_active_account=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_learner(municipality: str = "GM0363", **kwargs) -> User:
    return make_user("learner", municipality=municipality, **kwargs)


def make_cohort(name: str | None = None, *, funding: str = "GM0363", year: int = 2026, trainers: list[User] | None = None,
                reference: str | None = "VG-TEST", contact_hours: str = "6") -> Cohort:
    cohort = create_cohort(
        name or f"Groep {next(_counter)}", funding, year, reference=reference,
        trainer_emails=[t.email for t in trainers or []], start=date(year, 9, 1), end=date(year, 12, 15),
        contact_hours=contact_hours,
    )
    db.session.flush()
    return cohort


def make_enrollment(learner: User | None = None, cohort: Cohort | None = None, **learner_kwargs) -> Enrollment:
    learner = learner or make_learner(**learner_kwargs)
    cohort = cohort or make_cohort()
    enrollment, _created = enroll(learner, cohort)
    db.session.flush()
    return enrollment


def set_enrollment_progress(enrollment: Enrollment, *, started_at=None, last_active_at=None, modules_completed: int = 0,
                            modules_total: int | None = None, quiz_average: float | None = None,
                            exercises_submitted: int = 0, contact_hours_attended: str = "0", study_hours: str = "0",
                            completed_at=None, withdrawn_at=None, certificate_code: str | None = None,
                            certificate_revoked_at=None) -> Enrollment:
    """Set an enrolment's summary columns directly (what learning.progress maintains) and, with
    certificate_code, issue its Certificate: data for report and export tests."""
    from decimal import Decimal

    from ebw_training.learning.models import Certificate
    from ebw_training.timeutil import utcnow as _utcnow

    enrollment.started_at = started_at
    enrollment.last_active_at = last_active_at or started_at
    enrollment.modules_completed = modules_completed
    if modules_total is not None:
        enrollment.modules_total = modules_total
    enrollment.quiz_average = quiz_average
    enrollment.exercises_submitted = exercises_submitted
    enrollment.contact_hours_attended = Decimal(contact_hours_attended)
    enrollment.study_hours = Decimal(study_hours)
    enrollment.completed_at = completed_at
    enrollment.withdrawn_at = withdrawn_at
    if certificate_code:
        db.session.add(Certificate(enrollment_id=enrollment.id, code=certificate_code, issued_at=completed_at or started_at or _utcnow(),
                                   holder_name=enrollment.user.name, study_hours=float(Decimal(study_hours)),
                                   content_version="test", revoked_at=certificate_revoked_at))
    db.session.flush()
    return enrollment
