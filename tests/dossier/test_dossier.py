"""The learner's intervention, carried answers, the evaluation dossier and the plan evaluation with two assessors.

These tests run on the shipped course: module 3 (theory of change), 4 (plan evaluation checklist with two
assessors) and 5 (process evaluation plan) build on each other through `from` in their exercise files.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from ebw_training.accounts.models import MailMessage
from ebw_training.content import get_course
from ebw_training.dossier.models import PeerReview, PlanAgreement
from ebw_training.extensions import db
from ebw_training.learning.models import ExerciseAnswer
from ebw_training.timeutil import utcnow

from ..factories import TEST_PASSWORD, make_cohort, make_enrollment, make_user
from ..test_mail import smtp_server  # noqa: F401  (a real SMTP server for the invitation)

INTERVENTION = {"name": "Training weerbaar opvoeden", "goal": "Ouders voelen zich sterker in gesprekken.",
                "target_group": "Ouders van tieners in twee wijken", "carried_out_by": "Jongerenwerk en een trainer",
                "phase": "plan"}


def module_with(exercise_name: str):
    return next(m for m in get_course().modules if m.exercise is not None and m.exercise.name == exercise_name)


THEORY, CHECKLIST, PROCESS = "format-veranderingstheorie", "checklist-onderbouwde-interventie", \
    "evaluatieplan-procesevaluatie"


def format_form(exercise, texts: dict[str, str] | None = None) -> dict[str, str]:
    texts = texts or {}
    return {f"item-{i.id}-text": texts.get(i.id, f"Antwoord bij {i.id}.") for i in exercise.items}


def checklist_form(exercise, scale: str = "ja", overrides: dict[str, str] | None = None) -> dict[str, str]:
    form = {}
    for item in exercise.items:
        form[f"item-{item.id}-scale"] = (overrides or {}).get(item.id, scale)
        form[f"item-{item.id}-explanation"] = f"Toelichting bij {item.id}."
    return form


@pytest.fixture
def learner(client, login):
    trainer = make_user("trainer", email="trainer-dossier@example.nl")
    enrollment = make_enrollment(cohort=make_cohort("Groep Dossier", trainers=[trainer]), name="Fatima de Vries")
    db.session.commit()
    login(enrollment.user)
    return enrollment


def client_for(app, user):
    """A second browser: its own cookies, logged in as `user` through the login form."""
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    return other


def describe(client, **changes):
    data = dict(INTERVENTION, **changes)
    response = client.post("/mijn-interventie", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def hand_in(client, exercise_name: str, form: dict):
    module = module_with(exercise_name)
    response = client.post(f"/modules/{module.slug}/oefening", data=dict(form, action="submit"))
    assert response.status_code == 303
    row = db.session.scalar(select(ExerciseAnswer).where(ExerciseAnswer.exercise == exercise_name)
                            .execution_options(populate_existing=True))
    assert row.status == "submitted", row.answers
    return row


# ------------------------------------------------------------------------------------------------ intervention


def test_the_intervention_form_keeps_input_and_says_what_is_missing(client, learner):
    response = client.post("/mijn-interventie", data={"name": "Netwerk sleutelfiguren", "goal": "",
                                                      "target_group": "", "carried_out_by": "", "phase": "weg"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Netwerk sleutelfiguren"' in html
    assert "Dit veld is verplicht." in html
    describe(client)
    assert "Training weerbaar opvoeden" in client.get("/mijn-dossier").get_data(as_text=True)


def test_the_first_exercise_that_needs_it_asks_for_the_description(client, learner):
    module = module_with(THEORY)
    html = client.get(f"/modules/{module.slug}/oefening").get_data(as_text=True)
    assert "Beschrijf je interventie" in html and "/mijn-interventie?next=" in html
    describe(client)
    html = client.get(f"/modules/{module.slug}/oefening").get_data(as_text=True)
    assert "Training weerbaar opvoeden" in html and "Beschrijving wijzigen" in html


# ------------------------------------------------------------------------------------------------ carry forward


def test_later_exercises_show_and_prefill_earlier_answers(client, learner):
    describe(client)
    theory = get_course().exercises[THEORY]
    hand_in(client, THEORY, format_form(theory, {"aannames": "Als ouders oefenen, dan praten ze makkelijker.",
                                                 "interventie": "Zes bijeenkomsten voor ouders."}))
    checklist = module_with(CHECKLIST)
    html = client.get(f"/modules/{checklist.slug}/oefening").get_data(as_text=True)
    assert "Je eerdere antwoord" in html
    assert "Als ouders oefenen, dan praten ze makkelijker." in html  # theory of change -> plan evaluation
    process = module_with(PROCESS)
    html = client.get(f"/modules/{process.slug}/oefening").get_data(as_text=True)
    textarea = re.search(r'<textarea id="item-interventie-en-doel-text"[^>]*>([^<]*)</textarea>', html).group(1)
    assert textarea == "Zes bijeenkomsten voor ouders."  # one source: the starting answer is filled in
    indicators = re.search(r'<textarea id="item-indicatoren-text"[^>]*>([^<]*)</textarea>', html).group(1)
    assert indicators == ""  # two sources: shown above the field, not merged into it
    assert "Antwoord bij output." in html


def test_a_handed_in_exercise_keeps_the_description_it_was_handed_in_with(client, learner):
    describe(client)
    theory = get_course().exercises[THEORY]
    row = hand_in(client, THEORY, format_form(theory))
    assert row.intervention["name"] == "Training weerbaar opvoeden"
    describe(client, name="Netwerk sleutelfiguren", phase="loopt")
    db.session.refresh(row)
    assert row.intervention["name"] == "Training weerbaar opvoeden"
    html = client.get(f"/modules/{module_with(THEORY).slug}/oefening").get_data(as_text=True)
    assert "Training weerbaar opvoeden" in html and "Netwerk sleutelfiguren" not in html
    assert "Zo stond de beschrijving er toen je deze oefening inleverde." in html
    # An exercise not yet handed in shows the current description.
    html = client.get(f"/modules/{module_with(PROCESS).slug}/oefening").get_data(as_text=True)
    assert "Netwerk sleutelfiguren" in html
    text = re.sub(r"\s+", " ", _pdf_text(client.get("/mijn-dossier.pdf").data))
    assert "Naam toen: Training weerbaar opvoeden" in text


# ------------------------------------------------------------------------------------------------ the dossier


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_dossier_reads_back_from_pdf_and_docx(client, learner):
    describe(client)
    theory = get_course().exercises[THEORY]
    hand_in(client, THEORY, format_form(theory, {"probleem-en-oorzaken": "Ouders weten niet waar ze terechtkunnen."}))
    course = get_course()
    for data in (client.get("/mijn-dossier.pdf").data, client.get("/mijn-dossier.docx").data):
        text = _pdf_text(data) if data[:4] == b"%PDF" else _docx_text(data)
        squashed = re.sub(r"\s+", " ", text)
        for expected in ("Mijn evaluatiedossier", "Training weerbaar opvoeden", "Fatima de Vries", "Groep Dossier",
                         "Inhoud", "Beschrijving van de interventie", "Ouders van tieners in twee wijken",
                         "Ouders weten niet waar ze terechtkunnen.", "Bijlage: bronnen en verder lezen",
                         "socialestabiliteit.nl", course.version[:12], "Nog open: nog niet aan begonnen."):
            assert expected in squashed, expected
        # Every exercise, in course order.
        positions = [squashed.find(m.exercise.title) for m in course.modules if m.exercise is not None]
        assert all(p >= 0 for p in positions) and positions == sorted(positions)
    reader = PdfReader(io.BytesIO(client.get("/mijn-dossier.pdf").data))
    assert [item.title for item in reader.outline] == (
        ["Beschrijving van de interventie"] + [m.exercise.title for m in course.modules if m.exercise is not None]
        + ["Bijlage: bronnen en verder lezen"])


def test_the_trainer_opens_the_dossier_of_their_own_cohorts_only(app, client, learner):
    describe(client)
    trainer = learner.cohort.trainers[0]
    other = make_user("trainer", email="andere-trainer@example.nl")
    make_cohort("Andere groep", trainers=[other])
    db.session.commit()
    url = f"/trainer/groepen/{learner.cohort_id}/deelnemers/{learner.id}/dossier.pdf"
    trainer_client = client_for(app, trainer)
    assert f'href="{url}"' in trainer_client.get(f"/trainer/groepen/{learner.cohort_id}").get_data(as_text=True)
    response = trainer_client.get(url)
    assert response.status_code == 200 and "Training weerbaar opvoeden" in _pdf_text(response.data)
    assert trainer_client.get(url.replace(".pdf", ".docx")).status_code == 200
    assert client_for(app, other).get(url).status_code == 404


# ------------------------------------------------------------------------------------------------ two assessors


def _invite(client, email="collega@example.nl") -> str:
    slug = module_with(CHECKLIST).slug
    response = client.post(f"/modules/{slug}/tweede-beoordelaar", data={"email": email})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    mail = db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first()
    assert mail.recipient == email
    return mail.body


def _links(body: str) -> tuple[str, str]:
    answer = re.search(r"https?://[^/\s]+(/collega/[A-Za-z0-9_\-]+)\s", body).group(1)
    withdraw = re.search(r"https?://[^/\s]+(/collega/[A-Za-z0-9_\-]+/intrekken)", body).group(1)
    return answer, withdraw


def test_inviting_needs_a_description_and_a_valid_address(client, learner):
    slug = module_with(CHECKLIST).slug
    response = client.post(f"/modules/{slug}/tweede-beoordelaar", data={"email": "collega@example.nl"})
    assert response.status_code == 400 and "Beschrijf eerst je interventie" in response.get_data(as_text=True)
    describe(client)
    response = client.post(f"/modules/{slug}/tweede-beoordelaar", data={"email": "geen-adres"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Vul een geldig e-mailadres in" in html and 'value="geen-adres"' in html
    assert db.session.scalar(select(PeerReview)) is None


def test_the_colleague_answers_once_and_the_learner_compares_and_agrees(app, client, learner):
    describe(client)
    checklist = get_course().exercises[CHECKLIST]
    hand_in(client, CHECKLIST, checklist_form(checklist, overrides={"draagvlak": "deels"}))
    body = _invite(client)
    assert "Wat bewaren we?" in body and "intrekken" in body and "radicaliseren" in body
    answer_link, _withdraw = _links(body)
    assert db.session.scalar(select(PeerReview)).token_hash not in body  # only the hash is stored

    colleague = app.test_client()
    html = colleague.get(answer_link).get_data(as_text=True)
    assert "Training weerbaar opvoeden" in html and "radicaliseren" in html and "Wat bewaren we?" in html
    assert "Je eerdere antwoord" not in html and "Toelichting bij" not in html  # only description and checklist
    incomplete = colleague.post(answer_link, data={"item-draagvlak-scale": "nee"})
    assert incomplete.status_code == 400 and 'value="nee" checked' in incomplete.get_data(as_text=True)
    answers = checklist_form(checklist, overrides={"draagvlak": "nee", "doelgroep-bereik": "nee"})
    thanks = colleague.post(answer_link, data=answers)
    assert thanks.status_code == 200 and "/intrekken" in thanks.get_data(as_text=True)
    assert colleague.get(answer_link).status_code == 410  # single use
    assert colleague.post(answer_link, data=answers).status_code == 410

    slug = module_with(CHECKLIST).slug
    html = client.get(f"/modules/{slug}/tweede-beoordelaar").get_data(as_text=True)
    order = [m for m in re.findall(r'id="vergelijk-([a-z0-9-]+)"', html)]
    assert order[:2] == ["doelgroep-bereik", "draagvlak"]  # the items where they differ come first
    assert order[2:] == [i.id for i in checklist.items if i.id not in ("doelgroep-bereik", "draagvlak")]
    first_same = order[2]
    assert re.search(rf'id="agreed-{first_same}-1" name="agreed-{first_same}-scale" value="ja" checked', html)
    assert not re.search(r'id="agreed-draagvlak-\d" name="agreed-draagvlak-scale" value="[^"]+" checked', html)
    review = db.session.scalar(select(PeerReview))
    response = client.post(f"/modules/{slug}/tweede-beoordelaar/afspraken", data={
        "review": review.id, "agreed-draagvlak-scale": "nee",
        "agreed-draagvlak-agreements": "De uitvoerder vraagt het collegebesluit op."})
    assert response.status_code == 303
    agreement = db.session.scalar(select(PlanAgreement))
    assert agreement.items["draagvlak"] == {"scale": "nee", "agreements": "De uitvoerder vraagt het collegebesluit op."}
    text = re.sub(r"\s+", " ", _pdf_text(client.get("/mijn-dossier.pdf").data))
    assert "Samen met de tweede beoordelaar afgesproken" in text
    assert "Samen gekozen: nee. Afspraken: De uitvoerder vraagt het collegebesluit op." in text
    assert "Nog open: nog geen gezamenlijk antwoord." in text


def test_an_expired_or_unknown_link_is_refused(app, client, learner):
    describe(client)
    answer_link, _withdraw = _links(_invite(client))
    review = db.session.scalar(select(PeerReview))
    review.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    colleague = app.test_client()
    response = colleague.get(answer_link)
    assert response.status_code == 410 and "verlopen" in response.get_data(as_text=True)
    assert colleague.get("/collega/iets-anders").status_code == 404


def test_the_invitation_lasts_the_configured_number_of_days(app, client, learner):
    app.config["EBW_PEER_INVITE_DAYS"] = 3
    try:
        describe(client)
        _invite(client)
    finally:
        app.config["EBW_PEER_INVITE_DAYS"] = 14
    review = db.session.scalar(select(PeerReview))
    assert timedelta(days=2, hours=23) < review.expires_at - review.created_at <= timedelta(days=3)


def test_another_learners_assessment_and_own_link_are_refused(app, client, learner):
    describe(client)
    answer_link, _withdraw = _links(_invite(client))
    assert client.get(answer_link).status_code == 403  # the learner cannot answer in the colleague's place
    slug = module_with(CHECKLIST).slug
    review = db.session.scalar(select(PeerReview))
    other = make_enrollment(cohort=learner.cohort)
    db.session.commit()
    client = client_for(app, other.user)
    response = client.post(f"/modules/{slug}/tweede-beoordelaar/afspraken",
                           data={"review": review.id, "agreed-draagvlak-scale": "ja"})
    assert response.status_code == 404
    assert db.session.scalar(select(PlanAgreement)) is None
    assert "Vergelijken en afspreken" not in client.get(f"/modules/{slug}/tweede-beoordelaar").get_data(as_text=True)


def test_the_colleague_withdraws_their_answers(app, client, learner):
    describe(client)
    checklist = get_course().exercises[CHECKLIST]
    answer_link, withdraw_link = _links(_invite(client))
    colleague = app.test_client()
    colleague.post(answer_link, data=checklist_form(checklist, "nee"))
    assert colleague.get(withdraw_link).status_code == 200
    html = colleague.post(withdraw_link).get_data(as_text=True)
    assert "Je antwoorden zijn verwijderd." in html
    review = db.session.scalar(select(PeerReview).execution_options(populate_existing=True))
    assert review.answers is None and review.intervention is None and review.withdrawn_at is not None
    # The sent invitation, the only place with the colleague's address, is gone too.
    assert db.session.scalar(select(MailMessage).where(MailMessage.recipient == "collega@example.nl")) is None
    html = client.get(f"/modules/{module_with(CHECKLIST).slug}/tweede-beoordelaar").get_data(as_text=True)
    assert "ingetrokken" in html and "Vergelijken en afspreken" not in html
    assert colleague.get(answer_link).status_code == 410


def test_retention_removes_the_intervention_and_the_colleagues_answers(app, client, learner):
    from ebw_training.admin.retention import anonymise
    from ebw_training.learning.models import Intervention

    describe(client)
    checklist = get_course().exercises[CHECKLIST]
    answer_link, _withdraw = _links(_invite(client))
    app.test_client().post(answer_link, data=checklist_form(checklist, "nee"))
    anonymise(learner.user)
    db.session.commit()
    for model in (Intervention, PeerReview, PlanAgreement):
        assert db.session.scalar(select(model)) is None


def test_the_invitation_goes_over_smtp_and_the_kept_copy_hides_the_links(app, client, learner, smtp_server):  # noqa: F811
    from email import message_from_bytes

    describe(client)
    slug = module_with(CHECKLIST).slug
    assert client.post(f"/modules/{slug}/tweede-beoordelaar", data={"email": "collega@example.nl"}).status_code == 303
    assert len(smtp_server.messages) == 1
    received = message_from_bytes(smtp_server.messages[0])
    assert received["To"] == "collega@example.nl"
    answer_link, _withdraw = _links(received.get_payload(decode=True).decode())
    assert app.test_client().get(answer_link).status_code == 200
    stored = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "collega@example.nl"))
    assert stored.transport == "smtp" and "/collega/[verborgen]" in stored.body
    assert answer_link not in stored.body


def test_the_learners_own_data_holds_the_intervention(client, learner):
    describe(client)
    data = client.get("/mijn-gegevens.json").get_json()
    [intervention] = data["enrollments"][0]["intervention"]
    assert intervention["name"] == "Training weerbaar opvoeden" and intervention["phase"] == "plan"
