from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import func, or_, select

from ..extensions import db
from .models import Municipality


def reference_rows() -> list[dict[str, str]]:
    """The project's copy of the CBS list (data/gemeenten.csv, see gemeenten.SOURCE.md)."""
    text = resources.files("ebw_training.data").joinpath("gemeenten.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_municipalities() -> int:
    """Insert or update the reference list; idempotent. Returns how many rows were added."""
    existing = {m.code: m for m in db.session.scalars(select(Municipality))}
    added = 0
    for row in reference_rows():
        current = existing.get(row["code"])
        if current is None:
            db.session.add(Municipality(code=row["code"], name=row["naam"], province=row["provincie"]))
            added += 1
        elif (current.name, current.province) != (row["naam"], row["provincie"]):
            current.name, current.province = row["naam"], row["provincie"]
    db.session.flush()
    return added


def active_municipalities() -> list[Municipality]:
    return list(
        db.session.scalars(select(Municipality).where(Municipality.ended_on.is_(None)).order_by(Municipality.name))
    )


def search_municipalities(query: str, limit: int = 50) -> list[Municipality]:
    q = (query or "").strip()
    stmt = select(Municipality).order_by(Municipality.name)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Municipality.name).like(like), func.lower(Municipality.code).like(like)))
    return list(db.session.scalars(stmt.limit(limit)))
