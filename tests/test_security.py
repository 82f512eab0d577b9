"""CSRF, security headers, cookie flags, config checks."""

from __future__ import annotations

import re

import pytest

from ebw_training import create_app
from ebw_training.extensions import db

from .factories import TEST_PASSWORD, make_user


@pytest.fixture
def csrf_client(app, app_ctx):
    """A client of the same app with CSRF protection switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield app.test_client()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_post_without_csrf_token_is_refused(csrf_client):
    user = make_user("admin")
    db.session.commit()
    response = csrf_client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400  # refused before the view runs
    assert csrf_client.get("/admin/").status_code == 302
    response = csrf_client.post("/taal", data={"locale": "en"})
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)


def test_post_with_csrf_token_works(csrf_client):
    user = make_user("admin")
    db.session.commit()
    html = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = csrf_client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert " style=" not in html


def test_session_cookie_flags_in_production_config(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    from ebw_training.config import Config

    assert Config.SESSION_COOKIE_HTTPONLY is True
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"
    assert Config.SESSION_COOKIE_SECURE is True
    app = create_app({"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_secret_key_required_outside_debug_and_tests(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from ebw_training.config import Config

    monkeypatch.setattr(Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["content"]["status"] == "ok"


def test_error_pages_are_dutch_and_not_5xx_for_unknown_urls(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_authenticated_pages_are_not_cached(client, login):
    user = make_user("admin")
    db.session.commit()
    login(user)
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


def test_a_race_on_a_unique_row_is_a_calm_409(tmp_path):
    from sqlalchemy.exc import IntegrityError

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.sqlite"})

    @app.get("/_test_race")
    def _race():  # a view that loses a race on a unique constraint
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    with app.app_context():
        db.create_all()
        response = app.test_client().get("/_test_race")
        db.engine.dispose()
    assert response.status_code == 409
    assert "al opgeslagen" in response.get_data(as_text=True)


def test_ids_too_large_for_the_database_are_not_found(client, login):
    user = make_user("admin")
    db.session.commit()
    login(user)
    huge = "99999999999999999999"
    for path in (f"/admin/groepen/{huge}", "/admin/gebruikers/9223372036854775808", f"/admin/mail/{huge}",
                 f"/trainer/groepen/{huge}", f"/coordinator/exports/{huge}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/admin/gebruikers/{huge}/actief", data={"active": "0"}).status_code == 404


def test_healthz_reports_an_unmigrated_database(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.sqlite"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "error"
    with app.app_context():
        db.engine.dispose()


def test_a_typo_in_a_numeric_setting_gives_a_clear_message(monkeypatch):
    import importlib

    import ebw_training.config as config

    monkeypatch.setenv("EBW_LOGIN_MAX_FAILURES", "abc")
    with pytest.raises(SystemExit, match="EBW_LOGIN_MAX_FAILURES moet een heel getal"):
        importlib.reload(config)
    monkeypatch.delenv("EBW_LOGIN_MAX_FAILURES")
    importlib.reload(config)


def test_csrf_failure_on_a_json_request_answers_json(csrf_client):
    response = csrf_client.post("/modules/wat-is-ebw/video/voortgang", json={"segments": [[0, 1]]})
    assert response.status_code == 400 and response.get_json()["ok"] is False
