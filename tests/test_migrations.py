"""The Alembic migrations build exactly the schema the models describe, and seed the municipalities."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

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


# The last released revision. The test upgrades a database holding that release's data to the current head, so
# every migration added since runs on real rows.
PREVIOUS_RELEASE = "0005"
RELEASE_DATA = Path(__file__).parent / "data" / f"release_{PREVIOUS_RELEASE}.sql"
# Columns a later migration deliberately rewrites: {table: {column, ...}}. Every other value must survive.
REWRITTEN: dict[str, set[str]] = {}
# Columns dropped on purpose, holding nothing a user entered: 0012 drops the session version number, which no
# code reads since sessions became server-side rows (0008).
RETIRED: dict[str, set[str]] = {"user_account": {"session_version"}}


def _snapshot(connection) -> dict[str, dict[str, list[tuple]]]:
    """{table: {column: values in id order}} for every table but the reference data and Alembic's own."""
    snapshot = {}
    for table in inspect(connection).get_table_names():
        if table in ("alembic_version", "municipality"):
            continue
        columns = [c["name"] for c in inspect(connection).get_columns(table)]
        order = "id" if "id" in columns else columns[0]
        rows = connection.execute(text(f'SELECT * FROM "{table}" ORDER BY "{order}"')).mappings().all()
        snapshot[table] = {column: [row[column] for row in rows] for column in columns}
    return snapshot


def _count(snapshot: dict, table: str) -> int:
    return len(next(iter(snapshot[table].values()), []))


def test_release_data_survives_upgrade_to_head_and_one_step_down(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/release.sqlite"})
    with app.app_context():
        directory = str(Path(__file__).resolve().parent.parent / "migrations")
        script = ScriptDirectory(directory)
        head = script.get_current_head()
        previous_step = script.get_revision(head).down_revision
        upgrade(directory, revision=PREVIOUS_RELEASE)
        with db.engine.begin() as connection:
            rows = RELEASE_DATA.read_text("utf-8").split("\nINSERT INTO ")[1:]
            for row in rows:
                connection.exec_driver_sql("INSERT INTO " + row.rstrip().removesuffix(";"))
        with db.engine.connect() as connection:
            before = _snapshot(connection)
        assert _count(before, "certificate") == 1 and _count(before, "quiz_attempt") == 9

        upgrade(directory, revision="head")
        with db.engine.connect() as connection:
            after = _snapshot(connection)
            assert MigrationContext.configure(connection).get_current_revision() == head
        lost = []
        for table, columns in before.items():
            assert table in after, f"upgrade to {head} dropped table {table}"
            assert _count(after, table) == _count(before, table), f"{table}: row count changed"
            for column, values in columns.items():
                if column in REWRITTEN.get(table, set()) or column in RETIRED.get(table, set()):
                    continue
                if column not in after[table]:
                    lost.append(f"{table}.{column} dropped")
                elif after[table][column] != values:
                    lost.append(f"{table}.{column} changed")
        assert not lost, f"upgrade {PREVIOUS_RELEASE} -> {head} lost data: {lost}"
        users = dict(zip(after["user_account"]["email"], after["user_account"]["role"], strict=True))
        assert users["deelnemer.diemen@ebw.example.nl"] == "learner" and users["admin@ebw.example.nl"] == "admin"

        downgrade(directory, revision=previous_step)
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == previous_step
            down = _snapshot(connection)
        for table in before:
            if table in down:
                assert _count(down, table) == _count(before, table), f"downgrade to {previous_step}: {table} lost rows"
        upgrade(directory, revision="head")
        with db.engine.connect() as connection:
            assert _count(_snapshot(connection), "certificate") == 1
        db.engine.dispose()
