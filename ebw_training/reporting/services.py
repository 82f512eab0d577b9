"""Reporting: who may see which enrolments, the report queries, and audited exports.

Every page, export and CLI command of this package builds its query with `scoped_select()`, so
the scope rule (national coordinators and admins see everything; a municipal coordinator sees
the learners of their municipality plus the cohorts their municipality funds) lives in exactly
one place. Exports read the summary columns that learning.progress keeps on each enrolment:
one streamed SELECT, never a per-row progress calculation (docs/architecture.md, docs/exports.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Float, Select, case, func, literal_column, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased, joinedload

from ..accounts.models import User
from ..cohorts.models import Cohort, Enrollment, cohort_trainer
from ..core.audit import AuditEvent
from ..core.formatting import round_half_up
from ..extensions import db
from ..learning.models import Certificate
from ..municipalities.models import Municipality
from ..timeutil import local_date, utcnow
from . import exports

STATUSES = ("niet_gestart", "bezig", "afgerond", "uitgeschreven")
EXPORT_ACTION_PREFIX = "export."
YIELD_PER = 1000
MUNICIPALITY_CODE_RE = re.compile(r"^GM\d{4}$")
log = logging.getLogger(__name__)

# The learner and their municipality, aliased so the trainers' user rows never get mixed in.
Learner = aliased(User, name="learner")
LearnerMunicipality = aliased(Municipality, name="learner_municipality")
FundingMunicipality = aliased(Municipality, name="funding_municipality")


class ScopeError(Exception):
    """The user may not see any report (not a coordinator or admin)."""


class FilterError(ValueError):
    """A filter value that cannot be used; the message is Dutch and names the problem."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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


def _status_condition(status: str):
    if status == "uitgeschreven":
        return Enrollment.withdrawn_at.is_not(None)
    active = Enrollment.withdrawn_at.is_(None)
    if status == "afgerond":
        return active & Enrollment.completed_at.is_not(None)
    if status == "bezig":
        return active & Enrollment.completed_at.is_(None) & Enrollment.started_at.is_not(None)
    return active & Enrollment.completed_at.is_(None) & Enrollment.started_at.is_(None)


def status_expression():
    """The Enrollment.status property as SQL, so the export stays one SELECT."""
    return case(
        (Enrollment.withdrawn_at.is_not(None), "uitgeschreven"),
        (Enrollment.completed_at.is_not(None), "afgerond"),
        (Enrollment.started_at.is_not(None), "bezig"),
        else_="niet_gestart",
    )


