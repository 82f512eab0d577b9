"""The pages of confirmed registration, the sessions page and the masked outbox: they work in a real
browser and axe finds nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ebw_training.accounts.models import MailMessage
from ebw_training.cohorts.models import Cohort
from ebw_training.extensions import db

pytestmark = pytest.mark.browser


def _query(app, statement):
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
    return value


def test_register_confirm_and_see_sessions(app, page, live_server, assert_no_axe_violations):
    code = _query(app, select(Cohort.enrolment_code))
    page.goto(live_server + "/register")
    page.fill("#enrolment_code", code)
    page.fill("#name", "Jan Jansen")
    page.fill("#email", "jan.browser@gemeente.nl")
    page.select_option("#municipality", "GM0599")
    page.select_option("#job_domain", "oov")
    page.fill("#password", "lange zin met een fiets erin")
    page.check("#privacy")
    page.click("main [type=submit]")
    assert page.locator("h1").inner_text() == "Kijk in je mail"
    assert_no_axe_violations(page)
    body = _query(app, select(MailMessage.body).where(MailMessage.recipient == "jan.browser@gemeente.nl"))
    link = re.search(r"http://localhost(/registratie-bevestigen/\S+)", body).group(1)
    page.goto(live_server + link)
    assert_no_axe_violations(page)
    page.click("main [type=submit]")
    assert page.url.endswith("/modules")
    page.goto(live_server + link)
    assert "werkt niet meer" in page.locator("h1").inner_text()
    assert_no_axe_violations(page)
    page.goto(live_server + "/account/sessies")
    assert "dit apparaat" in page.locator("main").inner_text()
    assert_no_axe_violations(page)


def test_outbox_message_with_a_masked_link(app, page, live_server, login_as, assert_no_axe_violations):
    login_as(page, "admin@ebw.example.nl")
    page.goto(live_server + "/admin/gebruikers/nieuw")
    page.fill("#name", "Tineke Trainer")
    page.fill("#email", "tineke@ror.nl")
    page.select_option("#role", "trainer")
    page.click("main [type=submit]")
    message_id = _query(app, select(MailMessage.id).where(MailMessage.recipient == "tineke@ror.nl"))
    page.goto(f"{live_server}/admin/mail/{message_id}")
    assert "[verborgen]" in page.locator("pre").inner_text()
    assert_no_axe_violations(page)
    page.click("text=Opnieuw versturen")
    assert "opnieuw verstuurd" in page.locator("main").inner_text()
