"""The coordinator pages and web downloads: filters, charts, streaming, audit, earlier exports."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest
from sqlalchemy import select

from ebw_training.admin.models import AuditEvent
from ebw_training.extensions import db

from ..factories import make_cohort, make_enrollment, make_learner, make_user, set_enrollment_progress
from .conftest import AMSTERDAM
from .readers import CONTRACT_COLUMNS, pdf_text, read_csv, read_xlsx


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