def scoped_select(scope: Scope, filters: ReportFilter, *columns) -> Select:
    """SELECT columns FROM enrollment + learner + cohort (+ learner's municipality), within scope.

    The one place where the scope is applied: every report query starts here.
    """
    stmt = (
        select(*columns)
        .select_from(Enrollment)
        .join(Learner, Learner.id == Enrollment.user_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(LearnerMunicipality, LearnerMunicipality.code == Learner.municipality_code)
    )
    if not scope.is_national:
        stmt = stmt.where(_involves(scope.municipality_code))
    if filters.year is not None:
        stmt = stmt.where(Cohort.funding_year == filters.year)
    if filters.municipality is not None:
        stmt = stmt.where(_involves(filters.municipality))
    if filters.cohort_id is not None:
        stmt = stmt.where(Cohort.id == filters.cohort_id)
    if filters.status is not None:
        stmt = stmt.where(_status_condition(filters.status))
    return stmt


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
        status_expression(),
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


# --- Summary ------------------------------------------------------------------------------------


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


# --- The report page: list, choices ----------------------------------------------------------------


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
            LearnerMunicipality.name, Cohort.name, Cohort.funding_year, status_expression(),
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
    stmt = select(Cohort).options(joinedload(Cohort.funding_municipality))
    if not scope.is_national:
        with_learners = (
            select(Enrollment.cohort_id)
            .join(User, User.id == Enrollment.user_id)
            .where(User.municipality_code == scope.municipality_code)
        )
        stmt = stmt.where(or_(Cohort.funding_municipality_code == scope.municipality_code,
                              Cohort.id.in_(with_learners)))
    return list(db.session.scalars(stmt.order_by(Cohort.funding_year.desc(), Cohort.name)).unique())


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
    from flask_babel import gettext as _

    if year is not None and not 2000 <= year <= 2100:
        raise FilterError(_("Het financieringsjaar %(year)s kan niet; kies een jaar tussen 2000 en 2100.",
                            year=year), "year")
    code = None
    if municipality:
        code = municipality.strip().upper()
        if not MUNICIPALITY_CODE_RE.match(code) or db.session.get(Municipality, code) is None:
            raise FilterError(_("Onbekende gemeentecode %(code)s. Gebruik de CBS-code, zoals GM0363.",
                                code=municipality), "municipality")
        if not scope.is_national and code != scope.municipality_code:
            raise FilterError(_("Gemeente %(code)s valt buiten je bereik: je ziet alleen %(own)s.",
                                code=code, own=scope.municipality_code), "municipality")
    if cohort_id is not None:
        cohort = db.session.get(Cohort, cohort_id)
        if cohort is None:
            raise FilterError(_("Groep %(id)s bestaat niet.", id=cohort_id), "cohort")
        if not scope.is_national and cohort.id not in {c.id for c in cohort_choices(scope)}:
            raise FilterError(_("Groep %(id)s valt buiten je bereik.", id=cohort_id), "cohort")
    if status is not None and status not in STATUSES:
        raise FilterError(_("Onbekende status %(status)s. Kies uit %(all)s.", status=status,
                            all=", ".join(STATUSES)), "status")
    return ReportFilter(year=year, municipality=code, cohort_id=cohort_id, status=status)


# --- Verantwoordingsoverzicht and certificates -----------------------------------------------------


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
    yield from db.session.scalars(stmt.execution_options(yield_per=200))


CertificateRenderer = Callable[[Certificate], bytes]


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate exactly as the learner downloads it (learning.views.certificate_pdf): the same
    builder and renderer from learning.documents, the same verify address."""
    from ..content import get_course
    from ..core.urls import external_url
    from ..learning import documents

    document = documents.build_certificate_document(certificate, certificate.enrollment, get_course().title,
                                                    external_url("learning.verify", code=certificate.code))
    return documents.certificate_pdf(document)


# --- Audited exports -----------------------------------------------------------------------------

EXPORT_FORMATS = {
    "completions": ("csv", "xlsx"),
    "summary": ("csv", "xlsx", "pdf"),
    "certificates": ("zip",),
}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
_FILE_STEMS = {"completions": "ebw-deelnemers", "summary": "ebw-samenvatting", "certificates": "ebw-certificaten"}


@dataclass(frozen=True)
class ExportResult:
    filename: str
    rows: int
    sha256: str
    size: int
    event_id: int


def export_filename(kind: str, fmt: str, scope: Scope, filters: ReportFilter, today: date | None = None) -> str:
    stem = _FILE_STEMS[kind] if not (kind == "summary" and fmt == "pdf") else "ebw-verantwoording"
    parts = [stem, document_municipality(scope, filters) or "landelijk"]
    if filters.year is not None:
        parts.append(str(filters.year))
    if filters.cohort_id is not None:
        parts.append(f"groep{filters.cohort_id}")
    if filters.status is not None and kind == "completions":
        parts.append(filters.status)
    parts.append((today or local_date(utcnow())).isoformat())
    return "_".join(parts) + "." + fmt


def record_export(*, kind: str, fmt: str, scope: Scope, filters: ReportFilter, rows: int, sha256: str, size: int,
                  filename: str, actor_id: int | None, via: str, extra: dict | None = None,
                  complete: bool = True) -> int:
    """Append the export to the audit log in its own session and transaction.

    A fresh session, so the record is written even at the end of a streamed response and
    never rolled back together with other work. `complete` is False for a download that was broken
    off; rows, size and sha256 then describe the part that was sent."""
    details = {"kind": kind, "format": fmt, "scope": scope.label, "filter": filters.as_dict(), "rows": rows,
               "sha256": sha256, "bytes": size, "filename": filename, "via": via, "complete": complete,
               **(extra or {})}
    with Session(db.engine) as session:
        event = AuditEvent(action=EXPORT_ACTION_PREFIX + kind, actor_id=actor_id, target=filename, details=details)
        session.add(event)
        session.commit()
        return event.id


class _Counter:
    def __init__(self, progress: Callable[[int], Any] | None = None):
        self.rows = 0
        self.progress = progress

    def count(self, records: Iterable, step: int = 500) -> Iterator:
        pending = 0
        for record in records:
            self.rows += 1
            pending += 1
            if self.progress and pending == step:
                self.progress(pending)
                pending = 0
            yield record
        if self.progress and pending:
            self.progress(pending)


def _document(scope: Scope, filters: ReportFilter) -> exports.Verantwoording:
    from flask_babel import gettext as _

    code = document_municipality(scope, filters)
    municipality = db.session.get(Municipality, code) if code else None
    rows = summary_rows(scope, filters)
    return exports.Verantwoording(
        municipality_code=code,
        municipality_name=municipality.name if municipality else "",
        year=filters.year,
        cohort=db.session.get(Cohort, filters.cohort_id).name if filters.cohort_id else None,
        references=funding_references(scope, filters),
        rows=rows,
        totals=summary_totals(rows),
        completed=completed_learners(scope, filters),
        printed_on=local_date(utcnow()),
        scope_note=_("Deelnemers uit %(name)s en alle deelnemers in groepen die %(name)s financiert.",
                     name=municipality.name if municipality else code or ""),
    )


def check_document_filter(scope: Scope, filters: ReportFilter) -> None:
    """A verantwoordingsoverzicht and a certificate ZIP are about one municipality and one year."""
    from flask_babel import gettext as _

    if document_municipality(scope, filters) is None:
        raise FilterError(_("Kies een gemeente voor het verantwoordingsoverzicht."), "municipality")
    if filters.year is None:
        raise FilterError(_("Kies een financieringsjaar voor het verantwoordingsoverzicht."), "year")


def write_export(kind: str, fmt: str, scope: Scope, filters: ReportFilter, out: IO[bytes], *,
                 progress: Callable[[int], Any] | None = None,
                 renderer: CertificateRenderer | None = None) -> int:
    """Write one export to a binary file object; returns the number of data rows."""
    if fmt not in EXPORT_FORMATS.get(kind, ()):
        raise FilterError(f"{kind} cannot be exported as {fmt}", "format")
    counter = _Counter(progress)
    if kind == "completions":
        records = counter.count(completion_records(scope, filters))
        if fmt == "csv":
            for chunk in exports.csv_chunks(exports.COMPLETION_COLUMNS, records):
                out.write(chunk)
        else:
            exports.write_xlsx(out, "Deelnemers", exports.COMPLETION_COLUMNS, records)
        return counter.rows
    if kind == "summary":
        if fmt == "pdf":
            check_document_filter(scope, filters)
            document = _document(scope, filters)
            exports.write_verantwoording_pdf(out, document)
            if progress:
                progress(len(document.rows))
            return len(document.rows)
        records = counter.count(row.as_record() for row in summary_rows(scope, filters))
        if fmt == "csv":
            for chunk in exports.csv_chunks(exports.SUMMARY_COLUMNS, records):
                out.write(chunk)
        else:
            exports.write_xlsx(out, "Samenvatting", exports.SUMMARY_COLUMNS, records)
        return counter.rows
    check_document_filter(scope, filters)
    certificates = counter.count(certificates_in_scope(scope, filters), step=10)
    exports.write_certificates_zip(out, certificates, renderer or certificate_pdf)
    return counter.rows


def _sha256_of(path: str | os.PathLike) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def export_to_path(kind: str, fmt: str, scope: Scope, filters: ReportFilter, path: str | os.PathLike, *,
                   actor_id: int | None, via: str, progress: Callable[[int], Any] | None = None,
                   renderer: CertificateRenderer | None = None, extra: dict | None = None,
                   filename: str | None = None) -> ExportResult:
    """Write an export to `path` (atomically: a temporary file next to it, then renamed), hash the
    bytes on disk and record the export. Used by the CLI and by the web downloads that cannot stream."""
    target = Path(path)
    handle = tempfile.NamedTemporaryFile("wb", dir=target.parent or ".", prefix=".ebw-export-", delete=False)
    try:
        with handle:
            rows = write_export(kind, fmt, scope, filters, handle, progress=progress, renderer=renderer)
        sha256, size = _sha256_of(handle.name)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    name = filename or target.name
    event_id = record_export(kind=kind, fmt=fmt, scope=scope, filters=filters, rows=rows, sha256=sha256, size=size,
                             filename=name, actor_id=actor_id, via=via, extra=extra)
    return ExportResult(name, rows, sha256, size, event_id)


def export_to_tempfile(kind: str, fmt: str, scope: Scope, filters: ReportFilter, *, actor_id: int | None,
                       via: str = "web") -> tuple[IO[bytes], ExportResult]:
    """Build an export in a temporary file and return it opened for reading (already unlinked,
    so nothing is left behind whatever happens to the response) with its audit result."""
    directory = tempfile.mkdtemp(prefix="ebw-export-")
    filename = export_filename(kind, fmt, scope, filters)
    path = Path(directory) / filename
    try:
        result = export_to_path(kind, fmt, scope, filters, path, actor_id=actor_id, via=via)
        handle = open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
    finally:
        path.unlink(missing_ok=True)
        os.rmdir(directory)
    return handle, result


def stream_csv_export(kind: str, scope: Scope, filters: ReportFilter, *, actor_id: int | None,
                      via: str = "web", filename: str | None = None) -> Iterator[bytes]:
    """The CSV export as a stream of byte chunks, hashed on the way out.

    The audit record is written however the stream ends (in a finally block): after the last chunk with
    the SHA-256 of exactly the bytes that were sent; when the download is broken off (the client goes
    away, the server closes the stream, or an error) with `complete: false` and the bytes, rows and
    SHA-256 of what had been sent by then. A chunk counts as sent once the server asks for the next one,
    so the chunk being written when the connection dropped is not counted."""
    counter = _Counter()
    if kind == "completions":
        source = completion_records(scope, filters)
        columns = exports.COMPLETION_COLUMNS
    elif kind == "summary":
        source = (row.as_record() for row in summary_rows(scope, filters))
        columns = exports.SUMMARY_COLUMNS
    else:
        raise FilterError(f"{kind} has no CSV export", "format")
    filename = filename or export_filename(kind, "csv", scope, filters)
    digest, size, rows, complete = hashlib.sha256(), 0, 0, False
    chunks = exports.csv_chunks(columns, counter.count(source))
    try:
        for chunk in chunks:
            rows_so_far = counter.rows  # the rows in this chunk and the ones before it
            yield chunk
            digest.update(chunk)
            size += len(chunk)
            rows = rows_so_far
        complete = True
    finally:
        chunks.close()
        source.close()  # ends the database cursor before the record is written
        try:
            record_export(kind=kind, fmt="csv", scope=scope, filters=filters, rows=rows, sha256=digest.hexdigest(),
                          size=size, filename=filename, actor_id=actor_id, via=via, complete=complete)
        except Exception:
            if complete:
                raise
            # Already ending with an error or a dropped connection: log, and let that end the stream.
            log.exception("Could not record the broken-off export %s", filename)


# --- Earlier exports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportEntry:
    """An audit event of an export, read for the list of earlier exports."""

    id: int
    created_at: datetime
    actor: User | None
    kind: str
    format: str
    filter: dict = field(default_factory=dict)
    scope: str = ""
    rows: int = 0
    sha256: str = ""
    size: int = 0
    filename: str = ""
    via: str = ""
    complete: bool = True  # False: the download was broken off (records from before this field: complete)

    @classmethod
    def from_event(cls, event: AuditEvent) -> ExportEntry:
        details = event.details or {}
        return cls(
            id=event.id, created_at=event.created_at, actor=event.actor,
            kind=details.get("kind", event.action.removeprefix(EXPORT_ACTION_PREFIX)),
            format=details.get("format", ""), filter=details.get("filter") or {}, scope=details.get("scope", ""),
            rows=details.get("rows", 0), sha256=details.get("sha256", ""), size=details.get("bytes", 0),
            filename=details.get("filename", event.target or ""), via=details.get("via", ""),
            complete=details.get("complete", True) is not False,
        )


def _exports_stmt(user: User, *, everyone: bool = False):
    stmt = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.action.like(EXPORT_ACTION_PREFIX + "%"))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if not (everyone and user.role == "admin"):
        stmt = stmt.where(AuditEvent.actor_id == user.id)
    return stmt


def exports_page(user: User, page: int = 1, per_page: int = 25) -> Page:
    """A coordinator's own earlier exports (admins: everyone's), newest first."""
    base = _exports_stmt(user, everyone=True)
    total = db.session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    events = db.session.scalars(base.limit(per_page).offset((page - 1) * per_page)).unique()
    return Page([ExportEntry.from_event(e) for e in events], page, per_page, total)


def recent_exports(user: User, limit: int = 5) -> list[ExportEntry]:
    """The user's own latest exports (also for admins), for the report page."""
    return [ExportEntry.from_event(e) for e in db.session.scalars(_exports_stmt(user).limit(limit)).unique()]


def get_export(user: User, export_id: int) -> ExportEntry | None:
    """One earlier export, only when it belongs to the user (admins: any)."""
    event = db.session.scalar(_exports_stmt(user, everyone=True).where(AuditEvent.id == export_id))
    return ExportEntry.from_event(event) if event else None
