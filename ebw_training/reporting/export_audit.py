"""Audited exports: every file written or streamed is recorded with its scope, filter, rows and SHA-256.

The CLI and the web downloads call the same functions, so the same scope rule, the same files and the same
audit record apply everywhere; coordinators see their earlier exports (admins: everyone's).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..accounts.models import User
from ..cohorts.models import Cohort
from ..content import get_course
from ..core.audit import AuditEvent
from ..core.errors import ValidationError
from ..core.urls import external_url
from ..extensions import db
from ..learning import documents
from ..learning.models import Certificate
from ..municipalities.models import Municipality
from ..timeutil import local_date, utcnow
from . import exports
from .queries import (
    Page,
    certificates_in_scope,
    completed_learners,
    completion_records,
    document_municipality,
    funding_references,
    summary_rows,
    summary_totals,
)
from .scope import ReportFilter, Scope

EXPORT_ACTION_PREFIX = "export."
log = logging.getLogger(__name__)


CertificateRenderer = Callable[[Certificate], bytes]


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate exactly as the learner downloads it (learning.views.certificate_pdf): the same
    builder and renderer from learning.documents, the same verify address."""
    document = documents.build_certificate_document(certificate, certificate.enrollment, get_course().title,
                                                    external_url("learning.verify", code=certificate.code))
    return documents.certificate_pdf(document)


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
    if document_municipality(scope, filters) is None:
        raise ValidationError(_("Kies een gemeente voor het verantwoordingsoverzicht."), "municipality")
    if filters.year is None:
        raise ValidationError(_("Kies een financieringsjaar voor het verantwoordingsoverzicht."), "year")


def write_export(kind: str, fmt: str, scope: Scope, filters: ReportFilter, out: IO[bytes], *,
                 progress: Callable[[int], Any] | None = None,
                 renderer: CertificateRenderer | None = None) -> int:
    """Write one export to a binary file object; returns the number of data rows."""
    if fmt not in EXPORT_FORMATS.get(kind, ()):
        raise ValidationError(f"{kind} cannot be exported as {fmt}", "format")
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
        handle = open(path, "rb")  # handed to the response, which closes it
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
        raise ValidationError(f"{kind} has no CSV export", "format")
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
