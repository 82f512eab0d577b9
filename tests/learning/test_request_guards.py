"""Hostile requests to the learner endpoints: deeply nested or oversized JSON, planted drafts, video
coverage faster than the clock allows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from ebw_training.accounts.models import UserSession
from ebw_training.core.permissions import access_of
from ebw_training.extensions import db
from ebw_training.jsonguard import MAX_JSON_BYTES, too_deep
from ebw_training.learning.models import PendingDraft, VideoProgress
from ebw_training.timeutil import utcnow

from ..factories import TEST_PASSWORD, make_cohort, make_enrollment, make_learner

JSON_ENDPOINTS = ["/modules/alfa/oefening", "/modules/alfa/oefening/autosave", "/modules/alfa/video/voortgang"]


@pytest.fixture
def learner_client(client, login, enrollment):
    login(enrollment.user)
    return client


def _nested(levels: int) -> bytes:
    return b'{"segments":' + b"[" * levels + b"]" * levels + b"}"


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_deeply_nested_json_is_a_dutch_400_for_anyone(app, client, learner_client, path):
    anonymous = app.test_client()
    for who in (anonymous, learner_client):
        response = who.post(path, data=_nested(100_000), content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["ok"] is False and "verzoek" in response.get_json()["message"]


def test_oversized_json_is_refused_before_parsing(learner_client):
    body = b'{"segments": [[0, 1]], "x": "' + b"a" * MAX_JSON_BYTES + b'"}'
    response = learner_client.post("/modules/alfa/video/voortgang", data=body, content_type="application/json")
    assert response.status_code == 400 and "te groot" in response.get_json()["message"]


def test_depth_guard_ignores_brackets_inside_strings():
    assert not too_deep(b'{"fields": {"a": "' + b"[" * 500 + b'\\"' + b"{" * 500 + b'"}}')
    assert not too_deep(b'{"segments": [[0, 1], [2, 3]]}')
    assert too_deep(b"[" * 21 + b"]" * 21)


# --- 5. drafts planted by a copied owner field ------------------------------------------------------


def _owner(html: str) -> str:
    return re.search(r'name="owner" value="([^"]+)"', html).group(1)


def _pending() -> int:
    return db.session.scalar(select(func.count(PendingDraft.id)))


def test_a_copied_owner_field_plants_nothing(app, login, learner_client, enrollment):
    owner = _owner(learner_client.get("/modules/alfa/oefening").get_data(as_text=True))
    attacker = app.test_client()  # anonymous, from anywhere
    attacker.post("/modules/alfa/oefening", data={"owner": owner, "item-probleem-explanation": "Geplant"})
    assert _pending() == 0
    other = make_enrollment(make_learner(), make_cohort())
    db.session.commit()
    attacker.post("/login", data={"email": other.user.email, "password": TEST_PASSWORD})
    attacker.post("/logout")  # an attacker's own ended session does not match the victim's form either
    attacker.post("/modules/alfa/oefening", data={"owner": owner, "item-probleem-explanation": "Geplant"})
    assert _pending() == 0


def test_the_learners_own_browser_keeps_its_answers_after_the_session_expired(learner_client, enrollment):
    owner = _owner(learner_client.get("/modules/alfa/oefening").get_data(as_text=True))
    for row in db.session.scalars(select(UserSession)):
        row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = learner_client.post("/modules/alfa/oefening", data={"owner": owner,
                                                                   "item-probleem-explanation": "Niet kwijt"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _pending() == 1


def _learner_only_post_urls(app) -> list[str]:
    values = {"slug": "alfa", "number": 1, "attempt_id": 1, "page": 1}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = access_of(app.view_functions[rule.endpoint])
            if access == ("learner",) and "POST" in rule.methods:
                assert set(rule.arguments) <= set(values), f"add a sample value for {rule.endpoint}"
                urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    return urls


def test_anonymous_posts_without_a_csrf_token_are_refused_on_every_learner_route(app, learner_client, course):
    owner = _owner(learner_client.get("/modules/alfa/oefening").get_data(as_text=True))
    urls = _learner_only_post_urls(app)
    assert "/modules/alfa/oefening" in urls and len(urls) >= 5
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in urls:
            response = app.test_client().post(url, data={"owner": owner, "item-probleem-explanation": "Geplant"})
            assert response.status_code == 400, (url, response.status_code)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _pending() == 0


# --- 9. video coverage no faster than the clock ------------------------------------------------------


def _video_row(enrollment):
    db.session.expire_all()
    return db.session.scalar(select(VideoProgress).where(VideoProgress.enrollment_id == enrollment.id))


def _opened_seconds_ago(enrollment, seconds: float) -> None:
    row = _video_row(enrollment)
    row.opened_at = utcnow() - timedelta(seconds=seconds)
    db.session.commit()


def test_one_post_covering_the_whole_video_is_refused_and_logged(learner_client, enrollment, course, caplog):
    duration = course.module("alfa").video.duration
    response = learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[0, duration]]})
    assert response.status_code == 400  # the page was never opened
    learner_client.get("/modules/alfa/video")
    response = learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[0, duration]]})
    assert response.status_code == 400 and "kan niet kloppen" in response.get_json()["message"]
    row = _video_row(enrollment)
    assert row.watched_at is None and row.segments == []
    assert "video coverage refused" in caplog.text and f"enrollment {enrollment.id}" in caplog.text


def test_coverage_is_accepted_at_up_to_the_fastest_playback_rate(learner_client, enrollment, course):
    duration = course.module("alfa").video.duration
    learner_client.get("/modules/alfa/video")
    # 0.4 x the duration ago: even at double speed the whole video cannot have been played.
    _opened_seconds_ago(enrollment, duration * 0.4)
    assert learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[0, duration]]}).status_code == 400
    # Half the duration ago, at double speed, it can.
    _opened_seconds_ago(enrollment, duration / 2)
    response = learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[0, duration]]})
    assert response.status_code == 200 and response.get_json()["watched"] is True


def test_opening_the_page_again_counts_only_what_is_new(learner_client, enrollment, course):
    learner_client.get("/modules/alfa/video")
    _opened_seconds_ago(enrollment, 30)
    assert learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[0, 50]]}).status_code == 200
    learner_client.get("/modules/alfa/video")  # the clock starts again, with 50 s already covered
    assert _video_row(enrollment).covered_at_open == pytest.approx(50)
    assert learner_client.post("/modules/alfa/video/voortgang",
                               json={"segments": [[50, 60]]}).status_code == 400
    _opened_seconds_ago(enrollment, 6)
    assert learner_client.post("/modules/alfa/video/voortgang", json={"segments": [[50, 60]]}).status_code == 200
