"""Charts on the cohort page: completions per module, and progress over the cohort's weeks.

The figures come from the cohort matrix (completions) and from the completion history (weeks), in a fixed number of
queries. The SVG is drawn on the server: no JavaScript, no inline styles (CSS classes from app.css), an image role
with a title and a description; the page shows the same figures in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from ..cohorts.models import Cohort, Enrollment
from ..extensions import db
from ..learning.models import CompletionEvent
from ..timeutil import utcnow
from .matrix import Matrix

MAX_WEEKS = 52
# Groups of "modules completed" for the week chart, as (lowest, highest) share of the course.
_SHADES = 5


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Svg:
    def __init__(self, chart_id: str, width: float, height: float, title: str, description: str):
        self.parts = [
            f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'width="{_n(width)}" height="{_n(height)}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>',
        ]

    def rect(self, css: str, x: float, y: float, width: float, height: float) -> None:
        self.parts.append(f'<rect class="{css}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"/>')

    def text(self, css: str, x: float, y: float, value: str, anchor: str = "start") -> None:
        self.parts.append(f'<text class="{css}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{escape(value)}</text>')

    def markup(self) -> Markup:
        # every text in the parts went through escape(); the rest are numbers and fixed class names
        return Markup("".join(self.parts) + "</svg>")  # nosec B704


# --- completions per module ------------------------------------------------------------------------------------


@dataclass
class ModuleBar:
    title: str
    completed: int
    learners: int


def module_bars(matrix: Matrix) -> list[ModuleBar]:
    active = sum(1 for row in matrix.all_rows if row.enrollment.withdrawn_at is None)
    return [ModuleBar(total.module.title, total.completed, active) for total in matrix.totals]


def module_chart(bars: list[ModuleBar], chart_id: str = "chart-modules") -> Markup:
    label_width, bar_width, value_width, row_height = 300.0, 300.0, 120.0, 28.0
    height = 12 + row_height * max(len(bars), 1)
    description = "; ".join(_("%(module)s: %(done)s van %(n)s afgerond", module=b.title, done=b.completed,
                              n=b.learners) for b in bars)
    svg = _Svg(chart_id, label_width + bar_width + value_width, height, _("Afgerond per module"), description)
    for index, bar in enumerate(bars):
        y = 6 + index * row_height
        title = bar.title if len(bar.title) <= 40 else bar.title[:39] + "…"
        svg.text("chart-label", 0, y + row_height / 2 + 4, title)
        svg.rect("chart-track", label_width, y + 5, bar_width, row_height - 10)
        if bar.completed and bar.learners:
            svg.rect("chart-bar", label_width, y + 5, bar_width * bar.completed / bar.learners, row_height - 10)
        svg.text("chart-value", label_width + bar_width + 8, y + row_height / 2 + 4,
                 _("%(done)s van %(n)s", done=bar.completed, n=bar.learners))
    return svg.markup()


# --- progress over the weeks -----------------------------------------------------------------------------------


@dataclass
class Week:
    number: int
    ends: date
    counts: list[int]  # counts[k] = learners who had completed exactly k modules at the end of the week


def week_progress(cohort: Cohort, enrollments: list[Enrollment], modules_total: int,
                  today: date | None = None) -> list[Week]:
    """At the end of each week since the start of the cohort: how many learners had completed how many modules.

    Read from the completion history (one query): a module counts from its 'completed' event until a 'reopened'
    one. Withdrawn learners are left out.
    """
    active = [e for e in enrollments if e.withdrawn_at is None]
    today = today or utcnow().date()
    start = cohort.start_date or min((e.enrolled_at.date() for e in active), default=today)
    last = min(cohort.end_date or today, today)
    weeks = min(MAX_WEEKS, max(0, ((last - start).days + 6) // 7))
    if not active or weeks == 0:
        return []
    events = db.session.execute(
        select(CompletionEvent.enrollment_id, CompletionEvent.module_slug, CompletionEvent.status,
               CompletionEvent.created_at)
        .where(CompletionEvent.enrollment_id.in_([e.id for e in active]), CompletionEvent.scope == "module",
               CompletionEvent.status.in_(("completed", "reopened")))
        .order_by(CompletionEvent.created_at, CompletionEvent.id)
    ).all()
    result = []
    position = 0
    done: dict[int, set[str]] = {e.id: set() for e in active}
    for number in range(1, weeks + 1):
        ends = start + timedelta(days=7 * number - 1)
        cutoff = datetime.combine(ends + timedelta(days=1), time.min)
        while position < len(events) and events[position].created_at < cutoff:
            enrollment_id, slug, status, _when = events[position]
            (done[enrollment_id].add if status == "completed" else done[enrollment_id].discard)(slug)
            position += 1
        counts = [0] * (modules_total + 1)
        for slugs in done.values():
            counts[min(len(slugs), modules_total)] += 1
        result.append(Week(number, min(ends, last), counts))
    return result


def _bucket(completed: int, total: int) -> int:
    """0: none, 4: all, 1-3: a third, two thirds, more."""
    if completed == 0:
        return 0
    if completed >= total:
        return _SHADES - 1
    return 1 + min(2, (3 * completed) // max(total, 1))


def bucket_labels(total: int) -> list[str]:
    ranges: dict[int, list[int]] = {}
    for k in range(total + 1):
        ranges.setdefault(_bucket(k, total), []).append(k)
    labels = []
    for index in range(_SHADES):
        ks = ranges.get(index, [])
        if not ks:
            labels.append("")
        elif len(ks) == 1:
            labels.append(_("%(n)s modules", n=ks[0]) if ks[0] != 1 else _("1 module"))
        else:
            labels.append(_("%(a)s tot %(b)s modules", a=ks[0], b=ks[-1]))
    return labels


def week_chart(weeks: list[Week], total: int, chart_id: str = "chart-weken") -> Markup:
    """Stacked bars, one per week: the learners by how many modules they had completed (shade plus legend)."""
    label_width, bar_width, row_height, legend_height = 80.0, 520.0, 26.0, 30.0
    height = legend_height + 8 + row_height * len(weeks)
    labels = bucket_labels(total)
    description = "; ".join(
        _("week %(n)s: ", n=week.number) + ", ".join(
            _("%(count)s met %(k)s afgerond", count=count, k=k) for k, count in enumerate(week.counts) if count)
        for week in weeks)
    svg = _Svg(chart_id, label_width + bar_width + 20, height, _("Voortgang per week"), description)
    x = 0.0
    for index, label in enumerate(labels):
        if not label:
            continue
        svg.rect(f"chart-shade-{index}", x, 6, 14, 14)
        svg.text("chart-value", x + 18, 18, label)
        x += 28 + 7.2 * len(label)
    for row, week in enumerate(weeks):
        y = legend_height + 4 + row * row_height
        learners = sum(week.counts) or 1
        svg.text("chart-label", 0, y + row_height / 2 + 4, _("week %(n)s", n=week.number))
        offset = label_width
        for index in range(_SHADES):
            count = sum(c for k, c in enumerate(week.counts) if _bucket(k, total) == index)
            if not count:
                continue
            width = bar_width * count / learners
            svg.rect(f"chart-shade-{index}", offset, y + 3, width, row_height - 6)
            if width >= 22:
                svg.text(f"chart-on-shade-{index}", offset + width / 2, y + row_height / 2 + 4, str(count), "middle")
            offset += width
    return svg.markup()
