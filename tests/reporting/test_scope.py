"""A municipal coordinator gets no row of another municipality: in any export, page or CLI call."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from ebw_training.reporting import export_audit, queries
from ebw_training.reporting.scope import ReportFilter, Scope

from .conftest import AMSTERDAM, AMSTERDAM_VISIBLE
from .readers import pdf_text, read_csv, read_xlsx


def outsiders(world) -> list[str]:
    """Names, e-mails, pseudonyms and certificate codes of every enrolment Amsterdam may not see."""
    markers = []
    for key, enrollment in world["enrollments"].items():
        if key in AMSTERDAM_VISIBLE:
            continue
        user = enrollment.user
        markers += [user.name, user.email, user.pseudonym]
        if enrollment.certificate is not None:
            markers.append(enrollment.certificate.code)
    markers += [world["cohorts"]["dh2026"].name, "VG-DH-1", "GM0518", "GM0599"]
    return markers


def text_of(data: bytes, fmt: str) -> str:
    if fmt == "csv":
        header, rows = read_csv(data)
        return "\n".join(";".join(row.values()) for row in rows)
    if fmt == "xlsx":
        _sheet, _header, rows = read_xlsx(data)
        return "\n".join(";".join(str(c.value) for c in row if c.value is not None) for row in rows)
    if fmt == "pdf":
        return "\n".join(pdf_text(data)[1])
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = list(archive.namelist())
    for name in archive.namelist():
        if name.endswith(".pdf"):
            parts += [page.extract_text() for page in PdfReader(io.BytesIO(archive.read(name))).pages]
        else:
            parts.append(archive.read(name).decode("utf-8-sig"))
    return "\n".join(parts)


def insiders(world, kind: str, fmt: str) -> list[str]:
    """What an export for Amsterdam must hold, so an empty or truncated file cannot pass as "in scope"."""
    visible = [world["enrollments"][key] for key in sorted(AMSTERDAM_VISIBLE)]
    if kind == "completions":
        return [e.user.pseudonym for e in visible]  # one row per enrolment in scope
    if kind == "summary" and fmt != "pdf":
        return [AMSTERDAM, "GM0362", "GM0384"]  # the learners' municipalities of the enrolments in scope
    # The verantwoording and the certificate ZIP of 2026: every valid certificate in scope.
    return [e.certificate.code for e in visible
            if e.certificate is not None and e.certificate.revoked_at is None and e.cohort.funding_year == 2026]


def assert_only_amsterdam(world, text: str, kind: str, fmt: str) -> None:
    for marker in outsiders(world):
        if marker in ("GM0599",):
            continue  # the funding municipality of a cohort with an Amsterdam learner may be named
        assert marker not in text, marker
    expected = insiders(world, kind, fmt)
    assert expected and all(marker in text for marker in expected), [m for m in expected if m not in text]


EXPORTS = [
    ("completions", "csv"), ("completions", "xlsx"), ("summary", "csv"), ("summary", "xlsx"), ("summary", "pdf"),
    ("certificates", "zip"),
]


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_every_service_export_stays_in_scope(world, kind, fmt):
    out = io.BytesIO()
    filters = ReportFilter(year=2026) if fmt in ("pdf", "zip") else ReportFilter()
    export_audit.write_export(kind, fmt, Scope(AMSTERDAM), filters, out)
    assert_only_amsterdam(world, text_of(out.getvalue(), fmt), kind, fmt)


def test_completion_rows_of_a_municipal_scope(world):
    rows = list(queries.completion_records(Scope(AMSTERDAM), ReportFilter()))
    assert len(rows) == len(AMSTERDAM_VISIBLE)
    assert {row[7] for row in rows} == {world["enrollments"][key].user.pseudonym for key in AMSTERDAM_VISIBLE}
    for row in rows:
        assert row[0] == AMSTERDAM or row[2] == AMSTERDAM  # own learner, or a cohort Amsterdam funds


WEB_EXPORTS = [
    ("/coordinator/export/deelnemers.csv", "completions", "csv"),
    ("/coordinator/export/deelnemers.xlsx", "completions", "xlsx"),
    ("/coordinator/export/samenvatting.csv", "summary", "csv"),
    ("/coordinator/export/samenvatting.xlsx", "summary", "xlsx"),
    ("/coordinator/export/verantwoording.pdf?jaar=2026", "summary", "pdf"),
    ("/coordinator/certificaten/GM0363/2026.zip", "certificates", "zip"),
]


@pytest.mark.parametrize(("url", "kind", "fmt"), WEB_EXPORTS)
def test_every_web_export_stays_in_scope(world, client, login, url, kind, fmt):
    login(world["coordinators"]["amsterdam"])
    # Trying to widen the scope with a municipality in the query string changes nothing.
    separator = "&" if "?" in url else "?"
    response = client.get(url + separator + "gemeente=GM0599")
    data = response.get_data()
    response.close()
    assert response.status_code == 200
    assert_only_amsterdam(world, text_of(data, fmt), kind, fmt)


@pytest.mark.parametrize("query", ["", "?gemeente=GM0599", "?status=uitgeschreven", "?jaar=2026&page=2",
                                   "?groep=__dh__"])
def test_report_page_stays_in_scope(world, client, login, query):
    login(world["coordinators"]["amsterdam"])
    query = query.replace("__dh__", str(world["cohorts"]["dh2026"].id))
    html = client.get("/coordinator/" + query).get_data(as_text=True)
    main = html.split("<main", 1)[1]
    for marker in outsiders(world):
        if marker in ("GM0599",):
            continue
        assert marker not in main, (query, marker)


def test_cli_on_behalf_of_a_municipal_coordinator_stays_in_scope(world, runner, tmp_path):
    for kind, fmt, extra in [("completions", "csv", []), ("completions", "xlsx", []), ("summary", "csv", []),
                             ("summary", "xlsx", []), ("summary", "pdf", ["--year", "2026"])]:
        target = tmp_path / f"{kind}.{fmt}"
        result = runner.invoke(args=["ebw", "export", kind, "--format", fmt, "--as", "coord.amsterdam@example.nl",
                                     "-o", str(target), *extra])
        assert result.exit_code == 0, result.output
        assert_only_amsterdam(world, text_of(target.read_bytes(), fmt), kind, fmt)
