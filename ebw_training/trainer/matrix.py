"""The cohort matrix: learners by modules, with a status, the best quiz score and the exercise state per cell.

Loaded in a fixed number of queries, whatever the size of the cohort: the enrolments with their learners, the
latest module status per learner from the completion history, the best score per quiz, the exercise rows and
the latest reminder. The module status is the one the learner's own pages show: learning.progress records every
change of it in the completion history after each activity, so the latest event per module is the status.

Sorting and filtering happen on the loaded rows (query parameters, so they work without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..cohorts.models import ENROLLMENT_STATUSES, Cohort, Enrollment, Reminder, status_label
from ..cohorts.services import cohort_enrollments
from ..content.course import Course, Module
from ..core.formatting import round_half_up
from ..extensions import db
from ..learning.models import CompletionEvent, ExerciseAnswer, QuizAttempt
from ..timeutil import local

MODULE_STATUSES = ("niet_gestart", "bezig", "afgerond")
_EVENT_STATUS = {"started": "bezig", "reopened": "bezig", "completed": "afgerond"}
# Exercise states in the order a learner goes through them (also the sort order).
EXERCISE_STATES = ("niet_gestart", "draft", "submitted", "returned", "approved")
SORT_DIRECTIONS = ("asc", "desc")
FIXED_SORT_KEYS = ("naam", "gemeente", "modules", "laatst_actief", "status")


def exercise_state_label(state: str) -> str:
    return {
        "niet_gestart": _("niet gestart"),
        "draft": _("concept"),
        "submitted": _("ingeleverd"),
        "returned": _("teruggegeven"),
        "approved": _("goedgekeurd"),
    }[state]


@dataclass
class Cell:
    module: Module
    status: str = "niet_gestart"  # niet_gestart | bezig | afgerond
    best_score: float | None = None
    exercise: str | None = None  # one of EXERCISE_STATES when the module has an exercise

    @property
    def status_text(self) -> str:
        return status_label(self.status)

    @property
    def exercise_text(self) -> str | None:
        return exercise_state_label(self.exercise) if self.exercise else None

    def sort_key(self) -> tuple:
        score = -1.0 if self.best_score is None else self.best_score
        exercise = EXERCISE_STATES.index(self.exercise) if self.exercise else -1
        return (MODULE_STATUSES.index(self.status), score, exercise)


@dataclass
class Row:
    enrollment: Enrollment
    cells: list[Cell]
    reminded_at: datetime | None = None
    attention: str | None = None

    @property
    def name(self) -> str:
        return self.enrollment.user.name

    @property
    def municipality_code(self) -> str | None:
        return self.enrollment.user.municipality_code

    @property
    def municipality_name(self) -> str:
        municipality = self.enrollment.user.municipality
        return municipality.name if municipality else ""

    @property
    def modules_completed(self) -> int:
        return sum(1 for cell in self.cells if cell.status == "afgerond")


@dataclass
class Total:
    module: Module
    completed: int
    average_best: float | None  # over the learners with a quiz score
    scored: int


@dataclass
class Matrix:
    modules: tuple[Module, ...]
    rows: list[Row]
    all_rows: list[Row]
    totals: list[Total] = field(default_factory=list)
    sort: str = "naam"
    direction: str = "asc"
    municipality: str | None = None
    status: str | None = None

    @property
    def municipalities(self) -> list[tuple[str, str]]:
        """(code, name) of the learners' municipalities, for the filter."""
        seen = {row.municipality_code: row.municipality_name for row in self.all_rows if row.municipality_code}
        return sorted(seen.items(), key=lambda item: item[1])

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "ascending" if self.direction == "asc" else "descending"

    def next_direction(self, key: str) -> str:
        return "desc" if key == self.sort and self.direction == "asc" else "asc"


def _latest_module_status(enrollment_ids: list[int]) -> dict[tuple[int, str], str]:
    latest = (
        select(func.max(CompletionEvent.id))
        .where(CompletionEvent.enrollment_id.in_(enrollment_ids), CompletionEvent.scope == "module")
        .group_by(CompletionEvent.enrollment_id, CompletionEvent.module_slug)
    )
    rows = db.session.execute(
        select(CompletionEvent.enrollment_id, CompletionEvent.module_slug, CompletionEvent.status)
        .where(CompletionEvent.id.in_(latest))
    )
    return {(eid, slug): _EVENT_STATUS.get(status, "bezig") for eid, slug, status in rows}


def _best_scores(enrollment_ids: list[int]) -> dict[tuple[int, str], float]:
    rows = db.session.execute(
        select(QuizAttempt.enrollment_id, QuizAttempt.module_slug, func.max(QuizAttempt.score))
        .where(QuizAttempt.enrollment_id.in_(enrollment_ids))
        .group_by(QuizAttempt.enrollment_id, QuizAttempt.module_slug)
    )
    return {(eid, slug): best for eid, slug, best in rows}


