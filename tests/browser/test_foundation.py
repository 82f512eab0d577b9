"""Each demo role logs in through the real form and lands on its own start page; axe finds nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

START_PAGES = [
    ("deelnemer@ebw.example.nl", "/modules"),
    ("trainer@ebw.example.nl", "/trainer/"),
    ("coordinator@ebw.example.nl", "/coordinator/"),
    ("coordinator.amsterdam@ebw.example.nl", "/coordinator/"),
    ("admin@ebw.example.nl", "/admin/"),
]


@pytest.mark.parametrize("email,start", START_PAGES)
def test_demo_role_lands_on_start_page(page, live_server, login_as, assert_no_axe_violations, email, start):
    login_as(page, email)
    assert page.url == live_server + start
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)


PUBLIC_PAGES = ["/", "/login", "/register", "/privacy", "/toegankelijkheid", "/wachtwoord-vergeten"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(page, live_server, assert_no_axe_violations, path):
    page.goto(live_server + path)
    assert_no_axe_violations(page)


ADMIN_PAGES = ["/admin/", "/admin/gebruikers", "/admin/gebruikers/nieuw", "/admin/groepen", "/admin/groepen/nieuw",
               "/admin/groepen/1", "/admin/mail", "/admin/logboek", "/admin/gemeenten/?q=amster"]


def test_admin_pages_are_accessible(page, live_server, login_as, assert_no_axe_violations):
    login_as(page, "admin@ebw.example.nl")
    for path in ADMIN_PAGES:
        page.goto(live_server + path)
        assert_no_axe_violations(page)


def test_form_errors_are_tied_to_fields_and_keep_input(page, live_server, assert_no_axe_violations):
    page.goto(live_server + "/register")
    page.fill("#enrolment_code", "FOUT-CODE")
    page.fill("#name", "Jan Jansen")
    page.fill("#email", "jan@gemeente.nl")
    page.select_option("#municipality", "GM0599")
    page.select_option("#job_domain", "oov")
    page.fill("#password", "kort")
    page.check("#privacy")
    page.click("main [type=submit]")
    error = page.locator("#enrolment_code-error")
    assert "inschrijfcode" in error.inner_text().lower() or "code" in error.inner_text().lower() \
        or "wachtwoord" in page.locator("#password-error").inner_text().lower()
    assert page.input_value("#name") == "Jan Jansen"
    assert page.input_value("#email") == "jan@gemeente.nl"
    described = page.get_attribute("#password", "aria-describedby") or ""
    assert "password-error" in described
    assert_no_axe_violations(page)


def test_keyboard_skip_link(page, live_server):
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_width_has_no_horizontal_scroll(page, live_server, login_as):
    page.set_viewport_size({"width": 360, "height": 740})
    login_as(page, "admin@ebw.example.nl")
    page.goto(live_server + "/admin/gebruikers")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_trainer_pages_are_accessible(page, live_server, login_as, assert_no_axe_violations):
    login_as(page, "trainer@ebw.example.nl")
    for path in ("/trainer/", "/trainer/groepen/1", "/trainer/groepen/1/bijeenkomsten", "/trainer/groepen/1/oefeningen"):
        page.goto(live_server + path)
        assert_no_axe_violations(page)
    page.goto(live_server + "/trainer/groepen/1/oefeningen")
    page.click("main table a")
    assert "/oefeningen/" in page.url
    assert_no_axe_violations(page)
    page.fill("#feedback", "Goed begin. Vul bij de evaluatie in wie die uitvoert.")
    page.click("input[name=return]")
    assert page.url.endswith("/trainer/groepen/1/oefeningen")
    assert "teruggegeven" in page.inner_text("main")


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"keyboard focus never reached: {predicate_js}")


def test_keyboard_only_login_and_reading(page, live_server):
    """Log in, open a lesson page and mark it as read with the keyboard alone; focus is always visible."""
    page.goto(live_server + "/login")
    _tab_to(page, "document.activeElement.id === 'email'")
    page.keyboard.type("deelnemer@ebw.example.nl")
    _tab_to(page, "document.activeElement.id === 'password'")
    page.keyboard.type("Demo-wachtwoord-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/modules")
    page.goto(live_server + "/modules/wat-is-ebw/pagina/1")
    _tab_to(page, "document.activeElement.closest('form') !== null && "
                  "(document.activeElement.closest('form').action || '').includes('/gelezen')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "focused control has no visible outline"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(live_server + "/modules/wat-is-ebw/pagina/1")
    assert "Je hebt deze pagina gelezen." in page.inner_text("main")
