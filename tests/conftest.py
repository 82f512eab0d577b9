"""Shared fixtures: the app on a real database (SQLite by default, PostgreSQL when
EBW_TEST_DATABASE_URL is set), a client, a CLI runner, factories and a query counter."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import event, text

from ebw_training import create_app
from ebw_training.extensions import db
from ebw_training.municipalities.services import seed_municipalities

from . import factories

TEST_PASSWORD = factories.TEST_PASSWORD


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("EBW_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "EBW_BASE_URL": "http://localhost",
        }
    )

    def _fresh_request_globals():
        # Tests hold an app context while the client makes requests, so requests share `g`;
        # drop flask-login's cached user so every request loads its own, as in production.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    # First of all hooks: the app's own hooks (which load the user) must see a fresh `g`, as in production.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)

    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_municipalities()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _wipe(app) -> None:
    """Empty every table but the municipality reference data."""
    with app.app_context():
        db.session.rollback()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "municipality"]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def app_ctx(app):
    """An application context with a clean database; data of one test never leaks into the next."""
    _wipe(app)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app_ctx):
    return app_ctx.test_client()


@pytest.fixture
def runner(app_ctx):
    return app_ctx.test_cli_runner()


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""

    def do_login(user, password: str = TEST_PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def count_queries(app_ctx):
    """Use as `with count_queries() as counter: ...; counter.count`."""

    class Counter:
        count = 0
        statements: list[str] = []

    @contextmanager
    def counting():
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def world(app_ctx):
    """One of each role around one cohort: the data the route walks (permissions, robustness) run on."""
    from datetime import date

    from ebw_training.accounts.models import MailMessage
    from ebw_training.cohorts.services import add_contact_session
    from ebw_training.content import get_course
    from ebw_training.learning.models import ExerciseAnswer
    from ebw_training.timeutil import utcnow

    from .factories import make_cohort, make_enrollment, make_user

    trainer = make_user("trainer", email="trainer@example.nl")
    cohort = make_cohort(trainers=[trainer])
    learner = make_user("learner", municipality="GM0363", email="learner@example.nl")
    enrollment = make_enrollment(learner, cohort)
    users = {
        "learner": learner,
        "trainer": trainer,
        "coordinator_national": make_user("coordinator", email="national@example.nl"),
        "coordinator_municipal": make_user("coordinator", municipality="GM0363", email="municipal@example.nl"),
        "admin": make_user("admin", email="admin@example.nl"),
    }
    message = MailMessage(recipient="x@example.nl", subject="Test", body="Hallo")
    db.session.add(message)
    session = add_contact_session(cohort, "Startbijeenkomst", date(2026, 9, 1), "3")
    course = get_course()
    module = next((m for m in course.modules if m.exercise is not None), None)
    answer = ExerciseAnswer(enrollment_id=enrollment.id, module_slug=module.slug if module else "wat-is-ebw",
                            exercise=module.exercise.name if module else "zelfscan-ebw", answers={},
                            status="submitted", content_version="0" * 64, submitted_at=utcnow())
    db.session.add(answer)
    db.session.commit()
    return {"users": users, "cohort": cohort, "learner": learner, "enrollment": enrollment,
            "message": message, "session": session, "answer": answer, "course": course}
