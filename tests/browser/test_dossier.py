"""The evaluation dossier in Chromium: describe the intervention, two exercises that build on it, a colleague who
assesses the plan in a second browser, compare and agree, download the dossier. axe on every new page.

Set EBW_SCREENSHOT_DIR to keep full-page screenshots of the new pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from ebw_training.accounts.models import MailMessage
from ebw_training.content import get_course
from ebw_training.extensions import db

LEARNER = "deelnemer@ebw.example.nl"


def _shot(page, name: str) -> None:
    folder = os.environ.get("EBW_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _module(name: str):
    return next(m for m in get_course().modules if m.exercise is not None and m.exercise.name == name)


def test_dossier_with_a_second_assessor(app, page, browser, live_server, login_as, assert_no_axe_violations):
    with app.app_context():
        theory, checklist = _module("format-veranderingstheorie"), _module("checklist-onderbouwde-interventie")
    login_as(page, LEARNER)

    # Describe the intervention from the course overview; a missing field is reported at the field.
    page.goto(f"{live_server}/modules")
    with page.expect_navigation():
        page.click("text=Beschrijf je interventie")
    assert_no_axe_violations(page)
    page.fill("#name", "Training weerbaar opvoeden")
    with page.expect_navigation():
        page.click("main [type=submit]")
    assert page.locator("#goal-error").count() == 1
    assert page.locator("#name").input_value() == "Training weerbaar opvoeden"
    assert_no_axe_violations(page)
    _shot(page, "interventie-fout")
    page.fill("#goal", "Ouders voelen zich sterker in gesprekken over idealen en zorgen.")
    page.fill("#target_group", "Ouders van tieners in twee wijken")
    page.fill("#carried_out_by", "Het jongerenwerk, met een externe trainer")
    page.check("#phase-1")
    with page.expect_navigation():
        page.click("main [type=submit]")
    assert "is opgeslagen" in page.locator(".flashes").inner_text()

    # Exercise 1 (theory of change) shows the description; hand it in.
    page.goto(f"{live_server}/modules/{theory.slug}/oefening")
    assert "Training weerbaar opvoeden" in page.locator(".intervention-card").inner_text()
    for item in theory.exercise.items:
        page.fill(f"#item-{item.id}-text", f"Ons antwoord bij {item.text}")
    page.fill("#item-aannames-text", "Als ouders oefenen, dan praten ze makkelijker met hun kind.")
    with page.expect_navigation():
        page.click("main button[value=submit]")
    assert "Je hebt de oefening ingeleverd." in page.locator(".flashes").inner_text()
    assert_no_axe_violations(page)

    # Exercise 2 (the plan evaluation checklist) shows the earlier answer it builds on; hand it in.
    page.goto(f"{live_server}/modules/{checklist.slug}/oefening")
    carried = page.locator("#item-veranderingstheorie-carried")
    expect(carried).to_contain_text("Als ouders oefenen, dan praten ze makkelijker met hun kind.")
    assert_no_axe_violations(page)
    _shot(page, "oefening-met-eerdere-antwoorden")
    for item in checklist.exercise.items:
        page.check(f"#item-{item.id}-scale-1")  # ja
    page.check("#item-draagvlak-scale-2")  # deels
    with page.expect_navigation():
        page.click("main button[value=submit]")
    assert "Je hebt de oefening ingeleverd." in page.locator(".flashes").inner_text()

    # Invite a colleague.
    with page.expect_navigation():
        page.click("text=Naar de tweede beoordelaar")
    assert_no_axe_violations(page)
    page.fill("#email", "collega@gemeente.example.nl")
    with page.expect_navigation():
        page.click("main [type=submit]")
    assert "De uitnodiging is verstuurd." in page.locator(".flashes").inner_text()
    _shot(page, "tweede-beoordelaar-uitgenodigd")
    with app.app_context():
        body = db.session.scalars(select(MailMessage).where(
            MailMessage.recipient == "collega@gemeente.example.nl")).one().body
        db.session.remove()
    answer_path = re.search(r"https?://[^/\s]+(/collega/[A-Za-z0-9_\-]+)\s", body).group(1)
    withdraw_path = re.search(r"https?://[^/\s]+(/collega/[A-Za-z0-9_\-]+/intrekken)", body).group(1)

    # The colleague answers in a second browser, without an account.
    context = browser.new_context(locale="nl-NL")
    try:
        colleague = context.new_page()
        colleague.goto(f"{live_server}{answer_path}")
        main = colleague.locator("main").inner_text()
        assert "Training weerbaar opvoeden" in main and "radicaliseren" in main and "Wat bewaren we?" in main
        assert "Als ouders oefenen" not in main  # only the description and the checklist
        assert_no_axe_violations(colleague)
        _shot(colleague, "collega-checklist")
        for item in checklist.exercise.items:
            colleague.check(f"#item-{item.id}-scale-1")
        colleague.check("#item-draagvlak-scale-3")  # nee
        colleague.check("#item-doelgroep-bereik-scale-2")  # deels
        colleague.fill("#item-draagvlak-explanation", "Er is nog geen collegebesluit.")
        with colleague.expect_navigation():
            colleague.click("main [type=submit]")
        assert "Bedankt voor je beoordeling" in colleague.locator("h1").inner_text()
        assert_no_axe_violations(colleague)
        _shot(colleague, "collega-bedankt")
        colleague.goto(f"{live_server}{answer_path}")
        assert "al gebruikt" in colleague.locator("main").inner_text()  # single use
        colleague.goto(f"{live_server}{withdraw_path}")
        assert_no_axe_violations(colleague)
        _shot(colleague, "collega-intrekken")
    finally:
        context.close()

    # Compare (differences first) and agree.
    page.reload()
    ids = page.locator(".compare-item").evaluate_all("els => els.map(e => e.id)")
    assert ids[:2] == ["vergelijk-doelgroep-bereik", "vergelijk-draagvlak"]
    assert page.locator(".compare-differs").count() == 2
    assert_no_axe_violations(page)
    _shot(page, "vergelijken-en-afspreken")
    page.check("#agreed-draagvlak-3")
    page.fill("#agreed-draagvlak-agreements", "De uitvoerder vraagt het collegebesluit op, voor 1 maart.")
    page.check("#agreed-doelgroep-bereik-2")
    with page.expect_navigation():
        page.click("text=Afspraken opslaan")
    assert "Jullie afspraken zijn opgeslagen." in page.locator(".flashes").inner_text()

    # The dossier page and both documents.
    page.goto(f"{live_server}/mijn-dossier")
    assert_no_axe_violations(page)
    _shot(page, "mijn-evaluatiedossier")
    with page.expect_download() as pdf_download:
        page.click("text=Download als PDF")
    pdf_text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages).split())
    with page.expect_download() as docx_download:
        page.click("text=Download als Word")
    document = Document(docx_download.value.path())
    docx_text = " ".join(" ".join([p.text for p in document.paragraphs]
                                  + [c.text for t in document.tables for r in t.rows for c in r.cells]).split())
    for text in (pdf_text, docx_text):
        for expected in ("Mijn evaluatiedossier", "Training weerbaar opvoeden", "Daan de Vries",
                         "Als ouders oefenen, dan praten ze makkelijker met hun kind.",
                         "Samen gekozen: nee. Afspraken: De uitvoerder vraagt het collegebesluit op, voor 1 maart.",
                         "Nog open", "Bijlage: bronnen en verder lezen"):
            assert expected in text, expected
