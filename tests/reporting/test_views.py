"""The coordinator pages and web downloads: filters, charts, streaming, audit, earlier exports."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import select

from ebw_training.core import pdf
from ebw_training.core.audit import AuditEvent
from ebw_training.extensions import db
from ebw_training.reporting import export_audit, exports
from ebw_training.reporting.scope import ReportFilter, Scope

from ..factories import make_cohort, make_enrollment, make_learner, make_user, set_enrollment_progress
from .conftest import AMSTERDAM
from .readers import CONTRACT_COLUMNS, pdf_fonts, pdf_text, read_csv, read_xlsx


def export_events() -> list[AuditEvent]:
    db.session.rollback()  # the record is written in its own session; start a fresh read
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("export.%"))
                                   .order_by(AuditEvent.id)))


def test_report_page_for_a_national_coordinator(world, client, login):
    login(world["coordinators"]["national"])
    response = client.get("/coordinator/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for needle in ("Landelijk overzicht", "Rotterdam", "Amstelveen", "&#39;s-Gravenhage", "Ruud Rotterdam",
                   'name="gemeente"', "Deelnemers als CSV", "Samenvatting als Excel (XLSX)"):
        assert needle in html, needle
    # Without a year and municipality there is no verantwoordingsoverzicht yet, only a hint.
    assert "/coordinator/export/verantwoording.pdf" not in html
    response = client.get("/coordinator/?jaar=2026&gemeente=GM0363")
    html = response.get_data(as_text=True)
    assert "/coordinator/export/verantwoording.pdf?jaar=2026&amp;gemeente=GM0363" in html
    assert "/coordinator/certificaten/GM0363/2026.zip" in html
    assert "Ruud Rotterdam" not in html


def test_report_page_for_a_municipal_coordinator(world, client, login):
    login(world["coordinators"]["amsterdam"])
    html = client.get("/coordinator/?jaar=2026").get_data(as_text=True)
    assert "Gemeente Amsterdam" in html
    assert 'name="gemeente"' not in html  # only national users choose a municipality
    assert "Daan de Vries" in html and "Anouk Amsterdammer" in html
    assert "/coordinator/export/verantwoording.pdf?jaar=2026" in html
    assert "/coordinator/certificaten/GM0363/2026.zip" in html


def test_report_page_summary_figures(world, client, login):
    login(world["coordinators"]["amsterdam"])
    html = client.get("/coordinator/?jaar=2026").get_data(as_text=True)
    summary = html.split('class="table table-responsive summary-table"')[1].split("</table>")[0]
    assert "66,7 %" in summary and "29,75" in summary and "100,0 %" in summary
    assert "60,0 %" in summary.split("<tfoot>")[1]  # 3 of 5


def test_filters_narrow_the_list(world, client, login):
    login(world["coordinators"]["national"])
    html = client.get("/coordinator/?status=uitgeschreven").get_data(as_text=True)
    listing = html.split('class="table table-responsive enrolment-table"')[1].split("</table>")[0]
    assert "Dirk Haags" in listing and "HYPERLINK" in listing
    assert "Daan de Vries" not in listing
    cohort = world["cohorts"]["ams2025"]
    listing = client.get(f"/coordinator/?groep={cohort.id}").get_data(as_text=True) \
        .split('class="table table-responsive enrolment-table"')[1].split("</table>")[0]
    assert "Bram Oud" in listing and "Daan de Vries" not in listing


def test_wrong_filter_values_get_a_message_not_an_error(world, client, login):
    login(world["coordinators"]["amsterdam"])
    den_haag = world["cohorts"]["dh2026"].id
    response = client.get(f"/coordinator/?jaar=abc&groep={den_haag}&status=klaar&page=zz")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kies een financieringsjaar uit de lijst." in html
    assert "Kies een groep uit de lijst." in html and "Kies een status uit de lijst." in html
    assert 'aria-invalid="true"' in html
    assert "Dewi Haags" not in html  # a cohort outside the scope shows nothing
    response = client.get(f"/coordinator/export/deelnemers.csv?groep={den_haag}")
    assert response.status_code == 302 and "/coordinator/?groep=" in response.headers["Location"]
    assert export_events() == []


def test_chart_is_accessible_and_has_a_table(world, client, login):
    login(world["coordinators"]["national"])
    html = client.get("/coordinator/?jaar=2026").get_data(as_text=True)
    assert html.count('role="img"') == 2
    assert '<title id="chart-gemeenten-title">' in html and '<desc id="chart-gemeenten-desc">' in html
    assert html.count("<figure") == 2 and html.count("<figcaption") == 2
    assert "Tabel bij de grafiek: afronding per gemeente" in html
    assert "Tabel bij de grafiek: afgeronde trainingen per maand" in html
    assert "style=" not in html.split("<main")[1]  # the CSP allows no inline styles


def _add_learners(count: int) -> None:
    cohort = make_cohort(f"Groep van {count}", funding=AMSTERDAM, year=2026)
    other = make_cohort(f"Andere groep van {count}", funding="GM0599", year=2026)
    for n in range(count):
        enrollment = make_enrollment(make_learner(AMSTERDAM if n % 2 else "GM0599", name=f"Lerner {n}"),
                                     cohort if n % 3 else other)
        done = n % 4 == 0
        set_enrollment_progress(enrollment, started_at=datetime(2026, 9, 1, 9), modules_completed=8 if done else 2,
                                modules_total=8, study_hours="12.5" if done else "3",
                                completed_at=datetime(2026, 10 + n % 3, 1, 9) if done else None,
                                certificate_code=f"EBW-Q{count:03d}-{n:04d}" if done else None)
    db.session.commit()


@pytest.mark.parametrize("who", ["national", "amsterdam"])
def test_report_page_queries_do_not_grow_with_the_number_of_learners(app_ctx, client, login, count_queries, who):
    user = make_user("coordinator", municipality=AMSTERDAM if who == "amsterdam" else None)
    db.session.commit()
    login(user)
    _add_learners(10)
    with count_queries() as few:
        assert client.get("/coordinator/?jaar=2026").status_code == 200
    _add_learners(200)
    with count_queries() as many:
        response = client.get("/coordinator/?jaar=2026")
    assert response.status_code == 200
    assert "Lerner 199" in response.get_data(as_text=True) or "Pagina 1 van" in response.get_data(as_text=True)
    assert few.count == many.count <= 15, many.statements


def test_csv_download_streams_and_is_recorded_with_its_hash(world, client, login):
    coordinator = world["coordinators"]["amsterdam"]
    login(coordinator)
    response = client.get("/coordinator/export/deelnemers.csv?jaar=2026&status=afgerond")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert 'filename="ebw-deelnemers_GM0363_2026_afgerond_' in response.headers["Content-Disposition"]
    body = response.get_data()
    header, rows = read_csv(body)
    assert header == CONTRACT_COLUMNS
    assert {r["naam"] for r in rows} == {"Daan de Vries", "Fatima El Amrani", "Anouk Amsterdammer"}
    [event] = export_events()
    assert event.actor_id == coordinator.id and event.action == "export.completions"
    assert event.details["sha256"] == hashlib.sha256(body).hexdigest()
    assert event.details["rows"] == 3 and event.details["bytes"] == len(body)
    assert event.details["filter"] == {"year": 2026, "status": "afgerond"}
    assert event.details["via"] == "web" and event.details["format"] == "csv"


def test_xlsx_download_is_recorded_with_its_hash(world, client, login):
    login(world["coordinators"]["national"])
    response = client.get("/coordinator/export/deelnemers.xlsx?gemeente=GM0599")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    _sheet, header, rows = read_xlsx(body)
    assert header == CONTRACT_COLUMNS and len(rows) == 4
    digest = hashlib.sha256(body).hexdigest()
    assert response.headers["X-Export-SHA256"] == digest
    [event] = export_events()
    assert event.details["sha256"] == digest and event.details["rows"] == 4
    assert event.details["filter"] == {"municipality": "GM0599"}


def test_summary_downloads(world, client, login):
    login(world["coordinators"]["amsterdam"])
    header, rows = read_csv(client.get("/coordinator/export/samenvatting.csv?jaar=2026").get_data())
    assert header[0] == "gemeente_code" and {r["gemeente_code"] for r in rows} == {"GM0362", "GM0363", "GM0384"}
    response = client.get("/coordinator/export/samenvatting.xlsx?jaar=2026")
    _sheet, header, cells = read_xlsx(response.get_data())
    response.close()
    assert len(cells) == 3
    response = client.get("/coordinator/export/verantwoording.pdf?jaar=2026")
    data = response.get_data()
    response.close()
    assert response.mimetype == "application/pdf"
    assert "Amsterdam (GM0363)" in " ".join(pdf_text(data)[1])
    assert [e.details["format"] for e in export_events()] == ["csv", "xlsx", "pdf"]


def test_pdf_without_municipality_and_year_goes_back_with_a_message(world, client, login):
    login(world["coordinators"]["national"])
    response = client.get("/coordinator/export/verantwoording.pdf?jaar=2026")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kies een gemeente voor het verantwoordingsoverzicht." in page
    assert export_events() == []


def test_certificates_zip_download(world, client, login):
    login(world["coordinators"]["amsterdam"])
    response = client.get("/coordinator/certificaten/GM0363/2026.zip")
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(n.split("_")[0] for n in names if n.endswith(".pdf")) == [
        "EBW-AAAA-1111", "EBW-BBBB-2222", "EBW-DDDD-4444"]
    [event] = export_events()
    assert event.action == "export.certificates" and event.details["rows"] == 3
    assert event.details["sha256"] == hashlib.sha256(data).hexdigest()
    # Another municipality, or a code that does not exist: not found.
    assert client.get("/coordinator/certificaten/GM0599/2026.zip").status_code == 404
    assert client.get("/coordinator/certificaten/GM9999/2026.zip").status_code == 404


def test_earlier_exports_list_shows_own_exports_with_hashes(world, client, login):
    amsterdam, rotterdam = world["coordinators"]["amsterdam"], world["coordinators"]["rotterdam"]
    login(amsterdam)
    body = client.get("/coordinator/export/samenvatting.csv?jaar=2026").get_data()
    digest = hashlib.sha256(body).hexdigest()
    page = client.get("/coordinator/exports").get_data(as_text=True)
    assert digest in page and "Samenvatting (CSV)" in page and "jaar 2026" in page
    assert digest in client.get("/coordinator/").get_data(as_text=True)  # the latest exports on the report page
    [event] = export_events()
    detail = client.get(f"/coordinator/exports/{event.id}")
    assert detail.status_code == 200 and digest in detail.get_data(as_text=True)
    client.post("/logout")
    login(rotterdam)
    assert digest not in client.get("/coordinator/exports").get_data(as_text=True)
    assert client.get(f"/coordinator/exports/{event.id}").status_code == 404
    client.post("/logout")
    login(world["coordinators"]["admin"])
    page = client.get("/coordinator/exports").get_data(as_text=True)
    assert digest in page and amsterdam.email in page
    assert client.get(f"/coordinator/exports/{event.id}").status_code == 200


def test_learners_and_trainers_cannot_report(world, client, login):
    login(make_user("learner"))
    for url in ("/coordinator/", "/coordinator/export/deelnemers.csv", "/coordinator/exports",
                "/coordinator/certificaten/GM0363/2026.zip"):
        assert client.get(url).status_code == 403, url
    assert export_events() == []


@pytest.mark.parametrize("query", [
    "jaar=x&_method=POST",  # url_for(**request.args) raised BuildError: a 500
    "jaar=x&_external=1&_scheme=https",  # and let the client choose an absolute URL and its scheme
    "status=klaar&_anchor=top&page=3&onzin=1",
])
@pytest.mark.parametrize("export", ["deelnemers.csv", "deelnemers.xlsx", "samenvatting.csv", "verantwoording.pdf"])
def test_export_link_with_odd_query_keys_goes_back_with_the_filters_only(world, client, login, query, export):
    login(world["coordinators"]["amsterdam"])
    response = client.get(f"/coordinator/export/{export}?{query}")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/coordinator/?"), location  # relative, on this site
    for key in ("_method", "_external", "_scheme", "_anchor", "page", "onzin", "#"):
        assert key not in location, location
    assert ("jaar=x" in location) == ("jaar=x" in query)  # the wrong value goes along, to show its message
    page = client.get(location).get_data(as_text=True)
    assert "Controleer de filters: de export is niet gemaakt." in page
    assert export_events() == []


def test_csv_download_broken_off_is_recorded_as_incomplete(world, client, login, monkeypatch):
    """A download cut off half-way is in the audit log, marked incomplete, with what was actually sent."""
    chunks_of = exports.csv_chunks
    monkeypatch.setattr(exports, "csv_chunks", lambda columns, records: chunks_of(columns, records, chunk_rows=2))
    coordinator = world["coordinators"]["national"]
    login(coordinator)
    response = client.get("/coordinator/export/deelnemers.csv?jaar=2026")
    assert response.is_streamed
    stream = iter(response.response)
    header, first_rows, second_rows = next(stream), next(stream), next(stream)  # the header, rows 1-2, rows 3-4
    response.close()  # the client goes away while rows 3-4 are on their way
    [event] = export_events()
    sent = header + first_rows  # the server asked for more after these: they were written out
    assert event.details["complete"] is False
    assert event.details["rows"] == 2 and event.details["bytes"] == len(sent)
    assert event.details["sha256"] == hashlib.sha256(sent).hexdigest()
    assert event.actor_id == coordinator.id and event.details["filter"] == {"year": 2026}
    assert second_rows and second_rows not in sent
    listing = client.get("/coordinator/exports").get_data(as_text=True)
    assert "afgebroken" in listing and "Dan is die download niet helemaal gelukt." in listing
    detail = client.get(f"/coordinator/exports/{event.id}").get_data(as_text=True)
    assert "Afgebroken: deze download is niet helemaal gelukt." in detail


def test_csv_download_read_to_the_end_is_recorded_as_complete(world, client, login):
    login(world["coordinators"]["national"])
    body = client.get("/coordinator/export/samenvatting.csv").get_data()
    [event] = export_events()
    assert event.details["complete"] is True and event.details["bytes"] == len(body)
    assert "afgebroken" not in client.get("/coordinator/exports").get_data(as_text=True)


def test_pdfs_without_truetype_fonts_fall_back_to_helvetica(world, client, login, monkeypatch, tmp_path):
    """A server without the TTF fonts still delivers the verantwoording and the certificate ZIP, in
    Helvetica, like the learner's own documents (one font lookup: core.pdf.FONT_DIRS)."""
    monkeypatch.setattr(pdf, "FONT_DIRS", (str(tmp_path / "no-fonts-here"),))
    monkeypatch.delenv("EBW_FONT_DIR", raising=False)
    login(world["coordinators"]["amsterdam"])
    response = client.get("/coordinator/export/verantwoording.pdf?jaar=2026")
    data = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert pdf_fonts(data) <= {"Helvetica", "Helvetica-Bold"}
    text = " ".join(pdf_text(data)[1])
    assert "Amsterdam (GM0363)" in text and "Daan de Vries" in text and "EBW-AAAA-1111" in text
    response = client.get("/coordinator/certificaten/GM0363/2026.zip")
    data = response.get_data()
    response.close()
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(data))
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert len(pdfs) == 3
    for name in pdfs:
        certificate = archive.read(name)
        assert pdf_fonts(certificate) <= {"Helvetica", "Helvetica-Bold"}
        assert name.split("_")[0] in " ".join(pdf_text(certificate)[1])
    assert [e.details["format"] for e in export_events()] == ["pdf", "zip"]


