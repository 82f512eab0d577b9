"""The municipal demo coordinator filters the report and downloads CSV and XLSX that open; axe finds nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from ebw_training.accounts.services import get_user_by_email
from ebw_training.cohorts.models import Enrollment
from ebw_training.extensions import db

from ..factories import set_enrollment_progress
from ..reporting.readers import CONTRACT_COLUMNS, read_csv, read_xlsx

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator.amsterdam@ebw.example.nl"


@pytest.fixture
def progress(app, live_server):
    """Give the demo learners some progress: Daan completed (with a certificate), Fatima is busy."""
    with app.app_context():
        daan = get_user_by_email("deelnemer@ebw.example.nl")
        fatima = get_user_by_email("deelnemer.amstelveen@ebw.example.nl")
        for user, done in ((daan, True), (fatima, False)):
            enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
            set_enrollment_progress(
                enrollment, started_at=datetime(2026, 9, 2, 9), modules_completed=8 if done else 3, modules_total=8,
                quiz_average=84.0, exercises_submitted=8 if done else 2, contact_hours_attended="6",
                study_hours="12.5" if done else "4.5", completed_at=datetime(2026, 11, 2, 9) if done else None,
                certificate_code="EBW-DEMO-2026" if done else None)
        db.session.commit()
        db.session.remove()
    return live_server


def _download(page, link_name: str, tmp_path: Path) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_municipal_coordinator_filters_and_downloads(page, progress, login_as, assert_no_axe_violations, tmp_path):
    live_server = progress
    login_as(page, COORDINATOR)
    assert page.url == live_server + "/coordinator/"
    assert_no_axe_violations(page)

    page.select_option("#jaar", "2026")
    page.select_option("#status", "afgerond")
    with page.expect_navigation():
        page.get_by_role("button", name="Toon overzicht").click()
    assert "jaar=2026" in page.url and "status=afgerond" in page.url
    listing = page.locator("table.enrolment-table tbody")
    assert listing.get_by_text("Daan de Vries").count() == 1
    assert listing.get_by_text("Fatima El Amrani").count() == 0
    assert page.locator("figure svg[role=img]").count() == 2
    assert_no_axe_violations(page)

    name, data = _download(page, "Deelnemers als CSV", tmp_path)
    assert name.endswith(".csv")
    header, rows = read_csv(data)
    assert header == CONTRACT_COLUMNS
    assert [(r["naam"], r["status"], r["certificaatcode"]) for r in rows] == [
        ("Daan de Vries", "afgerond", "EBW-DEMO-2026")]
    csv_hash = hashlib.sha256(data).hexdigest()

    name, data = _download(page, "Deelnemers als Excel (XLSX)", tmp_path)
    assert name.endswith(".xlsx")
    sheet, header, cells = read_xlsx(data)
    assert header == CONTRACT_COLUMNS and sheet.freeze_panes == "A2"
    assert [c.value for c in cells[0]][header.index("naam")] == "Daan de Vries"
    xlsx_hash = hashlib.sha256(data).hexdigest()

    page.get_by_role("link", name="Alle eerdere exports met controlegetallen").click()
    page.wait_for_url("**/coordinator/exports")
    text = page.locator("main").inner_text()
    assert csv_hash in text and xlsx_hash in text
    assert_no_axe_violations(page)


def test_report_pages_are_accessible_for_the_national_coordinator(page, progress, login_as, assert_no_axe_violations):
    live_server = progress
    login_as(page, "coordinator@ebw.example.nl")
    page.goto(live_server + "/coordinator/?jaar=2026&gemeente=GM0363")
    assert page.get_by_role("link", name="Verantwoordingsoverzicht (PDF)").count() == 1
    assert_no_axe_violations(page)
    page.goto(live_server + "/coordinator/?jaar=nee")  # a wrong value: the error summary and field message
    assert page.locator("#jaar-error").count() == 1
    assert_no_axe_violations(page)
