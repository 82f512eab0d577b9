"""Coordinator pages (/coordinator/...): the report, the exports, earlier exports, certificate ZIPs.

Views stay thin: read the filters, get the user's scope, call reporting.queries and reporting.export_audit. The scope is
applied inside those (scope.scoped_select), never only in a template.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..core import formatting
from ..core.errors import ValidationError
from ..core.permissions import roles_required
from . import charts, export_audit, queries
from .forms import ReportFilterForm
from .scope import ReportFilter, Scope, ScopeError, scope_for

bp = Blueprint("reporting", __name__)
REPORT_ROLES = ("coordinator", "admin")
PAGE_SIZE = 25
FILTER_KEYS = ("jaar", "gemeente", "groep", "status")  # the only query keys a report URL is built from


def _scope() -> Scope:
    try:
        return scope_for(current_user)
    except ScopeError:
        abort(403)


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)


def _filter_form(scope: Scope) -> tuple[ReportFilterForm, ReportFilter]:
    form = ReportFilterForm(formdata=request.args)
    form.set_choices(
        queries.year_choices(scope),
        queries.municipality_choices(scope) if scope.is_national else [],
        queries.cohort_choices(scope),
        national=scope.is_national,
    )
    if any(request.args.get(name) for name in FILTER_KEYS):
        form.validate()
    return form, form.to_filter()


def _filter_args() -> dict[str, str]:
    """The filter values of the query string, and nothing else: other keys (page, _external, _method,
    anything a client adds) never reach url_for, so they cannot change or break the URL it builds."""
    return {name: value for name in FILTER_KEYS if (value := request.args.get(name, ""))}


def _export_filter(scope: Scope) -> ReportFilter:
    """The filters of an export link; with a wrong value, back to the report page showing the error
    (the wrong value goes along, so the page shows the message at its field)."""
    form, filters = _filter_form(scope)
    if form.errors:
        flash(_("Controleer de filters: de export is niet gemaakt."), "error")
        abort(redirect(url_for("reporting.index", **_filter_args())))
    return filters


class _FileStream:
    """The already unlinked temporary export file, sent in blocks and closed by the server when done
    (or when the response is dropped without being read)."""

    block_size = 64 * 1024

    def __init__(self, handle: IO[bytes]):
        self.handle = handle

    def __iter__(self) -> Iterator[bytes]:
        try:
            while block := self.handle.read(self.block_size):
                yield block
        finally:
            self.close()

    def close(self) -> None:
        self.handle.close()

    def __del__(self) -> None:
        self.handle.close()


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


@bp.get("/")
@roles_required(*REPORT_ROLES)
def index():
    scope = _scope()
    form, filters = _filter_form(scope)
    rows = queries.summary_rows(scope, filters)
    bars = queries.completion_by_municipality(rows)
    months = queries.completions_by_month(scope, filters)
    page = queries.enrollment_page(scope, filters, page=_page(), per_page=PAGE_SIZE)
    document_code = queries.document_municipality(scope, filters)
    return render_template(
        "reporting/index.html",
        scope=scope,
        form=form,
        filters=filters,
        args=filters.query_args(),
        rows=rows,
        totals=queries.summary_totals(rows),
        bars=bars,
        months=months,
        municipality_svg=charts.municipality_chart(bars),
        month_svg=charts.month_chart(months),
        month_label=formatting.month,
        page=page,
        document_code=document_code,
        can_print=document_code is not None and filters.year is not None,
        recent=export_audit.recent_exports(current_user),
    )


def _stream_csv(kind: str) -> Response:
    scope = _scope()
    filters = _export_filter(scope)
    filename = export_audit.export_filename(kind, "csv", scope, filters)
    stream = export_audit.stream_csv_export(kind, scope, filters, actor_id=current_user.id, via="web", filename=filename)
    response = Response(stream_with_context(stream), content_type=export_audit.MIMETYPES["csv"])
    response.headers["Content-Disposition"] = _attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _send_built(kind: str, fmt: str, filters: ReportFilter | None = None) -> Response:
    scope = _scope()
    filters = filters if filters is not None else _export_filter(scope)
    try:
        handle, result = export_audit.export_to_tempfile(kind, fmt, scope, filters, actor_id=current_user.id)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("reporting.index", **filters.query_args()))
    response = Response(_FileStream(handle), content_type=export_audit.MIMETYPES[fmt], direct_passthrough=True)
    response.headers["Content-Length"] = str(result.size)
    response.headers["Content-Disposition"] = _attachment(result.filename)
    response.headers["X-Export-SHA256"] = result.sha256
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept in a cache
    return response


@bp.get("/export/deelnemers.csv")
@roles_required(*REPORT_ROLES)
def export_completions_csv():
    return _stream_csv("completions")


@bp.get("/export/deelnemers.xlsx")
@roles_required(*REPORT_ROLES)
def export_completions_xlsx():
    return _send_built("completions", "xlsx")


@bp.get("/export/samenvatting.csv")
@roles_required(*REPORT_ROLES)
def export_summary_csv():
    return _stream_csv("summary")


@bp.get("/export/samenvatting.xlsx")
@roles_required(*REPORT_ROLES)
def export_summary_xlsx():
    return _send_built("summary", "xlsx")


@bp.get("/export/verantwoording.pdf")
@roles_required(*REPORT_ROLES)
def export_summary_pdf():
    return _send_built("summary", "pdf")


@bp.get("/certificaten/<municipality_code>/<int:year>.zip")
@roles_required(*REPORT_ROLES)
def certificates_zip(municipality_code: str, year: int):
    scope = _scope()
    try:
        filters = queries.resolve_filter(scope, year=year, municipality=municipality_code)
    except ValidationError:
        abort(404)  # unknown, or another municipality than the coordinator's own
    return _send_built("certificates", "zip", filters)


@bp.get("/exports")
@roles_required(*REPORT_ROLES)
def exports():
    page = export_audit.exports_page(current_user, _page())
    return render_template("reporting/exports.html", page=page)


@bp.get("/exports/<int:export_id>")
@roles_required(*REPORT_ROLES)
def export_detail(export_id: int):
    entry = export_audit.get_export(current_user, export_id)
    if entry is None:
        abort(404)
    return render_template("reporting/export_detail.html", entry=entry)
