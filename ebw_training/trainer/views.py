"""The trainer's cohort page (/trainer/groepen/<id>): progress per learner, the attention list and the charts.

It is a route of the cohorts blueprint (its endpoint stays `cohorts.cohort`) but lives here, because it reads
learning records through the matrix; `cohorts` itself sits below `learning` and may not import it.
"""

from __future__ import annotations

from flask import render_template

from ..cohorts import services
from ..cohorts.views import bp, load_cohort
from ..content import get_course
from ..core.permissions import roles_required
from . import charts
from .matrix import build_matrix


@bp.get("/groepen/<int:cohort_id>")
@roles_required("trainer", "admin")
def cohort(cohort_id: int):
    cohort = load_cohort(cohort_id)
    course = get_course()
    matrix = build_matrix(cohort, course)
    enrollments = [row.enrollment for row in matrix.all_rows]
    reminded = {row.enrollment.id: row.reminded_at for row in matrix.all_rows if row.reminded_at}
    attention = [(e, reason) for e in enrollments if (reason := services.attention_reason(e, cohort))]
    bars = charts.module_bars(matrix)
    weeks = charts.week_progress(cohort, enrollments, len(course.modules))
    return render_template("cohorts/cohort.html", cohort=cohort, enrollments=enrollments, attention=attention,
                           course=course, reminded=reminded, bars=bars, module_svg=charts.module_chart(bars),
                           weeks=weeks, week_svg=charts.week_chart(weeks, len(course.modules)) if weeks else None)
