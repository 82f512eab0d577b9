"""Reminders: written from a template, previewed, sent over real SMTP (or to the outbox), logged and throttled."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from ebw_training.accounts.models import MailMessage
from ebw_training.cohorts.models import Reminder
from ebw_training.extensions import db
from ebw_training.timeutil import local_date, utcnow

from ..factories import TEST_PASSWORD, make_cohort, make_enrollment, make_learner, make_user
from .data import bulk_cohort, complete_module, read_all_pages, trainer_cohort


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp_server(app_ctx):
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks readiness by connecting, so 0 will not do)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    config = app_ctx.config
    saved = {key: config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL")}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                  MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    yield inbox
    config.update(saved)
    controller.stop()


def _cohort_with_two_learners():
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    anna = make_enrollment(make_learner(name="Anna de Vries", email="anna@example.nl"), cohort)
    bram = make_enrollment(make_learner(name="Bram Jansen", email="bram@example.nl"), cohort)
    complete_module(anna, "lokale-aanpak")
    read_all_pages(bram, "veranderingstheorie")
    db.session.commit()
    return trainer, cohort, anna, bram


def _decoded(raw: str) -> str:
    import email

    message = email.message_from_string(raw)
    return message.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")


def test_reminders_go_over_smtp_each_with_only_their_own_data(client, login, smtp_server):
    trainer, cohort, anna, bram = _cohort_with_two_learners()
    login(trainer)
    url = f"/trainer/groepen/{cohort.id}/herinneringen"
    template = "Hoi {voornaam},\n\nNog te doen:\n{nog_te_doen}\n\nDe groep stopt op {einddatum}."
    preview = client.post(url, data={"deelnemer": [anna.id, bram.id], "template": template, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Voorbeeld: de mail aan Anna de Vries" in html and "Hoi Anna," in html and "15 december 2026" in html
    assert not smtp_server.messages and db.session.scalar(select(Reminder.id)) is None  # a preview sends nothing
    response = client.post(url, data={"deelnemer": [anna.id, bram.id], "template": template, "send": "1"})
    assert response.status_code == 302
    assert sorted(rcpt[0] for rcpt, _raw in smtp_server.messages) == ["anna@example.nl", "bram@example.nl"]
    bodies = {rcpt[0]: _decoded(raw) for rcpt, raw in smtp_server.messages}
    anna_body, bram_body = bodies["anna@example.nl"], bodies["bram@example.nl"]
    assert anna_body.startswith("Hoi Anna,") and "15 december 2026" in anna_body
    # Anna finished module 2, Bram read the pages of module 3: each mail lists only their own open parts.
    assert "- De lokale aanpak als geheel" not in anna_body and "- De lokale aanpak als geheel" in bram_body
    assert "- Veranderingstheorie en SMART-doelen: de toets halen, de oefening maken en inleveren\n" in bram_body
    assert ("- Veranderingstheorie en SMART-doelen: de pagina's lezen, de toets halen, de oefening maken en "
            "inleveren\n") in anna_body
    assert "Bram" not in anna_body and "Anna" not in bram_body
    assert db.session.scalar(select(MailMessage.transport).where(MailMessage.recipient == "anna@example.nl")) == "smtp"
    assert len(db.session.scalars(select(Reminder)).all()) == 2
    # The learner's row on the cohort page and in the matrix says when.
    today = local_date(utcnow()).strftime("%d-%m-%Y")  # pages show Dutch dates (after 23:00 UTC it is tomorrow)
    assert f"herinnerd op {today}" in client.get(f"/trainer/groepen/{cohort.id}").get_data(as_text=True)
    assert f"herinnerd op {today}" in client.get(f"/trainer/groepen/{cohort.id}/matrix").get_data(as_text=True)


def test_the_same_learner_is_not_reminded_twice_within_the_pause(client, login, app_ctx):
    trainer, cohort, anna, bram = _cohort_with_two_learners()
    login(trainer)
    url = f"/trainer/groepen/{cohort.id}/herinneringen"
    data = {"deelnemer": [anna.id], "template": "Beste {voornaam}", "send": "1"}
    client.post(url, data=data)
    again = client.post(url, data={**data, "deelnemer": [anna.id, bram.id]}, follow_redirects=True)
    assert "Niet opnieuw verstuurd aan Anna de Vries" in again.get_data(as_text=True)
    recipients = db.session.scalars(select(MailMessage.recipient).order_by(MailMessage.id)).all()
    assert recipients == ["anna@example.nl", "bram@example.nl"]  # into the outbox: no SMTP server configured
    # After the pause (7 days by default) Anna can be reminded again.
    for reminder in db.session.scalars(select(Reminder)):
        reminder.sent_at = utcnow() - timedelta(days=8)
    db.session.commit()
    client.post(url, data=data)
    assert db.session.scalars(select(MailMessage.recipient)).all().count("anna@example.nl") == 2


def test_bad_template_is_refused_at_the_field_and_kept(client, login):
    trainer, cohort, anna, _bram = _cohort_with_two_learners()
    login(trainer)
    url = f"/trainer/groepen/{cohort.id}/herinneringen"
    response = client.post(url, data={"deelnemer": [anna.id], "template": "Hoi {naam}", "send": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Onbekende invulplek {naam}" in html and "Hoi {naam}</textarea>" in html
    response = client.post(url, data={"template": "Hoi {voornaam}", "preview": "1"})
    assert response.status_code == 400 and "Kies minstens één deelnemer." in response.get_data(as_text=True)
    assert db.session.scalar(select(MailMessage.id)) is None


def test_learners_of_another_cohort_cannot_be_reminded(app_ctx, client, login):
    trainer, cohort, anna, _bram = _cohort_with_two_learners()
    stranger = make_enrollment(make_learner(email="stranger@example.nl"), make_cohort())
    other_trainer = make_user("trainer")
    db.session.commit()
    login(trainer)
    url = f"/trainer/groepen/{cohort.id}/herinneringen"
    client.post(url, data={"deelnemer": [anna.id, stranger.id], "template": "Hoi {voornaam}", "send": "1"})
    assert db.session.scalars(select(MailMessage.recipient)).all() == ["anna@example.nl"]
    other = app_ctx.test_client()
    other.post("/login", data={"email": other_trainer.email, "password": TEST_PASSWORD})
    assert other.get(url).status_code == 404
    assert other.post(url, data={"deelnemer": [anna.id], "template": "x", "send": "1"}).status_code == 404
    assert other.post(url + "/instellingen", data={"inactivity_days": "3"}).status_code == 404


def test_inactivity_threshold_is_set_per_cohort(client, login):
    trainer, cohort, anna, bram = _cohort_with_two_learners()
    anna.last_active_at = utcnow() - timedelta(days=5)
    db.session.commit()
    login(trainer)
    page = client.get(f"/trainer/groepen/{cohort.id}").get_data(as_text=True)
    assert "Al 5 dagen niet actief" not in page
    url = f"/trainer/groepen/{cohort.id}/herinneringen/instellingen"
    bad = client.post(url, data={"inactivity_days": "twee", "reminder_pause_days": "7"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Kies een aantal dagen tussen 1 en 365." in html and 'value="twee"' in html
    assert client.post(url, data={"inactivity_days": "3", "reminder_pause_days": "7"}).status_code == 302
    page = client.get(f"/trainer/groepen/{cohort.id}").get_data(as_text=True)
    assert "Al 5 dagen niet actief" in page
    # The attention list preselects her for a reminder.
    compose = client.get(f"/trainer/groepen/{cohort.id}/herinneringen?aandacht=1").get_data(as_text=True)
    assert re.search(rf'value="{anna.id}" id="deelnemer-{anna.id}" checked', compose)
    assert not re.search(rf'value="{bram.id}" id="deelnemer-{bram.id}" checked', compose)


def test_reminder_page_query_count_is_the_same_for_10_and_1000_learners(client, login, count_queries):
    cohort = trainer_cohort(login, learners=10, attempts=0)
    url = f"/trainer/groepen/{cohort.id}/herinneringen?aandacht=1"
    with count_queries() as small:
        assert client.get(url).status_code == 200
    bulk_cohort(cohort, 990, offset=10)
    url = f"/trainer/groepen/{cohort.id}/herinneringen?aandacht=1"
    with count_queries() as large:
        response = client.get(url)
    assert response.get_data(as_text=True).count('name="deelnemer"') == 1000
    assert small.count == large.count
