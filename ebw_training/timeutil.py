"""Time helpers: the database stores naive UTC; pages show Europe/Amsterdam."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    """Naive UTC now, the form every timestamp column uses."""
    return datetime.now(UTC).replace(tzinfo=None)


def local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC).astimezone(AMSTERDAM)


def local_date(dt: datetime | None) -> date | None:
    value = local(dt)
    return value.date() if value else None

