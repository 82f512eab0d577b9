"""A learner's cached lesson and module pages are answered before the user is loaded (learning/cached_pages.py),
and only when the normal view would have shown exactly that page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select, update

from ebw_training.accounts.models import User, UserSession
from ebw_training.cohorts.models import Enrollment
from ebw_training.extensions import db
from ebw_training.learning.helpers import page_cache
from ebw_training.timeutil import utcnow
from tests.factories import TEST_PASSWORD

URL = "/modules/alfa/pagina/1"


def _login(client, enrollment):
    response = client.post("/login", data={"email": enrollment.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def _warm(client, url=URL) -> str:
    """The second view of a page in a session comes from the cache (the first makes the CSRF secret)."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _user_was_loaded() -> bool:
    # The tests hold the application context, so `g` outlives the request (conftest clears it before each).
    return "_login_user" in g


def _answered_from_cache(client, url=URL):
    """The response, and whether it was answered from the cache without loading the user."""
    response = client.get(url)
    return response, not _user_was_loaded()


def _change(statement) -> None:
    db.session.execute(statement)
    db.session.commit()


def test_a_cached_page_is_answered_without_loading_the_user(client, enrollment, count_queries):
    _login(client, enrollment)
    first = _warm(client)
    hits = page_cache().hits
    with count_queries() as counter:
        response, from_cache = _answered_from_cache(client)
    assert from_cache and page_cache().hits == hits + 1 and response.get_data(as_text=True) == first
    assert counter.count == 0, counter.statements  # only the session check, outside the ORM
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_module_pages_are_answered_from_the_cache_too(client, enrollment):
    _login(client, enrollment)
    page = _warm(client, "/modules/alfa")
    response, from_cache = _answered_from_cache(client, "/modules/alfa")
    assert from_cache and response.get_data(as_text=True) == page


def test_the_cookie_of_the_login_answer_itself_gets_cached_pages(app, client, enrollment):
    """A script that keeps the cookie the login answered with (and never stores a newer one) is served from the
    cache too: the CSRF secret, part of the cache key, is made at login."""
    _login(client, enrollment)
    fixed = client.get_cookie("session").value
    script = app.test_client()
    for _ in range(2):
        script.set_cookie("session", fixed)
        response, from_cache = _answered_from_cache(script)
    assert response.status_code == 200 and from_cache


def test_logout_counts_on_the_very_next_request(app, client, enrollment):
    _login(client, enrollment)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    _warm(copy)
    assert _answered_from_cache(copy)[1]
    client.post("/logout")
    response, from_cache = _answered_from_cache(copy)
    assert not from_cache
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("change, expected_status", [
    ("session ended elsewhere", 302),
    ("session idle too long", 302),
    ("account deactivated", 302),
    ("role changed", 403),
    ("enrolment withdrawn", 200),
])
def test_every_change_to_the_session_or_user_counts_at_once(client, enrollment, change, expected_status):
    _login(client, enrollment)
    page = _warm(client)
    now = utcnow()
    user_id = enrollment.user_id
    statements = {
        "session ended elsewhere": update(UserSession).values(ended_at=now),
        "session idle too long": update(UserSession).values(expires_at=now - timedelta(seconds=1)),
        "account deactivated": update(User).where(User.id == user_id).values(is_active_account=False),
        "role changed": update(User).where(User.id == user_id).values(role="trainer"),
        "enrolment withdrawn": update(Enrollment).where(Enrollment.id == enrollment.id).values(withdrawn_at=now),
    }
    _change(statements[change])
    response, from_cache = _answered_from_cache(client)
    assert not from_cache
    assert response.status_code == expected_status
    if expected_status == 200:
        assert response.get_data(as_text=True) != page
        assert "niet ingeschreven" in response.get_data(as_text=True)


def test_a_session_due_for_its_last_seen_update_goes_through_the_user_loader(client, enrollment):
    _login(client, enrollment)
    _warm(client)
    earlier = utcnow() - timedelta(minutes=6)
    _change(update(UserSession).values(last_seen_at=earlier))
    response, from_cache = _answered_from_cache(client)
    assert response.status_code == 200 and not from_cache
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) > earlier  # extended, as on any other page
    assert _answered_from_cache(client)[1]


def test_a_cookie_taken_to_another_browser_is_not_answered(app, client, enrollment):
    _login(client, enrollment)
    _warm(client)
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    response = other.get(URL, headers={"User-Agent": "Een andere browser"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_name_is_shown_at_once(client, enrollment):
    _login(client, enrollment)
    assert "Daan de Vries" in _warm(client)
    _change(update(User).where(User.id == enrollment.user_id).values(name="Daan Jansen"))
    response, from_cache = _answered_from_cache(client)
    assert not from_cache and "Daan Jansen" in response.get_data(as_text=True)


def test_other_pages_and_methods_are_never_answered_from_the_cache(client, enrollment):
    _login(client, enrollment)
    _warm(client)
    client.post(f"{URL}/gelezen")
    assert _user_was_loaded()
    client.get("/modules")
    assert _user_was_loaded()


def test_the_user_is_loaded_after_every_other_request_hook(app):
    """The cache check and the user loader run last, so the content reload check and the request guards run
    on every request, also on those answered from the cache. Blueprint hooks would run after it (and be skipped
    for cached pages): the learning blueprint has none."""
    hooks = [hook.__name__ for hook in app.before_request_funcs[None]]
    assert hooks[-1] == "load_the_session_first"
    assert {"refuse_nul_characters", "refuse_json_that_is_not_an_object"} <= set(hooks[:-1])
    assert not app.before_request_funcs.get("learning")


def test_made_up_query_strings_are_never_cached(client, enrollment):
    _login(client, enrollment)
    _warm(client)
    size = len(page_cache())
    for number in range(3):
        response, from_cache = _answered_from_cache(client, f"{URL}?x={number}")
        assert response.status_code == 200 and not from_cache
    assert len(page_cache()) == size


def test_a_forged_forwarded_address_does_not_pass_session_protection(app, client, enrollment):
    """Without trusted proxies X-Forwarded-For is anyone's to write: a copied cookie used from another address
    does not work, whatever that header claims (on cached pages and on the others)."""
    _login(client, enrollment)
    _warm(client)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    elsewhere.set_cookie("session", client.get_cookie("session").value)
    for url in (URL, "/modules"):
        response = elsewhere.get(url, headers={"X-Forwarded-For": "127.0.0.1"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
