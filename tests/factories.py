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
