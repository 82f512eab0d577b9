"""Numbers, percentages, hours and dates as people read them, in the interface language (Babel).

One rounding rule everywhere: half up (6.25 -> 6.3), as people and spreadsheets expect, never Python's
round-half-to-even. The template filters (`getal`, `procent`, `uren`, `datum`) are these functions, and the
exports, charts and documents call them too; documents and reports pass `locale="nl"` because they are Dutch
whatever the interface language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import Flask, current_app, has_app_context, has_request_context, session
from flask_babel import get_locale

from ..timeutil import local, local_date

MISSING = "–"


def selected_language() -> str:
    """The interface language of this request: the one the user chose, otherwise Dutch (Babel's selector)."""
    if not has_request_context():
        return "nl"
    chosen = session.get("locale")
    return chosen if chosen in current_app.config["BABEL_SUPPORTED_LOCALES"] else "nl"


def round_half_up(value: Any, places: int = 1) -> Decimal:
    """`value` rounded half up to `places` decimals, exactly (floats are read as they print: 0.285 -> 0.29)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def minutes_to_hours(minutes: int) -> Decimal:
    """Study load in hours with two decimals (50 minutes -> 0.83)."""
    return round_half_up(Decimal(minutes) / Decimal(60), 2)


def current_locale() -> str:
    """The interface language of the request; Dutch outside one."""
    if has_app_context():
        locale = get_locale()
        if locale is not None:
            return str(locale)
    return "nl"


def _decimal_text(value: Decimal, pattern: str, locale: str | None) -> str:
    # The value is rounded already, so Babel's own half-even rounding never changes it.
    return format_decimal(value, pattern, locale=locale or current_locale())


def number(value: Any, decimals: int = 1, locale: str | None = None) -> str:
    """A number with a fixed count of decimals: "2,5" in Dutch, "2.5" in English; "–" when unknown."""
    if value is None:
        return MISSING
    pattern = "0." + "0" * decimals if decimals else "0"
    return _decimal_text(round_half_up(value, decimals), pattern, locale)


def percent(fraction: Any, locale: str | None = None) -> str:
    """A fraction 0..1 as a percentage with at most one decimal: 0.125 -> "12,5", 0.7 -> "70"."""
    if fraction is None:
        return MISSING
    return _decimal_text(round_half_up(Decimal(str(float(fraction))) * 100, 1), "0.#", locale)


def percentage(value: Any, locale: str | None = None) -> str:
    """A value that is a percentage already, with one decimal and the sign: "12,5 %"."""
    if value is None:
        return MISSING
    return number(value, 1, locale) + " %"


def hours(value: Any, locale: str | None = None) -> str:
    """Hours as people write them: 3, 2,5 or 2,25 (never a rounded 2,2)."""
    if value is None:
        return MISSING
    return _decimal_text(round_half_up(value, 2), "0.##", locale)


def short_date(value: date | datetime | None, missing: str = "") -> str:
    """12-03-2026; a moment is shown in Amsterdam time with the hour: 12-03-2026 14:05."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        return local(value).strftime("%d-%m-%Y %H:%M")
    return value.strftime("%d-%m-%Y")


def long_date(value: date | datetime | None, locale: str | None = None) -> str:
    """12 maart 2026 (a moment counts on its Amsterdam date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_date(value)
    return babel_format_date(value, "d MMMM y", locale=locale or current_locale())


def month(value: date, pattern: str = "MMM yyyy") -> str:
    """"nov 2026" (or "nov" with pattern "MMM") in the interface language."""
    return babel_format_date(value, pattern, locale=current_locale())


def register_filters(app: Flask) -> None:
    """The template filters, once for every template."""
    app.add_template_filter(short_date, "datum")
    app.add_template_filter(number, "getal")
    app.add_template_filter(percent, "procent")
    app.add_template_filter(hours, "uren")
