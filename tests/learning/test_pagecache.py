"""The per-process cache of rendered lesson and module pages never serves a stale page."""

from __future__ import annotations

from ebw_training.extensions import db
from ebw_training.learning import pages as page_service
from ebw_training.learning.pagecache import PageCache
from tests.factories import TEST_PASSWORD


def _login(client, enrollment):
    response = client.post("/login", data={"email": enrollment.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_cached_page_costs_no_orm_query_and_follows_progress(client, enrollment, count_queries, course):
    _login(client, enrollment)
    url = "/modules/alfa/pagina/1"
    client.get(url)  # the first page of a session creates its CSRF secret, part of the cache key
    first = client.get(url).get_data(as_text=True)
    assert "Je hebt deze pagina gelezen." not in first
    with count_queries() as counter:
        again = client.get(url).get_data(as_text=True)
    assert again == first
    # The session, the user and the enrolment are checked in one plain SELECT outside the ORM
    # (learning/cached_pages.py); the page comes from the cache.
    assert counter.count == 0
    assert client.post(f"{url}/gelezen").status_code == 303
    after = client.get(url).get_data(as_text=True)
    assert "Je hebt deze pagina gelezen." in after
    module_page = client.get("/modules/alfa").get_data(as_text=True)
    assert module_page == client.get("/modules/alfa").get_data(as_text=True)


def test_progress_changed_elsewhere_is_shown(client, enrollment, course):
    """A change made outside this request (another worker, a trainer) bumps the progress version."""
    _login(client, enrollment)
    url = "/modules/alfa/pagina/2"
    assert "Je hebt deze pagina gelezen." not in client.get(url).get_data(as_text=True)
    page_service.mark_page_read(enrollment, course.module("alfa"), 2)
    db.session.commit()
    assert "Je hebt deze pagina gelezen." in client.get(url).get_data(as_text=True)


def test_flash_messages_are_never_cached(client, enrollment, course):
    _login(client, enrollment)
    client.get("/modules/alfa")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Eenmalige melding")]
    assert "Eenmalige melding" in client.get("/modules/alfa").get_data(as_text=True)
    assert "Eenmalige melding" not in client.get("/modules/alfa").get_data(as_text=True)


def test_other_learners_never_see_each_others_page(app, enrollment, course):
    from tests.factories import make_enrollment, make_learner

    other = make_enrollment(make_learner(name="Ander Persoon"), enrollment.cohort)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    _login(first, enrollment)
    _login(second, other)
    assert "Daan de Vries" in first.get("/modules/alfa").get_data(as_text=True)
    html = second.get("/modules/alfa").get_data(as_text=True)
    assert "Ander Persoon" in html and "Daan de Vries" not in html


def test_lru_eviction():
    cache = PageCache(max_entries=2)
    calls = []
    for key in ("a", "b", "a", "c", "b"):
        cache.get_or_render(key, lambda key=key: calls.append(key) or key.upper())
    assert calls == ["a", "b", "c", "b"] and len(cache) == 2
    assert cache.get_or_render(None, lambda: "x") == "x" and len(cache) == 2
