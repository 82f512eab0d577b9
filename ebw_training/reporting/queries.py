"""The report queries: completion records, the summary, the charts, the list and the choices.

Every query starts from `scope.scoped_select()`. Exports read the summary columns that learning.progress keeps
on each enrolment: one streamed SELECT, never a per-row progress calculation (docs/architecture.md,
docs/exports.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Float, Select, case, func, literal_column, or_, select, type_coerce
from sqlalchemy.orm import aliased, joinedload

from ..accounts.models import User
from ..cohorts.models import ENROLLMENT_STATUSES, Cohort, Enrollment, cohort_trainer
from ..core.errors import ValidationError
from ..core.formatting import round_half_up
from ..extensions import db
from ..learning.models import Certificate
from ..municipalities.models import Municipality
from ..timeutil import local_date
from .scope import FundingMunicipality, Learner, LearnerMunicipality, ReportFilter, Scope, scoped_select

YIELD_PER = 1000
MUNICIPALITY_CODE_RE = re.compile(r"^GM\d{4}$")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _trainers_subquery():
    """cohort_id -> trainer names joined with ', ' in name order (one row per cohort)."""
    trainer = aliased(User, name="trainer")
    if _dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        names = func.string_agg(trainer.name, aggregate_order_by(literal_column("', '"), trainer.name))
        return (
            select(cohort_trainer.c.cohort_id.label("cohort_id"), names.label("trainers"))
            .join(trainer, trainer.id == cohort_trainer.c.user_id)
            .group_by(cohort_trainer.c.cohort_id)
            .subquery("trainers")
        )
    ordered = (
        select(cohort_trainer.c.cohort_id.label("cohort_id"), trainer.name.label("name"))
        .join(trainer, trainer.id == cohort_trainer.c.user_id)
        .order_by(cohort_trainer.c.cohort_id, trainer.name)
        .subquery("ordered_trainers")
    )
    return (
        select(ordered.c.cohort_id, func.group_concat(ordered.c.name, ", ").label("trainers"))
        .group_by(ordered.c.cohort_id)
        .subquery("trainers")
    )


def _valid_certificate_code():
    return case((Certificate.revoked_at.is_(None), Certificate.code), else_=None)


def completions_select(scope: Scope, filters: ReportFilter) -> Select:
    """The completion records export as one SELECT, columns in contract order."""
    trainers = _trainers_subquery()
    stmt = scoped_select(
        scope,
        filters,
        Learner.municipality_code,
        LearnerMunicipality.name,
        Cohort.funding_municipality_code,
        Cohort.funding_year,
        Cohort.funding_reference,
        Cohort.name,
        trainers.c.trainers,
        Learner.pseudonym,
        Learner.name,
        Learner.email,
        Learner.job_domain,
        Enrollment.enrolled_at,
        Enrollment.started_at,
        Enrollment.last_active_at,
        Enrollment.modules_completed,
        Enrollment.modules_total,
        Enrollment.quiz_average,
        Enrollment.exercises_submitted,
        type_coerce(Enrollment.contact_hours_attended, Float),
        type_coerce(Enrollment.study_hours, Float),
        Enrollment.status,
        Enrollment.completed_at,
        _valid_certificate_code(),
    )
    return (
        stmt.outerjoin(trainers, trainers.c.cohort_id == Cohort.id)
        .outerjoin(Certificate, Certificate.enrollment_id == Enrollment.id)
        .order_by(Learner.municipality_code, Cohort.funding_year, Cohort.name, Learner.name, Enrollment.id)
    )


_DATE_INDEXES = (11, 12, 13, 21)  # ingeschreven_op, gestart_op, laatst_actief_op, afgerond_op


def completion_records(scope: Scope, filters: ReportFilter) -> Iterator[tuple]:
    """One typed tuple per enrolment (contract order), streamed in batches of YIELD_PER rows."""
    # Core execution on the session's connection: plain rows without the ORM's loading layer.
    connection = db.session.connection()
    result = connection.execute(completions_select(scope, filters).execution_options(yield_per=YIELD_PER))
    try:
        for row in result:
            record = list(row)
            for index in _DATE_INDEXES:
                record[index] = local_date(record[index])  # naive UTC -> the date in Europe/Amsterdam
            yield tuple(record)
    finally:
        result.close()


def count_enrollments(scope: Scope, filters: ReportFilter) -> int:
    return db.session.scalar(select(func.count()).select_from(scoped_select(scope, filters, Enrollment.id).subquery()))


def _hours(value) -> Decimal:
    return round_half_up(value or 0, 2)


def completion_rate(completed: int, enrolled: int) -> Decimal | None:
    """afgerond / ingeschreven x 100, rounded half up to one decimal; None without enrolments."""
    if not enrolled:
        return None
    return round_half_up(Decimal(completed) * 100 / Decimal(enrolled), 1)


@dataclass(frozen=True)
class SummaryRow:
    gemeente_code: str | None
    gemeente_naam: str | None
    financieringsjaar: int | None
    ingeschreven: int
    gestart: int
    afgerond: int
    studiebelasting_uren: Decimal
    contacturen: Decimal

    @property
    def afrondingspercentage(self) -> Decimal | None:
        return completion_rate(self.afgerond, self.ingeschreven)

    def as_record(self) -> tuple:
        return (self.gemeente_code, self.gemeente_naam, self.financieringsjaar, self.ingeschreven, self.gestart,
                self.afgerond, self.afrondingspercentage, self.studiebelasting_uren, self.contacturen)


def summary_rows(scope: Scope, filters: ReportFilter) -> list[SummaryRow]:
    """Per learner's municipality and cohort funding year. Withdrawn enrolments are left out;
    the status filter does not apply (the statuses are the columns)."""
    started = or_(Enrollment.started_at.is_not(None), Enrollment.completed_at.is_not(None))
    stmt = (
        scoped_select(
            scope,
            filters.without_status(),
            Learner.municipality_code,
            LearnerMunicipality.name,
            Cohort.funding_year,
            func.count(Enrollment.id),
            func.count(case((started, 1))),
            func.count(Enrollment.completed_at),
            func.sum(type_coerce(Enrollment.study_hours, Float)),
            func.sum(type_coerce(Enrollment.contact_hours_attended, Float)),
        )
        .where(Enrollment.withdrawn_at.is_(None))
        .group_by(Learner.municipality_code, LearnerMunicipality.name, Cohort.funding_year)
        .order_by(Learner.municipality_code, Cohort.funding_year)
    )
    return [
        SummaryRow(code, name, year, enrolled, begun, done, _hours(study), _hours(contact))
        for code, name, year, enrolled, begun, done, study, contact in db.session.execute(stmt)
    ]


def summary_totals(rows: Iterable[SummaryRow]) -> SummaryRow:
    rows = list(rows)
    return SummaryRow(
        None, None, None,
        sum(r.ingeschreven for r in rows), sum(r.gestart for r in rows), sum(r.afgerond for r in rows),
        sum((r.studiebelasting_uren for r in rows), Decimal("0.00")),
        sum((r.contacturen for r in rows), Decimal("0.00")),
    )


@dataclass(frozen=True)
class MunicipalityBar:
    code: str | None
    name: str
    enrolled: int
    completed: int

    @property
    def rate(self) -> Decimal | None:
        return completion_rate(self.completed, self.enrolled)


def completion_by_municipality(rows: Iterable[SummaryRow]) -> list[MunicipalityBar]:
    """The summary folded over the years: one bar per learner's municipality, by name."""
    merged: dict[str | None, list] = {}
    for row in rows:
        entry = merged.setdefault(row.gemeente_code, [row.gemeente_naam or row.gemeente_code or "?", 0, 0])
        entry[1] += row.ingeschreven
        entry[2] += row.afgerond
    bars = [MunicipalityBar(code, name, enrolled, done) for code, (name, enrolled, done) in merged.items()]
    return sorted(bars, key=lambda bar: (bar.name.lower(), bar.code or ""))


