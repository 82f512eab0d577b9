"""Learners' rights in Chromium: Mijn gegevens with its ZIP, the removal request and the admin's list, accessible."""

from __future__ import annotations

import io
import zipfile

import pytest

pytestmark = pytest.mark.browser


def test_own_data_and_removal_request_pages(page, live_server, login_as, assert_no_axe_violations):
    login_as(page, "deelnemer.amstelveen@ebw.example.nl")
    page.goto(live_server + "/mijn-gegevens")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.click("text=Download al je gegevens (ZIP)")
    with open(download.value.path(), "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert "gegevens.json" in names and "LEESMIJ.txt" in names
    page.click("text=Vraag om je account te verwijderen")
    assert_no_axe_violations(page)
    page.click("main button[type=submit]")  # without ticking the box: the error at the field
    error = page.locator("#confirm-error")
    assert error.is_visible() and "Vink dit aan" in error.inner_text()
    assert page.locator("#confirm").get_attribute("aria-describedby") == "confirm-error"
    assert_no_axe_violations(page)
    page.check("#confirm")
    page.click("main button[type=submit]")
    assert page.locator("text=Verzoek intrekken").is_visible()
    assert_no_axe_violations(page)


def test_admin_removal_requests_page(page, live_server, login_as, assert_no_axe_violations):
    login_as(page, "deelnemer.diemen@ebw.example.nl")
    page.goto(live_server + "/mijn-gegevens/verwijderen")
    page.check("#confirm")
    page.click("main button[type=submit]")
    page.context.clear_cookies()
    login_as(page, "admin@ebw.example.nl")
    page.goto(live_server + "/admin/verwijderverzoeken")
    assert page.locator("tbody tr").count() == 1 and "Sanne Bakker" in page.locator("tbody tr").inner_text()
    assert_no_axe_violations(page)
    page.click("tbody button[type=submit]")
    page.wait_for_selector("text=Het account is verwijderd.")
    assert page.locator("text=Er zijn geen open verzoeken.").is_visible()
    assert_no_axe_violations(page)
