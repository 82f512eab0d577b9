"""Hostile requests to the learner endpoints: deeply nested or oversized JSON, planted drafts, video
coverage faster than the clock allows."""

from __future__ import annotations

import pytest

from ebw_training.jsonguard import MAX_JSON_BYTES, too_deep

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