def _exercise_states(enrollment_ids: list[int]) -> dict[tuple[int, str], str]:
    rows = db.session.execute(
        select(ExerciseAnswer.enrollment_id, ExerciseAnswer.module_slug, ExerciseAnswer.status)
        .where(ExerciseAnswer.enrollment_id.in_(enrollment_ids))
    )
    return {(eid, slug): status for eid, slug, status in rows}


def last_reminders(enrollment_ids: list[int]) -> dict[int, datetime]:
    """The time of the latest reminder per enrolment, in one query."""
    if not enrollment_ids:
        return {}
    rows = db.session.execute(
        select(Reminder.enrollment_id, func.max(Reminder.sent_at))
        .where(Reminder.enrollment_id.in_(enrollment_ids))
        .group_by(Reminder.enrollment_id)
    )
    return dict(rows.all())


def _sort_key(key: str, modules: tuple[Module, ...]):
    if key == "naam":
        return lambda row: row.name.casefold()
    if key == "gemeente":
        return lambda row: (row.municipality_name.casefold(), row.name.casefold())
    if key == "modules":
        return lambda row: (row.modules_completed, row.name.casefold())
    if key == "laatst_actief":
        return lambda row: (row.enrollment.last_active_at or datetime.min, row.name.casefold())
    if key == "status":
        order = ("niet_gestart", "bezig", "afgerond", "uitgeschreven")
        return lambda row: (order.index(row.enrollment.status), row.name.casefold())
    index = next(i for i, module in enumerate(modules) if f"m-{module.slug}" == key)
    return lambda row: (row.cells[index].sort_key(), row.name.casefold())


def sort_keys(course: Course) -> tuple[str, ...]:
    return FIXED_SORT_KEYS + tuple(f"m-{module.slug}" for module in course.modules)


def build_matrix(cohort: Cohort, course: Course, *, sort: str | None = None, direction: str | None = None,
                 municipality: str | None = None, status: str | None = None, attention=None) -> Matrix:
    """The matrix of a cohort; unknown sort keys and filter values fall back to the defaults.

    `attention(enrollment)` gives the attention-list reason of a learner (or None).
    """
    enrollments = cohort_enrollments(cohort)
    ids = [e.id for e in enrollments]
    statuses = _latest_module_status(ids) if ids else {}
    scores = _best_scores(ids) if ids else {}
    exercises = _exercise_states(ids) if ids else {}
    reminded = last_reminders(ids)
    rows = []
    for enrollment in enrollments:
        cells = []
        for module in course.modules:
            key = (enrollment.id, module.slug)
            cell = Cell(module=module, status=statuses.get(key, "niet_gestart"), best_score=scores.get(key))
            if module.exercise is not None:
                cell.exercise = exercises.get(key, "niet_gestart")
            cells.append(cell)
        rows.append(Row(enrollment=enrollment, cells=cells, reminded_at=reminded.get(enrollment.id),
                        attention=attention(enrollment) if attention else None))
    totals = []
    for index, module in enumerate(course.modules):
        best = [row.cells[index].best_score for row in rows
                if row.cells[index].best_score is not None and row.enrollment.withdrawn_at is None]
        active = [row for row in rows if row.enrollment.withdrawn_at is None]
        totals.append(Total(module=module, completed=sum(1 for row in active if row.cells[index].status == "afgerond"),
                            average_best=sum(best) / len(best) if best else None, scored=len(best)))
    sort = sort if sort in sort_keys(course) else "naam"
    direction = direction if direction in SORT_DIRECTIONS else "asc"
    municipality = municipality if any(row.municipality_code == municipality for row in rows) else None
    status = status if status in ENROLLMENT_STATUSES else None
    shown = [row for row in rows
             if (municipality is None or row.municipality_code == municipality)
             and (status is None or row.enrollment.status == status)]
    shown.sort(key=_sort_key(sort, course.modules), reverse=direction == "desc")
    return Matrix(modules=course.modules, rows=shown, all_rows=rows, totals=totals, sort=sort, direction=direction,
                  municipality=municipality, status=status)


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list]]:
    """The matrix as a header and rows of plain values, for the CSV and XLSX downloads."""
    header = [_("Deelnemer"), _("Gemeente"), _("Status"), _("Modules afgerond"), _("Laatst actief"),
              _("Herinnerd op")]
    for module in matrix.modules:
        header.append(_("%(module)s: status", module=module.title))
        if module.quiz is not None:
            header.append(_("%(module)s: beste toetsscore (%%)", module=module.title))
        if module.exercise is not None:
            header.append(_("%(module)s: oefening", module=module.title))
    body = []
    for row in matrix.rows:
        last = local(row.enrollment.last_active_at)
        reminded = local(row.reminded_at)
        values: list = [row.name, row.municipality_name, status_label(row.enrollment.status), row.modules_completed,
                        last.date() if last else None, reminded.date() if reminded else None]
        for cell in row.cells:
            values.append(cell.status_text)
            if cell.module.quiz is not None:
                values.append(None if cell.best_score is None else float(round_half_up(cell.best_score * 100, 1)))
            if cell.module.exercise is not None:
                values.append(cell.exercise_text)
        body.append(values)
    return header, body
