"""Who may see which enrolments: the one scope rule every report, export and choice list is built on.

National coordinators and admins see everything; a municipal coordinator sees the learners of their
municipality plus the cohorts their municipality funds. `scoped_select()` is the only place that applies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..cohorts.models import Cohort, Enrollment
from ..municipalities.models import Municipality

# The learner and their municipality, aliased so the trainers' user rows never get mixed in.
Learner = aliased(User, name="learner")
LearnerMunicipality = aliased(Municipality, name="learner_municipality")
FundingMunicipality = aliased(Municipality, name="funding_municipality")


class ScopeError(Exception):
    """The user may not see any report (not a coordinator or admin)."""


@dataclass(frozen=True)
class Scope:
    """What a user may report on: everything (municipality_code None) or one municipality."""

    municipality_code: str | None = None

    @property
    def is_national(self) -> bool:
        return self.municipality_code is None

    @property
    def label(self) -> str:
        return "national" if self.is_national else self.municipality_code


def scope_for(user: User | None) -> Scope:
    """The scope of a user; raises ScopeError for roles that see no reports."""
    if user is None or not getattr(user, "is_active_account", True):
        raise ScopeError("no reporting user")
    if user.role == "admin":
        return Scope()
    if user.role == "coordinator":
        return Scope(user.municipality_code)
    raise ScopeError(f"role {user.role} has no reports")


@dataclass(frozen=True)
class ReportFilter:
    """The filters of the report page, the exports and the CLI (all optional)."""

    year: int | None = None
    municipality: str | None = None
    cohort_id: int | None = None
    status: str | None = None

    def without_status(self) -> ReportFilter:
        return ReportFilter(self.year, self.municipality, self.cohort_id, None)

    def as_dict(self) -> dict[str, Any]:
        """The filter as recorded in the audit log (only the values that are set)."""
        values = {"year": self.year, "municipality": self.municipality, "cohort": self.cohort_id,
                  "status": self.status}
        return {key: value for key, value in values.items() if value is not None}

    def query_args(self) -> dict[str, Any]:
        """The filter as the query string of the report page (jaar, gemeente, groep, status)."""
        values = {"jaar": self.year, "gemeente": self.municipality, "groep": self.cohort_id, "status": self.status}
        return {key: value for key, value in values.items() if value is not None}


def _involves(code: str):
    """Enrolments a municipality is involved in: its own learners, and every cohort it funds."""
    return or_(Learner.municipality_code == code, Cohort.funding_municipality_code == code)


def scoped_select(scope: Scope, filters: ReportFilter, *columns, every_cohort: bool = False) -> Select:
    """SELECT columns FROM enrollment + learner + cohort (+ learner's municipality), within scope.

    The one place where the scope is applied: every report query starts here. With `every_cohort` the
    query starts from the cohorts instead, so a cohort without enrolments is in scope when its funder is.
    """
    if every_cohort:
        stmt = (
            select(*columns)
            .select_from(Cohort)
            .outerjoin(Enrollment, Enrollment.cohort_id == Cohort.id)
            .outerjoin(Learner, Learner.id == Enrollment.user_id)
        )
    else:
        stmt = (
            select(*columns)
            .select_from(Enrollment)
            .join(Learner, Learner.id == Enrollment.user_id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
        )
    stmt = stmt.outerjoin(LearnerMunicipality, LearnerMunicipality.code == Learner.municipality_code)
    if not scope.is_national:
        stmt = stmt.where(_involves(scope.municipality_code))
    if filters.year is not None:
        stmt = stmt.where(Cohort.funding_year == filters.year)
    if filters.municipality is not None:
        stmt = stmt.where(_involves(filters.municipality))
    if filters.cohort_id is not None:
        stmt = stmt.where(Cohort.id == filters.cohort_id)
    if filters.status is not None:
        stmt = stmt.where(Enrollment.status == filters.status)
    return stmt
