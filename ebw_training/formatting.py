"""Numbers as people read them: half-up rounding and Dutch decimal commas."""

from __future__ import annotations


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
