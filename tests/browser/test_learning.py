"""The learner's journey in Chromium: video, pages, quiz, exercise, downloads, certificate, verification.

axe-core checks every page type on the way.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from ebw_training.accounts.models import User
from ebw_training.cohorts.services import current_enrollment
from ebw_training.content import EXTENSION_KEY
from ebw_training.extensions import db
from ebw_training.learning import exercises as exercise_service
from ebw_training.learning import segments as segment_service
from ebw_training.learning.models import Certificate
from tests.site_pages import complete_modules as complete_other_modules

pytestmark = [
    pytest.mark.browser,
    # The threaded test server does not close a media file when Chromium aborts a range request (seeking);
    # gunicorn does. Not a leak of the app.
    pytest.mark.filterwarnings("ignore:Exception ignored in.*FileIO:pytest.PytestUnraisableExceptionWarning"),
]

LEARNER = "deelnemer@ebw.example.nl"
NAME = "Daan de Vries"
COHORT = "Regio Amsterdam-Amstelland 2026"


def wait_until(page, script: str, timeout_ms: int = 30000) -> None:
    """Poll a condition with page.evaluate (the CSP forbids the eval that wait_for_function needs)."""
    waited = 0
    while not page.evaluate(script):
        assert waited < timeout_ms, f"timed out waiting for: {script}"
        page.wait_for_timeout(200)
        waited += 200


def answer_quiz(page, quiz, right: bool) -> None:
    """Fill in every question the attempt shows (drawn from the bank), all right or all wrong."""
    for question in quiz.questions:
        if page.locator(f"#vraag-{question.id}").count() == 0:
            continue
        prefix = f"#q-{question.id}-"
        if question.type in ("single", "true_false"):
            option = next(o for o in question.options if o.correct == right)
            page.check(prefix + option.key)
        elif question.type == "multiple":
            chosen = [o for o in question.options if o.correct == right] or question.options[:1]
            for option in chosen:
                page.check(prefix + option.key)
        elif question.type == "matching":
            keys = [o.key for o in question.options]
            for index, option in enumerate(question.options):
                page.select_option(prefix + option.key, option.key if right else keys[(index + 1) % len(keys)])


def test_learner_journey(app, page, live_server, login_as, assert_no_axe_violations, tmp_path):
    course = app.extensions[EXTENSION_KEY]
    first = course.modules[0]
    assert first.video is not None and first.quiz is not None and first.exercise is not None

    # Overview
    login_as(page, LEARNER)
    assert page.url == f"{live_server}/modules"
    assert page.locator("text=Zo begin je").count() == 1
    assert_no_axe_violations(page)

    # Module start page: learning goals first
    page.click(f"main a[href='/modules/{first.slug}']")
    assert page.locator("h1").inner_text() == first.title
    assert page.locator("#leerdoelen").count() == 1
    assert_no_axe_violations(page)

    # Video: captions on by default, transcript on the page; play it fast until it counts
    page.click(f"main a[href='/modules/{first.slug}/video']")
    video = page.locator("video#lesvideo")
    assert page.locator("track[kind=captions][srclang=nl][default]").count() == 1
    assert page.locator("#uitgeschreven").count() == 1
    assert_no_axe_violations(page)
    wait_until(page, "document.querySelector('video').readyState >= 1")
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"
    # The server counts coverage no faster than the clock at double speed since the page was opened:
    # the test says the page was opened long ago, then plays fast.
    with app.app_context():
        from ebw_training.learning.models import VideoProgress

        for row in db.session.scalars(select(VideoProgress)):
            row.opened_at -= timedelta(hours=1)
        db.session.commit()
        db.session.remove()
    video.evaluate("v => { v.muted = true; v.playbackRate = 16; return v.play(); }")
    expect(video).to_have_attribute("data-watched", "true", timeout=90000)
    assert "Je hebt de video bekeken." in page.locator("[data-video-status]").inner_text()

    # Pages, one by one: "Gelezen, ga verder" leads to the next page and, after the summary, to the quiz
    page.goto(f"{live_server}/modules/{first.slug}/pagina/1")
    assert_no_axe_violations(page)
    for number in range(1, len(first.pages) + 1):
        assert page.url.endswith(f"/pagina/{number}")
        with page.expect_navigation():
            page.click("text=Gelezen, ga verder")
    assert page.url.endswith(f"/modules/{first.slug}/toets")

    # Quiz: a form with unanswered questions, then fail, then pass
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("text=Toets inleveren")
    assert page.locator("#error-summary").count() == 1
    assert_no_axe_violations(page)
    answer_quiz(page, first.quiz, right=False)
    with page.expect_navigation():
        page.click("text=Toets inleveren")
    assert "/toets/poging/" in page.url
    assert "nog niet gehaald" in page.locator(".result-summary").inner_text()
    assert page.locator(".question-feedback").count() > 0
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("text=Maak de toets opnieuw")
    answer_quiz(page, first.quiz, right=True)
    with page.expect_navigation():
        page.click("text=Toets inleveren")
    assert "Je hebt de toets gehaald." in page.locator(".result-summary").inner_text()
    assert page.locator("section[aria-labelledby=pogingen] tbody tr").count() == 2

    # Exercise: submit too early, fill in (autosave), submit
    page.goto(f"{live_server}/modules/{first.slug}/oefening")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("main button[value=submit]")
    assert page.locator("#error-summary").count() == 1
    assert_no_axe_violations(page)
    answers = {}
    for index, item in enumerate(first.exercise.items):
        page.check(f"#item-{item.id}-scale-{1 + index % 3}")
        answers[item.id] = f"Toelichting {index}: onze aanpak in de wijk, met ë en é"
        page.fill(f"#item-{item.id}-explanation", answers[item.id])
    page.locator(f"#item-{first.exercise.items[0].id}-explanation").blur()
    expect(page.locator("[data-autosave-status]")).to_contain_text("opgeslagen om", timeout=15000)
    with page.expect_navigation():
        page.click("main button[value=submit]")
    assert "Je hebt de oefening ingeleverd." in page.locator(".flashes").inner_text()
    assert_no_axe_violations(page)

    # Result documents
    with page.expect_download() as pdf_download:
        page.click("text=Download als PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    with page.expect_download() as docx_download:
        page.click("text=Download als Word-bestand (DOCX)")
    document = Document(docx_download.value.path())
    docx_text = "\n".join([p.text for p in document.paragraphs]
                          + [c.text for t in document.tables for r in t.rows for c in r.cells])
    for content in (text, docx_text):
        for expected in (NAME, "Amsterdam", COHORT, first.exercise.title, *answers.values()):
            assert expected in " ".join(content.split()), expected

    # The other modules through the services; then the course is complete
    complete_other_modules(app, LEARNER, skip=first.slug)
    page.goto(f"{live_server}/modules")
    assert "Gefeliciteerd" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("text=Naar je certificaat")
    assert_no_axe_violations(page)
    with page.expect_download() as certificate_download:
        page.click("text=Download je certificaat (PDF)")
    certificate_text = PdfReader(certificate_download.value.path()).pages[0].extract_text()
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
        db.session.remove()
    assert code in certificate_text and NAME in certificate_text

    # The public verify page, logged out
    page.click("text=Uitloggen")
    page.goto(f"{live_server}/verify/{code}")
    assert "Dit certificaat is geldig." in page.locator("main").inner_text()
    assert "D.d.V." in page.locator("main").inner_text() and NAME not in page.content()
    assert_no_axe_violations(page)
    page.goto(f"{live_server}/verify/EBW-ZZZZ-ZZZZ")
    assert "niet geldig" in page.locator("main").inner_text()
    assert_no_axe_violations(page)


def test_unsent_answers_survive_an_expired_session(app, page, live_server, login_as):
    """Typed while logged out: kept in the browser, put back and saved after logging in again."""
    course = app.extensions[EXTENSION_KEY]
    module = next(m for m in course.modules if m.exercise and m.exercise.kind == "format")
    item = module.exercise.items[0]
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/oefening")
    page.fill(f"#item-{item.id}-text", "Eerste zin.")
    page.locator(f"#item-{item.id}-text").blur()
    expect(page.locator("[data-autosave-status]")).to_contain_text("opgeslagen om", timeout=15000)
    page.context.clear_cookies()  # the session is gone
    typed = "Eerste zin. En een lange tweede zin die niet verloren mag gaan."
    page.fill(f"#item-{item.id}-text", typed)
    page.locator(f"#item-{item.id}-text").blur()
    expect(page.locator("[data-autosave-status]")).to_contain_text("Niet opgeslagen", timeout=15000)
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/oefening")
    assert page.input_value(f"#item-{item.id}-text") == typed
    expect(page.locator("[data-autosave-status]")).to_contain_text("opgeslagen om", timeout=15000)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == LEARNER))
        row = exercise_service.exercise_answer_for(current_enrollment(user), module.slug)
        assert row.answers[item.id]["text"] == typed
        db.session.remove()
    page.reload()
    assert page.input_value(f"#item-{item.id}-text") == typed
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('ebw-oefening:')).length") == 0


def test_quiz_answers_survive_an_expired_session(app, page, live_server, login_as, assert_no_axe_violations):
    """Quiz answers are kept in the browser until handed in; after a new login the same draw comes back with them."""
    course = app.extensions[EXTENSION_KEY]
    module = course.modules[1]
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/toets")
    token = page.input_value("input[name=token]")
    shown = page.locator("fieldset.question").evaluate_all("els => els.map(e => e.id)")
    assert len(shown) == module.quiz.per_attempt < len(module.quiz.questions)
    first = page.locator("fieldset.question input[type=radio]").first
    first_id = first.get_attribute("id")
    first.check()
    page.context.clear_cookies()  # the session is gone before the learner hands in
    with page.expect_navigation():
        page.click("text=Toets inleveren")
    assert page.url.startswith(f"{live_server}/login")
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/toets")
    notice = page.locator("[data-quiz-draft-notice]")
    expect(notice).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        notice.locator("text=Zet mijn antwoorden terug").click()
    assert page.input_value("input[name=token]") == token
    assert page.locator("fieldset.question").evaluate_all("els => els.map(e => e.id)") == shown
    assert page.is_checked(f"#{first_id}")
    answer_quiz(page, module.quiz, right=True)
    with page.expect_navigation():
        page.click("text=Toets inleveren")
    assert "Je hebt de toets gehaald." in page.locator(".result-summary").inner_text()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('ebw-quiz:')).length") == 0


def test_other_learner_page_types_are_accessible(app, page, live_server, login_as, assert_no_axe_violations):
    """External video (no frame before the click), own data, and the page for a learner without a group."""
    from tests.learning.conftest import build_course

    original = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = build_course()
    try:
        login_as(page, LEARNER)
        page.goto(f"{live_server}/modules/gamma/video")
        assert page.locator("iframe").count() == 0
        assert_no_axe_violations(page)
        page.click("text=Video laden van YouTube (Google)")
        frame = page.locator("iframe.embedded-video")
        assert re.match(r"https://www\.youtube-nocookie\.com/embed/", frame.get_attribute("src"))
    finally:
        app.extensions[EXTENSION_KEY] = original
    page.goto(f"{live_server}/mijn-gegevens")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.click("text=Alleen de gegevens downloaden (JSON)")
    assert b'"participant_id"' in Path(download.value.path()).read_bytes()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == LEARNER))
        from ebw_training.cohorts.services import withdraw

        withdraw(current_enrollment(user))
        db.session.commit()
        db.session.remove()
    page.goto(f"{live_server}/modules")
    assert "niet ingeschreven voor een groep" in page.locator("main").inner_text()
    assert_no_axe_violations(page)


def test_answers_posted_after_the_session_ended_can_be_put_back(app, page, live_server, login_as,
                                                               assert_no_axe_violations):
    """The form itself (no autosave involved): posted without a session, kept, offered after login."""
    course = app.extensions[EXTENSION_KEY]
    module = next(m for m in course.modules if m.exercise and m.exercise.kind == "checklist")
    item = module.exercise.items[0]
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/oefening")
    with app.app_context():  # the session ends on the server (idle too long); the browser keeps its cookie
        from ebw_training.accounts.models import UserSession

        for row in db.session.scalars(select(UserSession)):
            row.expires_at -= timedelta(days=1)
        db.session.commit()
        db.session.remove()
    page.check(f"#item-{item.id}-scale-2")
    page.fill(f"#item-{item.id}-explanation", "Getypt terwijl de sessie verliep.")
    with page.expect_navigation():
        page.click("main button[value=save]")
    assert "/login" in page.url
    assert "We hebben je antwoorden bewaard" in page.locator(".flashes").inner_text()
    page.fill("input[name=email]", LEARNER)
    from ebw_training.demo import DEMO_PASSWORD

    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main [type=submit]")
    assert page.url == f"{live_server}/modules/{module.slug}/oefening"
    notice = page.locator("[data-pending-draft]")
    assert "Getypt terwijl de sessie verliep." in notice.inner_text()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("text=Zet deze antwoorden terug")
    assert page.input_value(f"#item-{item.id}-explanation") == "Getypt terwijl de sessie verliep."
    assert page.is_checked(f"#item-{item.id}-scale-2")
    assert page.locator("[data-pending-draft]").count() == 0


def test_skipping_to_the_end_of_the_video_does_not_count(app, page, live_server, login_as):
    course = app.extensions[EXTENSION_KEY]
    module = next(m for m in course.modules if "video" in m.activities)
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/video")
    video = page.locator("video#lesvideo")
    wait_until(page, "document.querySelector('video').readyState >= 1")
    video.evaluate("v => { v.muted = true; v.currentTime = v.duration - 4; return v.play(); }")
    wait_until(page, "document.querySelector('video').ended", timeout_ms=20000)
    expect(page.locator("[data-video-status]")).to_contain_text("van de video bekeken", timeout=10000)
    assert video.get_attribute("data-watched") is None
    assert int(video.get_attribute("data-coverage")) <= 3
    with app.app_context():
        from ebw_training.learning.models import VideoProgress

        row = db.session.scalar(select(VideoProgress))
        assert row.watched_at is None
        assert segment_service.video_coverage(row.segments, module.video.duration) < 0.03
        db.session.remove()


DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('ebw-oefening:')).length"


def test_handing_in_removes_the_copy_kept_in_the_browser(app, page, live_server, login_as):
    """After "Inleveren" nothing of the answers stays in localStorage (shared computers)."""
    course = app.extensions[EXTENSION_KEY]
    module = next(m for m in course.modules if m.exercise and m.exercise.kind == "checklist")
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/oefening")
    for item in module.exercise.items:
        page.check(f"#item-{item.id}-scale-1")
        page.fill(f"#item-{item.id}-explanation", f"Toelichting bij {item.id}")
    assert page.evaluate(DRAFT_KEYS) == 1  # kept until the server has the answers
    page.locator(f"#item-{module.exercise.items[-1].id}-explanation").blur()
    expect(page.locator("[data-autosave-status]")).to_contain_text("opgeslagen om", timeout=15000)
    # Submitting keeps a copy again (in case the session has expired); the handed-in page removes it.
    with page.expect_navigation():
        page.click("main button[value=submit]")
    assert "Je hebt de oefening ingeleverd." in page.locator(".flashes").inner_text()
    page.wait_for_load_state("load")
    assert page.evaluate(DRAFT_KEYS) == 0


COUNT_MUTATIONS = """() => {
  window.ebwCounts = {status: 0, announce: 0};
  for (const [name, selector] of [["status", "[data-autosave-status]"], ["announce", "[data-autosave-announce]"]]) {
    new MutationObserver(() => { window.ebwCounts[name] += 1; })
      .observe(document.querySelector(selector), {childList: true, characterData: true, subtree: true});
  }
}"""


def test_autosave_announces_only_what_matters(app, page, live_server, login_as):
    """The status line changes at every save; the live region only at the first save and at a failure."""
    course = app.extensions[EXTENSION_KEY]
    module = next(m for m in course.modules if m.exercise and m.exercise.kind == "format")
    field = f"#item-{module.exercise.items[0].id}-text"
    login_as(page, LEARNER)
    page.goto(f"{live_server}/modules/{module.slug}/oefening")
    assert page.locator("[data-autosave-status]").get_attribute("role") is None
    page.evaluate(COUNT_MUTATIONS)
    announcer = page.locator("[data-autosave-announce]")

    def type_and_wait(text: str) -> None:
        before = page.evaluate("window.ebwCounts.status")
        page.fill(field, text)
        page.locator(field).blur()
        wait_until(page, f"window.ebwCounts.status > {before}", timeout_ms=15000)

    type_and_wait("Eerste zin.")
    expect(announcer).to_contain_text("opgeslagen om")
    announced = page.evaluate("window.ebwCounts.announce")
    assert announced >= 1
    type_and_wait("Eerste zin. Tweede zin.")
    type_and_wait("Eerste zin. Tweede zin. Derde zin.")
    assert "opgeslagen om" in page.locator("[data-autosave-status]").inner_text()
    assert page.evaluate("window.ebwCounts.announce") == announced  # later saves are not announced
    page.context.clear_cookies()  # a failure is announced, once
    type_and_wait("Vierde zin, niet opgeslagen.")
    expect(announcer).to_contain_text("Niet opgeslagen")
    failed = page.evaluate("window.ebwCounts.announce")
    assert failed > announced
    type_and_wait("Vijfde zin, ook niet opgeslagen.")
    assert page.evaluate("window.ebwCounts.announce") == failed
