"""Account security: revocable server-side sessions, throttling per account and address, equal login
timing, confirmed self-registration, e-mail validation, the masked outbox and the guarded demo command."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ebw_training import create_app
from ebw_training.accounts import services
from ebw_training.accounts.mail import send_mail
from ebw_training.accounts.models import LoginAttempt, MailMessage, User, UserSession
from ebw_training.cohorts.importing import import_learners
from ebw_training.cohorts.models import Enrollment
from ebw_training.core.errors import ValidationError
from ebw_training.extensions import db
from ebw_training.municipalities.services import seed_municipalities

from .factories import TEST_PASSWORD, make_cohort, make_user

GOOD_PASSWORD = "lange zin met een fiets erin"


def _login(client, user, password=TEST_PASSWORD, **extra):
    return client.post("/login", data={"email": user.email, "password": password, **extra})


def _logged_in(client) -> bool:
    return client.get("/modules").status_code == 200


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


# --- 1. server-side sessions ---------------------------------------------------------------------


def test_logout_ends_the_session_wherever_its_cookie_is_presented(app, client):
    user = make_user("learner")
    db.session.commit()
    assert _login(client, user).status_code == 302
    copy = app.test_client()
    copy.set_cookie("session", _cookie(client, "session"))
    assert _logged_in(copy)
    client.post("/logout")
    assert not _logged_in(client)
    assert not _logged_in(copy), "a copied session cookie still works after logout"


def test_remember_tokens_are_random_hashed_rotated_and_expire(app, client):
    user = make_user("learner")
    db.session.commit()
    _login(client, user, remember="y")
    first = _cookie(client, "ebw_remember")
    other_device = app.test_client()
    _login(other_device, user, remember="y")
    assert first and _cookie(other_device, "ebw_remember") != first  # random, not derived from the user
    stored = set(db.session.scalars(select(UserSession.remember_hash)))
    assert first not in stored and hashlib.sha256(first.encode()).hexdigest() in stored

    # A browser that kept only the remember cookie is logged in again and gets a new token.
    reopened = app.test_client()
    reopened.set_cookie("ebw_remember", first)
    assert _logged_in(reopened)
    assert _logged_in(reopened) and _logged_in(reopened)  # and stays so: the restored session is this browser's
    rotated = _cookie(reopened, "ebw_remember")
    assert rotated and rotated != first
    replay = app.test_client()
    replay.set_cookie("ebw_remember", first)
    assert not _logged_in(replay), "a used remember token works a second time"

    # Expired tokens do not work.
    db.session.expire_all()
    for row in db.session.scalars(select(UserSession)):
        row.remember_expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    late = app.test_client()
    late.set_cookie("ebw_remember", rotated)
    assert not _logged_in(late)


def test_logout_ends_the_remember_token_too(app, client):
    user = make_user("learner")
    db.session.commit()
    _login(client, user, remember="y")
    token = _cookie(client, "ebw_remember")
    client.post("/logout")
    elsewhere = app.test_client()
    elsewhere.set_cookie("ebw_remember", token)
    assert not _logged_in(elsewhere)


def test_session_id_and_csrf_secret_change_at_login(app, app_ctx):
    user = make_user("learner")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()

        def token(path="/login"):
            html = client.get(path).get_data(as_text=True)
            return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

        before = token()
        with client.session_transaction() as sess:
            secret_before = sess["csrf_token"]
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "csrf_token": before}).status_code == 302
        with client.session_transaction() as sess:
            first_id = sess["_user_id"]
            assert sess.get("csrf_token") and sess["csrf_token"] != secret_before  # a new one, in the login's cookie
        # A token made before the login (an attacker's planted session) is worthless afterwards.
        assert client.post("/taal", data={"locale": "en", "csrf_token": before}).status_code == 400
        client.post("/logout", data={"csrf_token": token("/logout")})
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token()})
        with client.session_transaction() as sess:
            assert sess["_user_id"] != first_id and str(user.id) not in sess["_user_id"].split(".")[0:1]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_sessions_page_lists_devices_and_ends_the_others(app, client):
    user = make_user("trainer")
    stranger = make_user("learner")
    db.session.commit()
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPhone) Safari/604.1"
    phone.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    _login(client, user)
    _login(app.test_client(), stranger)
    html = client.get("/account/sessies").get_data(as_text=True)
    assert "dit apparaat" in html and "Safari / iPhone" in html
    stranger_row = db.session.scalar(select(UserSession).where(UserSession.user_id == stranger.id))
    assert client.post(f"/account/sessies/{stranger_row.id}/beeindigen").status_code == 404
    assert phone.get("/trainer/").status_code == 200
    client.post("/account/sessies/andere-beeindigen")
    assert phone.get("/trainer/").status_code == 302
    assert client.get("/trainer/").status_code == 200
    html = client.get("/account/sessies").get_data(as_text=True)
    assert "iPhone" not in html


# --- 2. throttling -------------------------------------------------------------------------------


def test_failures_from_one_address_never_lock_out_another(app, client):
    user = make_user("learner")
    db.session.commit()
    attacker = {"REMOTE_ADDR": "203.0.113.5"}
    for _ in range(app.config["LOGIN_THROTTLE_MAX_FAILURES"] + 2):
        client.post("/login", data={"email": user.email, "password": "fout"}, environ_base=attacker)
    assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD},
                       environ_base=attacker).status_code == 429
    owner = app.test_client()
    response = owner.post("/login", data={"email": user.email, "password": TEST_PASSWORD},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 302


def test_password_spraying_from_one_address_is_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS", 6)
    victims = [make_user("learner") for _ in range(6)]
    target = make_user("learner")
    db.session.commit()
    sprayer = {"REMOTE_ADDR": "203.0.113.9"}
    for victim in victims:  # one guess per account: the per-account limit never trips
        assert client.post("/login", data={"email": victim.email, "password": "Zomer2026!"},
                           environ_base=sprayer).status_code == 200
    assert client.post("/login", data={"email": target.email, "password": TEST_PASSWORD},
                       environ_base=sprayer).status_code == 429
    assert app.test_client().post("/login", data={"email": target.email, "password": TEST_PASSWORD},
                                  environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302


def test_client_address_comes_from_trusted_proxies_only(tmp_path):
    for proxies, expected in ((0, "10.0.0.2"), (1, "192.0.2.44")):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p{proxies}.sqlite",
                          "EBW_TRUSTED_PROXIES": proxies})
        with app.app_context():
            db.create_all()
            seed_municipalities()
            app.test_client().post("/login", data={"email": "x@example.nl", "password": "fout"},
                                   headers={"X-Forwarded-For": "198.51.100.1, 192.0.2.44"},
                                   environ_base={"REMOTE_ADDR": "10.0.0.2"})
            assert db.session.scalar(select(LoginAttempt.ip)) == expected, proxies
            db.session.remove()
            db.engine.dispose()


# --- 3. the same work for known and unknown accounts ---------------------------------------------


def test_login_checks_one_password_hash_whether_or_not_the_account_exists(client, monkeypatch):
    user = make_user("learner")
    inactive = make_user("learner", active=False)
    db.session.commit()
    checks = []
    real_check = services.check_password_hash

    def counting_check(pwhash, password):
        checks.append(pwhash.split("$", 1)[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting_check)
    for email in ("onbekend@example.nl", user.email, inactive.email):
        checks.clear()
        client.post("/login", data={"email": email, "password": "fout wachtwoord"})
        assert len(checks) == 1, email
    # The stand-in hash costs as much as a real one: it is made the same way.
    assert services._dummy_password_hash().split("$", 1)[0] == services.hash_password("x").split("$", 1)[0]


# --- 4. confirmed self-registration --------------------------------------------------------------


def _register(client, code, email="jan@gemeente.nl", password=GOOD_PASSWORD):
    return client.post("/register", data={
        "enrolment_code": code, "name": "Jan Jansen", "email": email, "municipality": "GM0599",
        "job_domain": "oov", "password": password, "privacy": "y"})


def test_registration_counts_only_after_the_address_is_confirmed(client):
    cohort = make_cohort()
    db.session.commit()
    response = _register(client, cohort.enrolment_code)
    assert response.status_code == 200 and "Kijk in je mail" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "jan@gemeente.nl"))
    assert user.email_confirmed is False
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0  # not in reports or exports
    assert not _logged_in(client)
    response = client.post("/login", data={"email": "jan@gemeente.nl", "password": GOOD_PASSWORD})
    assert "nog niet bevestigd" in response.get_data(as_text=True) and not _logged_in(client)
    mails = db.session.scalars(select(MailMessage).where(MailMessage.recipient == "jan@gemeente.nl")
                               .order_by(MailMessage.id)).all()
    assert len(mails) == 2 and all(m.kind == "confirm" for m in mails)
    old_link = re.search(r"http://localhost(/registratie-bevestigen/\S+)", mails[0].body).group(1)
    link = re.search(r"http://localhost(/registratie-bevestigen/\S+)", mails[1].body).group(1)
    assert client.post(old_link).status_code == 410  # a new link replaces the old one
    assert client.get(link).status_code == 200  # opening the link (a mail scanner) changes nothing
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0
    assert client.post(link).status_code == 302
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.cohort_id == cohort.id and enrollment.user.email == "jan@gemeente.nl"
    assert _logged_in(client)
    assert client.post(link).status_code == 410  # single use


def test_registration_for_an_existing_address_mails_a_notice_and_reveals_nothing(client):
    cohort = make_cohort()
    existing = make_user("learner", email="bestaat@gemeente.nl")
    db.session.commit()
    old_hash = existing.password_hash
    new = _register(client, cohort.enrolment_code, email="nieuw@gemeente.nl").get_data(as_text=True)
    taken = _register(client, cohort.enrolment_code, email="Bestaat@gemeente.nl").get_data(as_text=True)
    strip = lambda html: re.sub(r"\S+@gemeente\.nl|value=\"[^\"]*\"", "", html)  # noqa: E731
    assert "al een account" not in taken and strip(new) == strip(taken)
    notice = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "bestaat@gemeente.nl"))
    assert notice.kind == "notice" and "al een account" in notice.body
    db.session.refresh(existing)
    assert existing.password_hash == old_hash
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "bestaat@gemeente.nl")) == 1


# --- 7. e-mail addresses validated everywhere, every mail error caught ---------------------------


BAD_ADDRESSES = ["a@gemeente.nl\r\nBcc: spion@example.nl", "a@gemeente.nl\nX: y", "geen-adres", "a@@b.nl",
                 "a b@gemeente.nl", "a@gemeente"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_bad_addresses_are_refused_by_every_way_in(app_ctx, address):
    cohort = make_cohort()
    db.session.commit()
    with pytest.raises(ValidationError):
        services.create_user(address, "Piet", "trainer")
    data = f'naam;email;gemeente_code\nPiet;"{address}";GM0363\n'.encode()
    result = import_learners(data, cohort)
    assert result.errors and result.created == 0
    assert "ongeldig" in result.errors[0]
    assert db.session.scalar(select(func.count(User.id)).where(User.name == "Piet")) == 0


def test_a_mail_that_cannot_be_sent_never_raises(app_ctx):
    app_ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    try:
        message = send_mail("a@gemeente.nl\r\nBcc: spion@example.nl", "Onderwerp", "Tekst")
        assert message.error and message.sent_at is None
    finally:
        app_ctx.config["MAIL_SERVER"] = None


# --- 8. the outbox hides sign-in links and sends again -------------------------------------------


def test_outbox_masks_links_and_sends_again_with_a_new_link(client, login):
    admin = make_user("admin")
    invitee = make_user("trainer", email="nieuw@ror.nl")
    db.session.commit()
    services.send_invitation(invitee)
    db.session.commit()
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "nieuw@ror.nl"))
    old_link = re.search(r"http://localhost(/wachtwoord-kiezen/\S+)", mail.body).group(1)
    token = old_link.rsplit("/", 1)[1]
    login(admin)
    html = client.get(f"/admin/mail/{mail.id}").get_data(as_text=True)
    assert token not in html and "[verborgen]" in html and "Opnieuw versturen" in html
    assert client.post(f"/admin/mail/{mail.id}/opnieuw").status_code == 302
    again = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "nieuw@ror.nl")
                              .order_by(MailMessage.id.desc()))
    assert again.id != mail.id and again.kind == "invite"
    new_link = re.search(r"http://localhost(/wachtwoord-kiezen/\S+)", again.body).group(1)
    assert new_link != old_link
    other = client.application.test_client()
    assert other.get(old_link).status_code == 410
    assert other.get(new_link).status_code == 200


# --- 10. the demo only on a demo database --------------------------------------------------------


def test_demo_refuses_a_database_with_other_users(runner):
    make_user("learner", email="echte.deelnemer@gemeente.nl")
    db.session.commit()
    result = runner.invoke(args=["ebw", "demo"])
    assert result.exit_code != 0 and "--force" in result.output
    assert services.get_user_by_email("admin@ebw.example.nl") is None
    assert runner.invoke(args=["ebw", "demo", "--force"]).exit_code == 0
    assert services.get_user_by_email("admin@ebw.example.nl") is not None
