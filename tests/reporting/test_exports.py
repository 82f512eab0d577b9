"""Every export read back with a real reader and compared with what the database holds."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from ebw_training.cohorts.models import ENROLLMENT_STATUSES
from ebw_training.core.errors import ValidationError
from ebw_training.core.pdf import latin1_text
from ebw_training.extensions import db
from ebw_training.reporting import export_audit, exports, queries
from ebw_training.reporting.scope import ReportFilter, Scope
from ebw_training.timeutil import local_date

from ..factories import make_cohort, make_enrollment, make_learner, set_enrollment_progress
from .conftest import AMSTERDAM, DEN_HAAG
from .readers import (
    CONTRACT_COLUMNS,
    SUMMARY_CONTRACT_COLUMNS,
    all_enrollments,
    expected_csv_row,
    expected_summary,
    pdf_fonts,
    pdf_text,
    read_csv,
    read_xlsx,
)

NATIONAL, NO_FILTER = Scope(), ReportFilter()


def build(kind: str, fmt: str, scope: Scope = NATIONAL, filters: ReportFilter = NO_FILTER) -> tuple[bytes, int]:
    out = io.BytesIO()
    rows = export_audit.write_export(kind, fmt, scope, filters, out)
    return out.getvalue(), rows


def test_contract_column_lists():
    assert [name for name, _kind in exports.COMPLETION_COLUMNS] == CONTRACT_COLUMNS
    assert [name for name, _kind in exports.SUMMARY_COLUMNS] == SUMMARY_CONTRACT_COLUMNS


def test_completions_csv_reads_back_as_the_database(world):
    data, count = build("completions", "csv")
    header, rows = read_csv(data)
    assert header == CONTRACT_COLUMNS
    enrollments = all_enrollments()
    assert count == len(rows) == len(enrollments) == len(world["enrollments"])
    by_pseudonym_and_cohort = {(row["deelnemer_id"], row["cohort"]): row for row in rows}
    for enrollment in enrollments:
        assert by_pseudonym_and_cohort[(enrollment.user.pseudonym, enrollment.cohort.name)] == \
            expected_csv_row(enrollment)


def test_completions_csv_format_details(world):
    data, _count = build("completions", "csv")
    assert data.count(b"\r\n") == data.count(b"\n"), "every line ends with CRLF"
    _header, rows = read_csv(data)
    daan = next(r for r in rows if r["naam"] == "Daan de Vries")
    assert daan["trainers"] == "Anna Zwart, Tom Trainer"
    assert daan["quiz_gemiddelde"] == "85.5" and daan["studiebelasting_uren"] == "12.50"
    assert daan["contacturen_aanwezig"] == "6.00" and daan["functie"] == "oov"
    fatima = next(r for r in rows if r["naam"] == "Fatima El Amrani")
    assert fatima["gemeente_code"] == "GM0362" and fatima["financierende_gemeente_code"] == AMSTERDAM
    assert fatima["afgerond_op"] == "2026-04-01"  # 22:30 UTC on 31 March is 1 April in Amsterdam
    sanne = next(r for r in rows if r["naam"] == "Sanne Bakker")
    assert sanne["gestart_op"] == "" and sanne["quiz_gemiddelde"] == "" and sanne["status"] == "niet_gestart"
    bram = next(r for r in rows if r["naam"] == "Bram Oud")
    assert bram["quiz_gemiddelde"] == "77.3"  # half up, not the float's 77.2
    dewi = next(r for r in rows if r["naam"] == "Dewi Haags")
    assert dewi["status"] == "afgerond" and dewi["certificaatcode"] == ""  # revoked certificate
    assert {r["status"] for r in rows} == set(ENROLLMENT_STATUSES)
    assert all("," not in r["studiebelasting_uren"] for r in rows)


def test_csv_neutralises_formulas(world):
    data, _count = build("completions", "csv")
    _header, rows = read_csv(data)
    row = next(r for r in rows if "HYPERLINK" in r["naam"])
    assert row["naam"].startswith("'=")
    assert not any(value.startswith(("=", "+", "@")) for r in rows for value in r.values())


def test_completions_xlsx_typed_cells(world):
    data, count = build("completions", "xlsx")
    sheet, header, rows = read_xlsx(data)
    assert header == CONTRACT_COLUMNS
    assert count == len(rows) == len(world["enrollments"])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:W{len(rows) + 1}"
    column = {name: index for index, name in enumerate(header)}
    csv_rows = {(r["deelnemer_id"], r["cohort"]): r for r in read_csv(build("completions", "csv")[0])[1]}
    for cells in rows:
        values = {name: cells[index] for name, index in column.items()}
        expected = csv_rows[(values["deelnemer_id"].value, values["cohort"].value)]
        for name in ("ingeschreven_op", "gestart_op", "laatst_actief_op", "afgerond_op"):
            cell = values[name]
            if expected[name]:
                assert cell.is_date and isinstance(cell.value, datetime), name
                assert cell.number_format == "yyyy-mm-dd"
                assert cell.value.date() == date.fromisoformat(expected[name])
            else:
                assert cell.value is None
        for name in ("financieringsjaar", "modules_afgerond", "modules_totaal", "oefeningen_ingeleverd"):
            assert values[name].data_type == "n" and values[name].value == int(expected[name])
        for name in ("quiz_gemiddelde", "contacturen_aanwezig", "studiebelasting_uren"):
            if expected[name]:
                assert values[name].data_type == "n"
                assert values[name].value == pytest.approx(float(expected[name]))
            else:
                assert values[name].value is None
        for name in ("gemeente_code", "naam", "email", "status", "cohort", "trainers"):
            want = expected[name].removeprefix("'") if name == "naam" else expected[name]
            assert (values[name].value or "") == want
    formula = next(cells[column["naam"]] for cells in rows if "HYPERLINK" in str(cells[column["naam"]].value))
    assert formula.data_type == "s" and formula.value.startswith("=")  # text, not a formula


def test_summary_csv_and_xlsx_match_the_database(world):
    expected = expected_summary(all_enrollments())
    data, count = build("summary", "csv")
    header, rows = read_csv(data)
    assert header == SUMMARY_CONTRACT_COLUMNS
    assert count == len(rows) == len(expected)
    for row in rows:
        assert row == expected[(row["gemeente_code"], int(row["financieringsjaar"]))]
    sheet, header, cells = read_xlsx(build("summary", "xlsx")[0])
    assert header == SUMMARY_CONTRACT_COLUMNS and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:I{len(cells) + 1}"
    for line in cells:
        values = dict(zip(header, [c.value for c in line], strict=True))
        want = expected[(values["gemeente_code"], values["financieringsjaar"])]
        for name in ("ingeschreven", "gestart", "afgerond"):
            assert values[name] == int(want[name])
        for name in ("afrondingspercentage", "studiebelasting_uren", "contacturen"):
            assert isinstance(values[name], float | int)
            assert values[name] == pytest.approx(float(want[name]))


def test_verantwoording_pdf(world):
    data, count = build("summary", "pdf", Scope(AMSTERDAM), ReportFilter(year=2026))
    assert data.startswith(b"%PDF")
    pages, texts = pdf_text(data)
    text = " ".join(texts)
    assert count == 3  # Amstelveen, Amsterdam, Diemen in 2026
    for needle in ("Verantwoordingsoverzicht", "Amsterdam (GM0363)", "2026", "VG-2026-AMS-014",
                   "Afgedrukt op", "Daan de Vries", "EBW-AAAA-1111", "20-11-2026", "Fatima El Amrani",
                   "EBW-BBBB-2222", "01-04-2026", "Anouk Amsterdammer", "EBW-DDDD-4444", "66,7", "60,0", "42,25"):
        assert needle in text, needle
    for absent in ("Ruud Rotterdam", "Bram Oud", "EBW-CCCC-3333", "Dewi Haags", "Dirk Haags"):
        assert absent not in text, absent
    assert PdfReader(io.BytesIO(data)).metadata.title.startswith("Verantwoordingsoverzicht")


def test_verantwoording_pdf_needs_municipality_and_year(world):
    with pytest.raises(ValidationError):
        build("summary", "pdf", Scope(), ReportFilter(year=2026))
    with pytest.raises(ValidationError):
        build("summary", "pdf", Scope(AMSTERDAM), ReportFilter())


def test_verantwoording_pdf_tables_span_pages_with_headings(app_ctx):
    cohort = make_cohort("Grote groep", funding=AMSTERDAM, year=2026, reference="VG-GROOT")
    start = datetime(2026, 9, 1, 8, 0)
    for n in range(90):
        enrollment = make_enrollment(make_learner(AMSTERDAM, name=f"Ĳsbrand Çelik {n:03d}"), cohort)
        set_enrollment_progress(enrollment, started_at=start, modules_completed=8, modules_total=8, study_hours="12.5",
                                completed_at=start + timedelta(days=30), certificate_code=f"EBW-TEST-{n:04d}")
    db.session.commit()
    data, _count = build("summary", "pdf", Scope(AMSTERDAM), ReportFilter(year=2026))
    pages, texts = pdf_text(data)
    assert pages >= 3
    listing_pages = [t for t in texts if "Ĳsbrand Çelik" in t]
    assert len(listing_pages) >= 2
    for text in listing_pages:
        assert "Certificaatcode" in text and "Afgerond op" in text  # the heading repeats on every page
    everything = " ".join(texts)
    assert all(f"EBW-TEST-{n:04d}" in everything for n in range(90))
    assert f"van {pages}" in texts[-1]


def test_certificates_zip(world):
    data, count = build("certificates", "zip", Scope(), ReportFilter(year=2026, municipality=AMSTERDAM))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    pdfs = sorted(name for name in names if name.endswith(".pdf"))
    assert count == len(pdfs) == 3
    assert [name.split("_")[0] for name in pdfs] == ["EBW-AAAA-1111", "EBW-BBBB-2222", "EBW-DDDD-4444"]
    for name in pdfs:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(name))).pages)
        assert name.split("_")[0] in text
    _header, overview = read_csv(archive.read("overzicht.csv"))
    assert {row["certificaatcode"] for row in overview} == {"EBW-AAAA-1111", "EBW-BBBB-2222", "EBW-DDDD-4444"}
    assert {row["bestand"] for row in overview} == set(pdfs)
    daan = next(row for row in overview if row["certificaatcode"] == "EBW-AAAA-1111")
    assert daan["naam"] == "Daan de Vries" and daan["uitgereikt_op"] == "2026-11-20"


def test_certificates_zip_leaves_revoked_certificates_out(world):
    data, count = build("certificates", "zip", Scope(), ReportFilter(year=2026, municipality=DEN_HAAG))
    assert count == 0
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["overzicht.csv"]


def test_certificates_zip_takes_any_renderer(world):
    seen = []

    def renderer(certificate) -> bytes:
        seen.append(certificate.code)
        return b"%PDF-fake " + certificate.code.encode()

    out = io.BytesIO()
    export_audit.write_export("certificates", "zip", Scope(AMSTERDAM), ReportFilter(year=2025), out, renderer=renderer)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert seen == ["EBW-CCCC-3333"]
    assert archive.read(next(n for n in archive.namelist() if n.endswith(".pdf"))) == b"%PDF-fake EBW-CCCC-3333"


def test_certificate_renderer_is_the_learners_own(world):
    """The ZIP renders with learning.documents' builder; the verify address is the learner's own."""
    certificate = world["enrollments"]["ams_done@ams2026"].certificate
    text = " ".join(pdf_text(export_audit.certificate_pdf(certificate))[1])
    assert "EBW-AAAA-1111" in text and "Daan de Vries" in text and "20 november 2026" in text
    assert "http://localhost/verify/EBW-AAAA-1111" in text


def test_one_local_date_helper(world):
    """Dates in the exports come from ebw_training.timeutil.local_date (Europe/Amsterdam), not a copy."""
    from ebw_training import timeutil

    assert local_date is timeutil.local_date
    records = list(queries.completion_records(NATIONAL, ReportFilter(municipality="GM0362", year=2026)))
    [fatima] = [r for r in records if r[8] == "Fatima El Amrani"]
    assert fatima[21] == date(2026, 4, 1)  # completed 22:30 UTC on 31 March: 1 April in Amsterdam


def test_export_to_path_records_the_hash_of_the_file(world, tmp_path):
    import hashlib

    from ebw_training.core.audit import AuditEvent

    target = tmp_path / "deelnemers.xlsx"
    result = export_audit.export_to_path("completions", "xlsx", Scope(AMSTERDAM), ReportFilter(year=2026), target,
                                     actor_id=world["coordinators"]["amsterdam"].id, via="test")
    data = target.read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.size == len(data)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ebw-export-")], "no temporary file left"
    db.session.rollback()
    event = db.session.get(AuditEvent, result.event_id)
    assert event.action == "export.completions"
    assert event.details["sha256"] == result.sha256 and event.details["rows"] == result.rows == 6
    assert event.details["filter"] == {"year": 2026} and event.details["scope"] == AMSTERDAM
    assert event.actor_id == world["coordinators"]["amsterdam"].id


def test_documents_print_any_name(app_ctx):
    """Names with Dutch, typographic, emoji and CJK characters never break a PDF or XLSX export."""
    cohort = make_cohort("Groep € ’ Ĳ", funding=AMSTERDAM, year=2026)
    enrollment = make_enrollment(make_learner(AMSTERDAM, name="Zoë 😀 van ’t Hof – 李 \x07"), cohort)
    set_enrollment_progress(enrollment, started_at=datetime(2026, 9, 1), completed_at=datetime(2026, 10, 1),
                            certificate_code="EBW-ZZZZ-9999")
    db.session.commit()
    data, _count = build("summary", "pdf", Scope(AMSTERDAM), ReportFilter(year=2026))
    text = " ".join(pdf_text(data)[1])
    assert "Zoë" in text and "Groep € ’ Ĳ" in text and "EBW-ZZZZ-9999" in text
    data, _count = build("certificates", "zip", Scope(AMSTERDAM), ReportFilter(year=2026))
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 2
    _sheet, header, rows = read_xlsx(build("completions", "xlsx", Scope(AMSTERDAM))[0])
    assert rows[0][header.index("naam")].value == "Zoë 😀 van ’t Hof – 李 "  # the control character is dropped


def test_documents_print_any_name_without_truetype_fonts(app_ctx, monkeypatch, tmp_path):
    """Without a TrueType font the PDFs use Helvetica like the learner documents (core.pdf): Latin-1 survives, the
    typographic quotes and the euro sign get plain stand-ins, anything else becomes '?'."""
    from ebw_training.core import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv("EBW_FONT_DIR", raising=False)
    cohort = make_cohort("Groep € ’ Ĳ", funding=AMSTERDAM, year=2026)
    enrollment = make_enrollment(make_learner(AMSTERDAM, name="Zoë 😀 van ’t Hof – 李"), cohort)
    set_enrollment_progress(enrollment, started_at=datetime(2026, 9, 1), completed_at=datetime(2026, 10, 1),
                            certificate_code="EBW-ZZZZ-9999")
    db.session.commit()
    data, _count = build("summary", "pdf", Scope(AMSTERDAM), ReportFilter(year=2026))
    assert pdf_fonts(data) <= {"Helvetica", "Helvetica-Bold"}
    text = " ".join(pdf_text(data)[1])
    assert "Zoë ? van 't Hof - ?" in text and "Groep EUR ' ?" in text and "EBW-ZZZZ-9999" in text
    assert latin1_text("“Ĳ” – €") == '"?" - EUR'
    data, count = build("certificates", "zip", Scope(AMSTERDAM), ReportFilter(year=2026))
    assert count == 1


def test_csv_stream_that_fails_half_way_is_recorded_as_incomplete(world, monkeypatch):
    records_of = queries.completion_records

    def failing_records(scope, filters):
        yield from list(records_of(scope, filters))[:3]
        raise RuntimeError("database went away")

    monkeypatch.setattr(export_audit, "completion_records", failing_records)
    stream = export_audit.stream_csv_export("completions", NATIONAL, NO_FILTER, actor_id=None, via="test",
                                        filename="deelnemers.csv")
    header = next(stream)
    with pytest.raises(RuntimeError, match="database went away"):
        next(stream)
    db.session.rollback()
    from ebw_training.core.audit import AuditEvent

    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "export.completions")).all()
    assert event.details["complete"] is False and event.details["rows"] == 0
    assert event.details["bytes"] == len(header) and event.details["filename"] == "deelnemers.csv"
