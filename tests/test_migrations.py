"""The Alembic migrations build exactly the schema the models describe, and seed the municipalities."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import func, select

from ebw_training import create_app
from ebw_training.extensions import db
from ebw_training.municipalities.models import Municipality


def test_upgrade_from_scratch_matches_models(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.sqlite"})
    with app.app_context():
        upgrade()
        assert db.session.scalar(select(func.count(Municipality.code))) == 342
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ; add a migration: {diff}"
        upgrade()  # idempotent
        assert db.session.scalar(select(func.count(Municipality.code))) == 342
        db.engine.dispose()