def test_certificates_in_the_zip_are_the_learners_own_download(world, client, login):
    enrollment = world["enrollments"]["ams_done@ams2026"]
    login(enrollment.user)
    own = client.get("/certificaat.pdf")
    assert own.status_code == 200
    own_text = pdf_text(own.get_data())[1]
    client.post("/logout")
    login(world["coordinators"]["amsterdam"])
    response = client.get("/coordinator/certificaten/GM0363/2026.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    [name] = [n for n in archive.namelist() if n.startswith("EBW-AAAA-1111_")]
    zipped_text = pdf_text(archive.read(name))[1]
    assert zipped_text == own_text
    assert "http://localhost/verify/EBW-AAAA-1111" in " ".join(zipped_text)
    # One builder: the reporting package has no certificate layout of its own any more.
    assert not hasattr(exports, "basic_certificate_pdf")
    assert not hasattr(export_audit, "default_certificate_renderer")


def test_export_lists_show_status_labels_and_plain_words(world, client, login):
    """Statuses as words, not codes; no command-line jargon; B1 text about the checksum."""
    export_audit.record_export(kind="completions", fmt="csv", scope=Scope(),
                           filters=ReportFilter(year=2026, status="niet_gestart"), rows=2, sha256="ab" * 32,
                           size=100, filename="ebw-deelnemers.csv", actor_id=None, via="cli")
    login(world["coordinators"]["admin"])
    listing = client.get("/coordinator/exports").get_data(as_text=True)
    assert "status niet gestart" in listing and "niet_gestart" not in listing
    assert "opdrachtregel" not in listing and "technisch beheer" in listing
    assert "Bij elke export staat een controlegetal. Daarmee kun je later laten zien welk bestand je gebruikte." \
        in listing
    assert "de SHA-256-controlegetal" not in listing and "sha256sum of certutil" not in listing
    assert "<details" in listing and "certutil -hashfile" in listing  # the technical note, folded away
    [event] = export_events()
    detail = client.get(f"/coordinator/exports/{event.id}").get_data(as_text=True)
    assert "status niet gestart" in detail and "niet_gestart" not in detail
    assert "opdrachtregel" not in detail and "technisch beheer, voor alle gemeenten" in detail


def test_csv_download_has_one_charset(client, app_ctx):
    from ebw_training.extensions import db
    from tests.factories import make_user

    user = make_user("coordinator")
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": "Test-wachtwoord-voor-tests"})
    response = client.get("/coordinator/export/deelnemers.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    response.close()
