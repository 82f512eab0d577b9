"""/media/<filename>: only the course's media files, for logged-in users, with Range requests for seeking."""

from __future__ import annotations

import pytest

from ebw_training.content import get_course

from ..factories import make_learner


@pytest.fixture
def learner_client(client, login):
    login(make_learner())
    return client


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get("/media/intro-ebw.nl.vtt")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_captions_are_served_as_webvtt(learner_client):
    video = get_course().videos["intro-ebw"]
    with learner_client.get(f"/media/{video.captions}") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/vtt"
        assert response.get_data(as_text=True).startswith("WEBVTT")
        assert "max-age" in response.headers["Cache-Control"]


def test_range_requests_answer_206_so_video_seeking_works(learner_client):
    video = get_course().videos["intro-ebw"]
    name, mime = video.sources[0]
    with learner_client.get(f"/media/{name}", headers={"Range": "bytes=0-99"}) as response:
        assert response.status_code == 206
        assert response.mimetype == mime
        assert response.headers["Content-Range"].startswith("bytes 0-99/")
        assert len(response.get_data()) == 100
        assert response.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("path", [
    "does-not-exist.webm",
    "intro-ebw.yaml",
    "src/build_intro.py",
    "../pyproject.toml",
    "..%2Fpyproject.toml",
    "/etc/passwd",
])
def test_only_files_of_the_course_media_are_served(learner_client, path):
    with learner_client.get(f"/media/{path}", follow_redirects=True) as response:
        assert response.status_code == 404
