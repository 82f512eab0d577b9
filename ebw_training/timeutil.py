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


def percent_text(fraction) -> str:
    """A fraction 0..1 as a Dutch percentage with at most one decimal, rounded half up ("12,5", "70")."""
    from decimal import ROUND_HALF_UP, Decimal

    if fraction is None:
        return "–"
    value = (Decimal(repr(float(fraction))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def round_half_up(value: float, places: int = 1) -> float:
    """Rounding as people and spreadsheets expect (6.25 -> 6.3), not Python's round-half-to-even."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
