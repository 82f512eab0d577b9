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


def test_video_player_events_reach_the_xapi_outbox(app, page, live_server, login_as):
    import time

    from sqlalchemy import select

    from ebw_training.content import EXTENSION_KEY
    from ebw_training.extensions import db
    from ebw_training.interop.models import XapiStatement

    course = app.extensions[EXTENSION_KEY]
    module = next(m for m in course.modules if m.video is not None and not m.video.external_url)
    login_as(page, "deelnemer@ebw.example.nl")
    page.goto(f"{live_server}/modules/{module.slug}/video")
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    page.locator("video#lesvideo").evaluate("v => { v.muted = true; v.currentTime = 5; return v.play(); }")
    page.wait_for_timeout(1500)
    page.locator("video#lesvideo").evaluate("v => v.pause()")

    def video_verbs() -> list[dict]:
        with app.app_context():
            rows = db.session.scalars(select(XapiStatement).order_by(XapiStatement.created_at)).all()
            found = [r.statement for r in rows if r.statement["object"]["id"].endswith("/video")]
            db.session.remove()
        return found

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and {"played", "paused"} - {s["verb"]["id"].rsplit("/", 1)[1]
                                                                  for s in video_verbs()}:
        time.sleep(0.3)
    statements = video_verbs()
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    assert {"initialized", "seeked", "played", "paused"} <= set(verbs)
    sessions = {s["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"] for s in statements}
    assert len(sessions) == 1  # one page view, one session
