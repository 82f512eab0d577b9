"""The demo trainer sorts and filters the matrix with the keyboard, sends a reminder from the attention list, the
mail is in the outbox and the learner's row shows it; axe finds nothing on the matrix, reminder, item analysis and
preview pages. With EBW_SCREENSHOT_DIR set, full-page screenshots of those pages are saved there."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ebw_training.cohorts.models import Cohort, Enrollment
from ebw_training.content import get_course
from ebw_training.extensions import db
from ebw_training.timeutil import utcnow

from ..trainer.data import quiz_attempt

pytestmark = pytest.mark.browser

TRAINER = "trainer@ebw.example.nl"
ADMIN = "admin@ebw.example.nl"


def _shot(page, name: str) -> None:
    target = os.environ.get("EBW_SCREENSHOT_DIR")
    if target:
        page.screenshot(path=os.path.join(target, f"{name}.png"), full_page=True)


def _row_names(page) -> list[str]:
    return [text.split("\n")[0].strip() for text in page.locator("#matrix tbody th[scope=row]").all_inner_texts()]


def _press(page, locator, key: str = "Enter") -> None:
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press(key)


def test_trainer_matrix_reminder_analysis_preview(app, page, browser, live_server, login_as,
                                                  assert_no_axe_violations):
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id))
        slug = get_course().modules[1].slug
        questions = get_course().modules[1].quiz.questions
        for n, enrollment in enumerate(db.session.scalars(select(Enrollment))):
            results = {q.id: {"score": float((n + k) % 2), "correct": bool((n + k) % 2),
                              "chosen": [q.options[(n + k) % len(q.options)].key]} for k, q in enumerate(questions)}
            quiz_attempt(enrollment, slug, 0.5, results=results, opened_at=utcnow() - timedelta(minutes=6))
        db.session.commit()
        db.session.remove()
    login_as(page, TRAINER)
    page.goto(f"{live_server}/trainer/groepen/{cohort_id}/matrix")
    assert _row_names(page) == ["Daan de Vries", "Fatima El Amrani", "Sanne Bakker"]
    assert_no_axe_violations(page)
    _shot(page, "matrix")

    # Sort by name, descending: the header link, operated with the keyboard.
    _press(page, page.locator("th").filter(has_text="Deelnemer").get_by_role("link"))
    assert _row_names(page) == ["Sanne Bakker", "Fatima El Amrani", "Daan de Vries"]
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    # Filter by status with the keyboard: type in the select, then Enter on the button.
    page.locator("#filter-status").focus()
    page.keyboard.type("bezig")
    _press(page, page.get_by_role("button", name="Filter toepassen"))
    assert _row_names(page) == ["Fatima El Amrani"]
    assert "status=bezig" in page.url and "richting=desc" in page.url

    # The attention list: Daan and Sanne have not started; remind them.
    page.goto(f"{live_server}/trainer/groepen/{cohort_id}")
    _shot(page, "cohort")
    _press(page, page.get_by_role("link", name="Herinnering sturen aan deze deelnemers"))
    expect(page.get_by_label("Daan de Vries")).to_be_checked()
    expect(page.get_by_label("Sanne Bakker")).to_be_checked()
    expect(page.get_by_label("Fatima El Amrani")).not_to_be_checked()
    assert_no_axe_violations(page)
    _press(page, page.get_by_role("button", name="Voorbeeld bekijken"))
    expect(page.get_by_role("heading", name="Voorbeeld: de mail aan Daan de Vries")).to_be_visible()
    assert_no_axe_violations(page)
    _shot(page, "reminder-preview")
    _press(page, page.get_by_role("button", name="Versturen"))
    expect(page.get_by_text("2 herinneringen verstuurd.")).to_be_visible()

    # The mail is in the outbox (no SMTP server configured).
    admin_context = browser.new_context(locale="nl-NL")
    admin = admin_context.new_page()
    login_as(admin, ADMIN)
    admin.goto(f"{live_server}/admin/mail")
    expect(admin.get_by_text("deelnemer@ebw.example.nl")).to_be_visible()
    expect(admin.get_by_text("Herinnering: je training Evidence Based Werken").first).to_be_visible()
    admin_context.close()

    # The learner's row says when.
    page.goto(f"{live_server}/trainer/groepen/{cohort_id}/matrix")
    daan = page.locator("#matrix tbody tr").filter(has_text="Daan de Vries")
    expect(daan).to_contain_text(re.compile(r"herinnerd op \d\d-\d\d-\d{4}"))

    page.goto(f"{live_server}/trainer/groepen/{cohort_id}/toetsvragen")
    expect(page.get_by_text("3 deelnemers maakten de toets (3 pogingen in totaal).")).to_be_visible()
    assert_no_axe_violations(page)
    _shot(page, "item-analysis")
    page.goto(f"{live_server}/trainer/cursus/{slug}")
    expect(page.get_by_text("Antwoordsleutel – alleen zichtbaar voor trainers").first).to_be_visible()
    assert_no_axe_violations(page)
    _shot(page, "preview")
