"""Login, logout, registration with an enrolment code, password reset, throttling."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from ebw_training.accounts import services
from ebw_training.accounts.models import LoginAttempt, MailMessage, PasswordResetToken, User
from ebw_training.cohorts.models import Enrollment
from ebw_training.core.audit import AuditEvent
from ebw_training.extensions import db

from .factories import TEST_PASSWORD, make_cohort, make_user

GOOD_PASSWORD = "lange zin met een fiets erin"


def _register(client, **overrides):
    data = {
        "enrolment_code": "",
        "name": "Jan Jansen",
        "email": "jan@gemeente.nl",
        "municipality": "GM0599",
        "job_domain": "oov",
        "password": GOOD_PASSWORD,
        "privacy": "y",
    }
    data.update(overrides)
    return client.post("/register", data=data)


def test_login_and_logout(client):
    user = make_user("trainer")
    db.session.commit()
    response = client.post("/login", data={"email": user.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/trainer/"
    assert client.get("/trainer/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/trainer/").status_code == 302


def test_wrong_password_is_a_field_error_and_keeps_email(client):
    user = make_user("learner")
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "wrong"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "horen niet bij elkaar" in html
    assert f'value="{user.email}"' in html
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login.failed")) == 1


def test_inactive_user_cannot_log_in(client):
    user = make_user("learner", active=False)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.get_data(as_text=True)  # the same answer as a wrong password
    after = client.get("/modules")
    assert after.status_code == 302 and "/login" in after.headers["Location"]  # not logged in
    db.session.refresh(user)
    assert user.last_login_at is None


def test_login_is_throttled_in_the_database(client, app):
    user = make_user("learner")
    db.session.commit()
    for _ in range(app.config["LOGIN_THROTTLE_MAX_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)
    # A second app instance (another worker) sees the same count: it lives in the database.
    assert services.is_throttled(user.email, "127.0.0.1")
    # After the window the account works again.
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.created_at -= timedelta(minutes=app.config["LOGIN_THROTTLE_WINDOW_MINUTES"] + 1)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_safe_next_redirect(client):
    user = make_user("admin")
    db.session.commit()
    response = client.post("/login?next=/admin/gebruikers", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/admin/gebruikers"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/login?next={evil}", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.headers["Location"] == "/admin/", evil
        client.post("/logout")


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/gebruikers")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_register_with_enrolment_code(client):
    cohort = make_cohort()
    db.session.commit()
    response = _register(client, enrolment_code=cohort.enrolment_code.lower().replace("-", ""))
    assert response.status_code == 200 and "Kijk in je mail" in response.get_data(as_text=True)
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "jan@gemeente.nl"))
    link = re.search(r"http://localhost(/registratie-bevestigen/\S+)", mail.body).group(1)
    assert client.post(link).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jan@gemeente.nl"))
    assert user.role == "learner" and user.municipality_code == "GM0599" and user.job_domain == "oov"
    assert user.password_hash.startswith("scrypt:")
    assert user.pseudonym.startswith("D-") and str(user.id) not in user.pseudonym.split("-")[1]
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment.cohort_id == cohort.id
    assert client.get("/modules").status_code == 200


def test_register_bad_input_keeps_what_was_typed(client):
    cohort = make_cohort()
    make_user("learner", email="taken@gemeente.nl")
    db.session.commit()
    cases = [
        ({"enrolment_code": "ZZZZ-ZZZZ"}, "inschrijfcode kennen we niet"),
        ({"enrolment_code": cohort.enrolment_code, "password": "kort"}, "minstens 12 tekens"),
        ({"enrolment_code": cohort.enrolment_code, "password": "wachtwoord123"}, "te makkelijk"),
        ({"enrolment_code": cohort.enrolment_code, "name": "x" * 121}, "hoogstens 120 tekens"),
        ({"enrolment_code": cohort.enrolment_code, "municipality": "GM9999"}, "gemeente"),
        ({"enrolment_code": cohort.enrolment_code, "email": "geen-adres"}, "geldig e-mailadres"),
    ]
    before = db.session.scalar(select(func.count(User.id)))
    for overrides, message in cases:
        response = _register(client, **overrides)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, overrides
        assert message in html, (overrides, message)
        assert 'aria-invalid="true"' in html
        typed_name = overrides.get("name", "Jan Jansen")
        assert f'value="{typed_name}"' in html
    assert db.session.scalar(select(func.count(User.id))) == before


def test_password_reset_flow_single_use_and_expiring(client, app):
    user = make_user("learner")
    db.session.commit()
    response = client.post("/wachtwoord-vergeten", data={"email": user.email})
    assert response.status_code == 200
    message = db.session.scalar(select(MailMessage).where(MailMessage.recipient == user.email))
    link = re.search(r"http://localhost(/wachtwoord-kiezen/\S+)", message.body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "kort"})
    assert "minstens 12 tekens" in response.get_data(as_text=True)
    response = client.post(link, data={"password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert client.get(link).status_code == 410  # single use
    response = client.post("/login", data={"email": user.email, "password": GOOD_PASSWORD})
    assert response.status_code == 302
    # An expired token does not work.
    token = services.issue_token(user, "reset")
    row = db.session.scalar(select(PasswordResetToken).order_by(PasswordResetToken.id.desc()))
    row.expires_at -= timedelta(hours=3)
    db.session.commit()
    assert client.get(f"/wachtwoord-kiezen/{token}").status_code == 410


def test_forgot_password_does_not_reveal_accounts(client):
    response = client.post("/wachtwoord-vergeten", data={"email": "nobody@example.nl"})
    assert response.status_code == 200
    assert "Als er een account is" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0


def test_password_policy():
    assert services.password_problem("kort") is not None
    assert services.password_problem("password1234") is not None or services.password_problem("password123") is not None
    assert services.password_problem("aaaaaaaaaaaaaaa") is not None
    assert services.password_problem(GOOD_PASSWORD) is None


def test_language_switch_to_english(client):
    response = client.post("/taal", data={"locale": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html
    client.post("/taal", data={"locale": "nl", "next": "https://evil.example"})
    assert '<html lang="nl">' in client.get("/login").get_data(as_text=True)


def test_smtp_failure_keeps_message_in_outbox(app_ctx):
    app_ctx.config["MAIL_SERVER"] = "127.0.0.1"
    app_ctx.config["MAIL_PORT"] = 1  # nothing listens there
    try:
        from ebw_training.accounts.mail import send_mail

        message = send_mail("a@example.nl", "Onderwerp", "Tekst")
        assert message.transport == "smtp" and message.error and message.sent_at is None
    finally:
        app_ctx.config["MAIL_SERVER"] = None


def test_reset_mails_are_limited_per_hour(client):
    user = make_user("learner")
    db.session.commit()
    for _ in range(services.RESET_MAILS_PER_HOUR + 3):
        assert client.post("/wachtwoord-vergeten", data={"email": user.email}).status_code == 200
    sent = db.session.scalar(select(func.count(MailMessage.id)).where(MailMessage.recipient == user.email))
    assert sent == services.RESET_MAILS_PER_HOUR


def test_password_reset_ends_sessions_elsewhere(app, client):
    user = make_user("learner")
    db.session.commit()
    other_device = app.test_client()
    assert other_device.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                             "remember": "y"}).status_code == 302
    assert other_device.get("/modules").status_code == 200
    token = services.issue_token(user, "reset")
    db.session.commit()
    assert client.post(f"/wachtwoord-kiezen/{token}", data={"password": GOOD_PASSWORD}).status_code == 302
    response = other_device.get("/modules")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_switching_an_account_off_ends_its_sessions(app, client, login):
    admin = make_user("admin")
    user = make_user("learner")
    db.session.commit()
    device = app.test_client()
    device.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert device.get("/modules").status_code == 200
    login(admin)
    client.post(f"/admin/gebruikers/{user.id}/actief", data={"active": "0"})
    assert device.get("/modules").status_code == 302
