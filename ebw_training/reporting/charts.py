"""Server-rendered SVG charts for the report page.

No JavaScript and no inline styles (the Content-Security-Policy forbids them): plain SVG with
CSS classes from app.css. Each chart is an image with a title and a description
(role="img", aria-labelledby); the page puts the same figures in a table next to it, which is
the text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..core.formatting import month as month_name
from ..core.formatting import percentage
from .queries import MunicipalityBar


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open_svg(chart_id: str, width: float, height: float, title: str, description: str) -> list[str]:
    return [
        f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def municipality_chart(bars: Sequence[MunicipalityBar], chart_id: str = "chart-gemeenten") -> Markup:
    """Horizontal bars: completion rate per municipality (0-100 %), with 'afgerond van ingeschreven'."""
    label_width, bar_width, value_width, row_height, top = 210.0, 360.0, 170.0, 30.0, 8.0
    width = label_width + bar_width + value_width
    height = top * 2 + row_height * max(len(bars), 1)
    title = _("Afronding per gemeente")
    if bars:
        description = "; ".join(
            _("%(name)s: %(done)s van %(enrolled)s afgerond (%(pct)s)", name=bar.name, done=bar.completed,
              enrolled=bar.enrolled, pct=percentage(bar.rate))
            for bar in bars
        )
    else:
        description = _("Geen gegevens voor deze filters.")
    parts = _open_svg(chart_id, width, height, title, description)
    for index, bar in enumerate(bars):
        y = top + index * row_height
        middle = y + row_height / 2
        fraction = float(bar.rate or 0) / 100
        name = bar.name if len(bar.name) <= 26 else bar.name[:25] + "…"
        parts.append(f'<text class="chart-label" x="0" y="{_n(middle + 4)}">{escape(name)}</text>')
        parts.append(f'<rect class="chart-track" x="{_n(label_width)}" y="{_n(y + 6)}" width="{_n(bar_width)}" '
                     f'height="{_n(row_height - 12)}"/>')
        if fraction > 0:
            parts.append(f'<rect class="chart-bar" x="{_n(label_width)}" y="{_n(y + 6)}" '
                         f'width="{_n(bar_width * fraction)}" height="{_n(row_height - 12)}"/>')
        value = _("%(pct)s (%(done)s van %(enrolled)s)", pct=percentage(bar.rate), done=bar.completed, enrolled=bar.enrolled)
        parts.append(f'<text class="chart-value" x="{_n(label_width + bar_width + 8)}" y="{_n(middle + 4)}">'
                     f'{escape(value)}</text>')
    if not bars:
        parts.append(f'<text class="chart-label" x="0" y="{_n(top + 19)}">{escape(description)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 # every text part is escaped above


def month_chart(months: Sequence[tuple[date, int]], chart_id: str = "chart-maanden") -> Markup:
    """Columns: number of learners who completed the course, per month."""
    left, bottom, top, column, plot_height = 40.0, 46.0, 16.0, 46.0, 180.0
    width = left + column * max(len(months), 1) + 10
    height = top + plot_height + bottom
    peak = max((count for _month, count in months), default=0)
    scale_max = max(peak, 1)
    title = _("Afgeronde trainingen per maand")
    if months:
        description = "; ".join(
            _("%(month)s: %(count)s", month=month_name(month), count=count) for month, count in months
        )
    else:
        description = _("Nog geen afgeronde trainingen voor deze filters.")
    parts = _open_svg(chart_id, max(width, 320), height, title, description)
    axis_y = top + plot_height
    parts.append(f'<line class="chart-axis" x1="{_n(left)}" y1="{_n(axis_y)}" x2="{_n(width - 5)}" '
                 f'y2="{_n(axis_y)}"/>')
    parts.append(f'<text class="chart-value" x="{_n(left - 6)}" y="{_n(top + 4)}" text-anchor="end">{scale_max}</text>')
    parts.append(f'<text class="chart-value" x="{_n(left - 6)}" y="{_n(axis_y)}" text-anchor="end">0</text>')
    for index, (month, count) in enumerate(months):
        x = left + index * column + 6
        bar_height = plot_height * count / scale_max
        if count:
            parts.append(f'<rect class="chart-bar" x="{_n(x)}" y="{_n(axis_y - bar_height)}" '
                         f'width="{_n(column - 12)}" height="{_n(bar_height)}"/>')
            parts.append(f'<text class="chart-value" x="{_n(x + (column - 12) / 2)}" '
                         f'y="{_n(axis_y - bar_height - 4)}" text-anchor="middle">{count}</text>')
        short = escape(month_name(month, "MMM"))
        parts.append(f'<text class="chart-label" x="{_n(x + (column - 12) / 2)}" y="{_n(axis_y + 16)}" '
                     f'text-anchor="middle">{short}</text>')
        if index == 0 or month.month == 1:
            parts.append(f'<text class="chart-label" x="{_n(x + (column - 12) / 2)}" y="{_n(axis_y + 32)}" '
                         f'text-anchor="middle">{month.year}</text>')
    if not months:
        parts.append(f'<text class="chart-label" x="{_n(left + 8)}" y="{_n(top + plot_height / 2)}">'
                     f'{escape(description)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 # every text part is escaped above
