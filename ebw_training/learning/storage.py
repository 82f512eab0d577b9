"""Writes that stay correct under double clicks, two tabs and two workers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..extensions import db


def insert_ignore(model, values: dict[str, Any]) -> int:
    """INSERT that does nothing when a unique constraint says the row is already there.

    Double clicks, two tabs and retries all end here: the database decides, so a race cannot create two rows.
    Returns the number of inserted rows (0 or 1).
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"Unsupported database {dialect}")
    # Core applies the columns' Python-side defaults (utcnow, dict) to the missing values. RETURNING tells
    # whether a row was inserted (rowcount is not reliable for ON CONFLICT on every driver).
    table = model.__table__
    result = db.session.execute(
        insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    )
    return 1 if result.first() is not None else 0


def lock_enrollment(enrollment: Enrollment) -> None:
    """Serialise the writes of one learner (PostgreSQL row lock; SQLite serialises writers itself)."""
    db.session.flush()
    db.session.execute(select(Enrollment.id).where(Enrollment.id == enrollment.id).with_for_update())