def completions_by_month(scope: Scope, filters: ReportFilter) -> list[tuple[date, int]]:
    """Completed courses per calendar month in Europe/Amsterdam (withdrawn enrolments left out),
    every month between the first and the last one with a completion."""
    if _dialect() == "postgresql":
        bucket = func.to_char(Enrollment.completed_at, "YYYY-MM-DD HH24")
    else:
        bucket = func.strftime("%Y-%m-%d %H", Enrollment.completed_at)
    # Grouped by UTC hour in SQL (at most 24 x 366 groups a year), folded to local months here.
    stmt = (
        scoped_select(scope, filters.without_status(), bucket.label("bucket"), func.count(Enrollment.id))
        .where(Enrollment.withdrawn_at.is_(None), Enrollment.completed_at.is_not(None))
        .group_by(bucket)
    )
    months: dict[date, int] = {}
    for value, count in db.session.execute(stmt):
        moment = datetime.strptime(value, "%Y-%m-%d %H")
        local = local_date(moment)
        key = local.replace(day=1)
        months[key] = months.get(key, 0) + count
    if not months:
        return []
    first, last = min(months), max(months)
    result, current = [], first
    while current <= last:
        result.append((current, months.get(current, 0)))
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return result


@dataclass
class Page:
    """Enough of Flask-SQLAlchemy's Pagination for the pagination() macro."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass(frozen=True)
class EnrollmentListRow:
    enrollment_id: int
    name: str
    pseudonym: str
    municipality_code: str | None
    municipality_name: str | None
    cohort: str
    funding_year: int
    status: str
    modules_completed: int
    modules_total: int
    last_active_at: datetime | None
    completed_at: datetime | None
    certificate_code: str | None


def enrollment_page(scope: Scope, filters: ReportFilter, page: int = 1, per_page: int = 25) -> Page:
    """One page of the enrolments behind the summary: two queries, however many rows."""
    total = count_enrollments(scope, filters)
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    stmt = (
        scoped_select(
            scope, filters, Enrollment.id, Learner.name, Learner.pseudonym, Learner.municipality_code,
            LearnerMunicipality.name, Cohort.name, Cohort.funding_year, Enrollment.status,
            Enrollment.modules_completed, Enrollment.modules_total, Enrollment.last_active_at,
            Enrollment.completed_at, _valid_certificate_code(),
        )
        .outerjoin(Certificate, Certificate.enrollment_id == Enrollment.id)
        .order_by(Learner.name, Cohort.name, Enrollment.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [EnrollmentListRow(*row) for row in db.session.execute(stmt)]
    return Page(items=items, page=page, per_page=per_page, total=total)


def year_choices(scope: Scope) -> list[int]:
    stmt = scoped_select(scope, ReportFilter(), Cohort.funding_year).distinct().order_by(Cohort.funding_year.desc())
    return list(db.session.scalars(stmt))


def cohort_choices(scope: Scope) -> list[Cohort]:
    """Cohorts in scope: all for national users; funded by, or with learners of, the municipality."""
    in_scope = scoped_select(scope, ReportFilter(), Cohort.id, every_cohort=True)
    stmt = (
        select(Cohort).options(joinedload(Cohort.funding_municipality))
        .where(Cohort.id.in_(in_scope))
        .order_by(Cohort.funding_year.desc(), Cohort.name)
    )
    return list(db.session.scalars(stmt).unique())


def municipality_choices(scope: Scope) -> list[Municipality]:
    """Municipalities that occur in the data (as a learner's or a funding municipality)."""
    learner_codes = select(User.municipality_code).join(Enrollment, Enrollment.user_id == User.id)
    funding_codes = select(Cohort.funding_municipality_code)
    stmt = select(Municipality).where(
        or_(Municipality.code.in_(learner_codes), Municipality.code.in_(funding_codes))
    )
    if not scope.is_national:
        stmt = stmt.where(Municipality.code == scope.municipality_code)
    return list(db.session.scalars(stmt.order_by(Municipality.name)))


def resolve_filter(scope: Scope, *, year: int | None = None, municipality: str | None = None,
                   cohort_id: int | None = None, status: str | None = None) -> ReportFilter:
    """Check filter values from the CLI or a URL against the database and the scope."""
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError(_("Het financieringsjaar %(year)s kan niet; kies een jaar tussen 2000 en 2100.",
                            year=year), "year")
    code = None
    if municipality:
        code = municipality.strip().upper()
        if not MUNICIPALITY_CODE_RE.match(code) or db.session.get(Municipality, code) is None:
            raise ValidationError(_("Onbekende gemeentecode %(code)s. Gebruik de CBS-code, zoals GM0363.",
                                code=municipality), "municipality")
        if not scope.is_national and code != scope.municipality_code:
            raise ValidationError(_("Gemeente %(code)s valt buiten je bereik: je ziet alleen %(own)s.",
                                code=code, own=scope.municipality_code), "municipality")
    if cohort_id is not None:
        cohort = db.session.get(Cohort, cohort_id)
        if cohort is None:
            raise ValidationError(_("Groep %(id)s bestaat niet.", id=cohort_id), "cohort")
        if not scope.is_national and cohort.id not in {c.id for c in cohort_choices(scope)}:
            raise ValidationError(_("Groep %(id)s valt buiten je bereik.", id=cohort_id), "cohort")
    if status is not None and status not in ENROLLMENT_STATUSES:
        raise ValidationError(_("Onbekende status %(status)s. Kies uit %(all)s.", status=status,
                            all=", ".join(ENROLLMENT_STATUSES)), "status")
    return ReportFilter(year=year, municipality=code, cohort_id=cohort_id, status=status)


def document_municipality(scope: Scope, filters: ReportFilter) -> str | None:
    """The municipality a verantwoordingsoverzicht or certificate ZIP is about."""
    return filters.municipality or scope.municipality_code


@dataclass(frozen=True)
class FundingReference:
    cohort: str
    funding_municipality_code: str
    funding_municipality_name: str
    funding_year: int
    reference: str | None
    enrolled: int


def funding_references(scope: Scope, filters: ReportFilter) -> list[FundingReference]:
    """The cohorts behind the figures, with who funded them and the funding reference."""
    stmt = (
        scoped_select(scope, filters.without_status(), Cohort.name, Cohort.funding_municipality_code,
                      FundingMunicipality.name, Cohort.funding_year, Cohort.funding_reference,
                      func.count(Enrollment.id))
        .join(FundingMunicipality, FundingMunicipality.code == Cohort.funding_municipality_code)
        .where(Enrollment.withdrawn_at.is_(None))
        .group_by(Cohort.id, Cohort.name, Cohort.funding_municipality_code, FundingMunicipality.name,
                  Cohort.funding_year, Cohort.funding_reference)
        .order_by(Cohort.funding_year, Cohort.name)
    )
    return [FundingReference(*row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class CompletedLearner:
    name: str
    pseudonym: str
    municipality_code: str | None
    cohort: str
    completed_on: date | None
    certificate_code: str | None


def completed_learners(scope: Scope, filters: ReportFilter) -> list[CompletedLearner]:
    stmt = (
        scoped_select(scope, filters.without_status(), Learner.name, Learner.pseudonym, Learner.municipality_code,
                      Cohort.name, Enrollment.completed_at, _valid_certificate_code())
        .outerjoin(Certificate, Certificate.enrollment_id == Enrollment.id)
        .where(Enrollment.withdrawn_at.is_(None), Enrollment.completed_at.is_not(None))
        .order_by(Learner.name, Enrollment.id)
    )
    return [
        CompletedLearner(name, pseudonym, code, cohort, local_date(done), certificate)
        for name, pseudonym, code, cohort, done, certificate in db.session.execute(stmt)
    ]


def certificates_in_scope(scope: Scope, filters: ReportFilter) -> Iterator[Certificate]:
    """Valid certificates of the enrolments in scope (streamed, with learner and cohort loaded)."""
    stmt = (
        scoped_select(scope, filters.without_status(), Certificate)
        .join(Certificate, Certificate.enrollment_id == Enrollment.id)
        .where(Certificate.revoked_at.is_(None))
        .options(joinedload(Certificate.enrollment).joinedload(Enrollment.cohort))
        .order_by(Certificate.code)
    )
    # Closed when the reader stops early (a broken-off download), so no server-side cursor stays open.
    with db.session.scalars(stmt.execution_options(yield_per=200)) as certificates:
        yield from certificates
