"""RawSelect runs a SELECT on a pooled DBAPI connection and gives the values SQLAlchemy would give, on SQLite
and on PostgreSQL (EBW_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, column, select, table

from ebw_training.accounts.models import User
from ebw_training.cohorts.models import Enrollment
from ebw_training.core.rawselect import RawSelect
from ebw_training.extensions import db
from ebw_training.timeutil import utcnow
from tests.factories import make_enrollment, make_learner, set_enrollment_progress

STATEMENT = (
    select(User.id, User.name, User.is_active_account, User.last_login_at, Enrollment.id.label("enrollment_id"),
           Enrollment.last_active_at, Enrollment.withdrawn_at, Enrollment.progress_version)
    .outerjoin(Enrollment, Enrollment.user_id == User.id)
    .where(User.email == bindparam("email"))
    .order_by(Enrollment.id.desc())
    .limit(1)
)


def test_values_are_those_sqlalchemy_gives(app_ctx):
    enrollment = make_enrollment(make_learner(name="Daan 'de' Vries; --"))
    set_enrollment_progress(enrollment, last_active_at=utcnow() - timedelta(days=2))
    enrollment.user.is_active_account = False
    db.session.commit()
    query = RawSelect(STATEMENT)
    found = query.first(db.engine, email=enrollment.user.email)
    with db.engine.connect() as connection:
        expected = connection.execute(STATEMENT, {"email": enrollment.user.email}).first()
    assert tuple(found) == tuple(expected)
    assert found.name == "Daan 'de' Vries; --" and found.is_active_account is False
    assert found.last_active_at == enrollment.last_active_at and found.withdrawn_at is None
    assert found._fields == tuple(expected._fields)


def test_no_row_gives_none(app_ctx):
    assert RawSelect(STATEMENT).first(db.engine, email="niemand@example.nl") is None


def test_an_error_is_raised_and_the_pool_stays_usable(app_ctx):
    missing = select(column("x")).select_from(table("no_such_table"))
    with pytest.raises(db.engine.dialect.loaded_dbapi.Error):  # the driver's own error, as from a cursor
        RawSelect(missing).first(db.engine)
    for _ in range(db.engine.pool.size() + 2):
        assert RawSelect(STATEMENT).first(db.engine, email="niemand@example.nl") is None
