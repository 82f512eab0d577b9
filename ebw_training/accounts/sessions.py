"""Server-side sessions: every login is a row in `user_session` that logout, a password reset or the
user ("log out on my other devices") can end, wherever its cookies are presented afterwards.

The session cookie (signed by Flask) holds a random session token; the optional remember cookie holds
a second random token that is replaced by a fresh one each time it restores a session. The database
stores only SHA-256 hashes of both.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select, update

from ..extensions import db, login_manager
from ..timeutil import utcnow
from .models import User, UserSession

REMEMBER_COOKIE = "ebw_remember"
LEGACY_REMEMBER_COOKIE = "remember_token"  # flask-login's own cookie, no longer used
# The id of the server-side session this browser last had; stays in the signed session cookie after logout
# or expiry, so a form made in that session can still be recognised as this browser's own.
SESSION_ROW_KEY = "ebw_session"
# How often the "last seen" time is written: often enough for the sessions page, rare enough to cost nothing.
TOUCH_INTERVAL = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_is_usable(ended_at: datetime | None, expires_at: datetime, account_active: bool, now: datetime) -> bool:
    """A session cookie's token works for an active account until its session is ended or has been idle too long
    (the rule of the user loader, and of the cached pages answered before it)."""
    return account_active and ended_at is None and expires_at > now


def touch_due(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_INTERVAL


def _idle_limit() -> timedelta:
    return current_app.permanent_session_lifetime


def _remember_limit() -> timedelta:
    return timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])


def describe_device(user_agent: str) -> str:
    """A short, recognisable description of the browser ("Firefox op Windows"); nothing more is kept."""
    agent = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                           ("Safari/", "Safari")) if key in agent), "")
    system = next((name for key, name in (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"),
                                          ("iPad", "iPad"), ("Mac OS", "macOS"), ("Linux", "Linux")) if key in agent), "")
    return " / ".join(part for part in (browser, system) if part)[:120]


def start_session(user: User, *, remember: bool, device: str = "") -> tuple[UserSession, str, str | None]:
    """A new session row; returns it with the session token and (with `remember`) the remember token."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    remember_token = secrets.token_urlsafe(32) if remember else None
    row = UserSession(
        user_id=user.id, token_hash=hash_token(token), device=device, created_at=now, last_seen_at=now,
        expires_at=now + _idle_limit(),
        remember_hash=hash_token(remember_token) if remember_token else None,
        remember_expires_at=now + _remember_limit() if remember_token else None,
    )
    db.session.add(row)
    db.session.flush()
    return row, token, remember_token


def touch(row: UserSession, now: datetime) -> bool:
    """Extend a session in use; True when the row changed (at most once per TOUCH_INTERVAL)."""
    if not touch_due(row.last_seen_at, now):
        return False
    row.last_seen_at = now
    row.expires_at = now + _idle_limit()
    return True


def restore_remembered(remember_token: str, device: str = "") -> tuple[UserSession, str, str] | None:
    """Use a remember token once: the session gets a new session token and a new remember token."""
    row = db.session.scalar(select(UserSession).where(UserSession.remember_hash == hash_token(remember_token)))
    now = utcnow()
    if row is None or row.ended_at is not None or not row.remember_expires_at or row.remember_expires_at <= now:
        return None
    token, new_remember = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row.token_hash = hash_token(token)
    row.remember_hash = hash_token(new_remember)
    row.remember_expires_at = now + _remember_limit()
    row.last_seen_at = now
    row.expires_at = now + _idle_limit()
    row.device = device or row.device
    db.session.flush()
    return row, token, new_remember


def end_session(row: UserSession) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()


def active_sessions(user: User) -> list[UserSession]:
    now = utcnow()
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [row for row in rows if row.is_live(now)]


def end_other_sessions(user: User, keep: UserSession | None) -> int:
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.id != (keep.id if keep else -1))
        .values(ended_at=utcnow())
    )
    return result.rowcount or 0


def get_user_session(user: User, session_id: int) -> UserSession | None:
    row = db.session.get(UserSession, session_id)
    return row if row is not None and row.user_id == user.id else None


# --- the request side: cookies, login and logout ------------------------------------------------


def browser_session_id() -> int | None:
    """The server-side session this browser had last, logged in or not (see SESSION_ROW_KEY)."""
    value = session.get(SESSION_ROW_KEY)
    return value if isinstance(value, int) else None


def browser_identifier() -> str:
    """What flask-login's "strong" session protection binds a session cookie to: the client address and the
    User-Agent. The address is werkzeug's `remote_addr`, taken from X-Forwarded-For only behind the configured
    trusted proxies (ProxyFix, EBW_TRUSTED_PROXIES); flask-login's own version believes any X-Forwarded-For."""
    base = f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha512(base.encode("utf-8", "replace")).hexdigest()


def presented_token() -> str | None:
    """The session token this request's cookie holds, when flask-login would accept it: the cookie was made for
    this browser (session protection) and the token has the shape start_session gives it."""
    token = session.get("_user_id")
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    if session.get("_id") != browser_identifier():
        return None
    return token


def current_session() -> UserSession | None:
    if not current_user.is_authenticated:  # loading the user finds this request's session row
        return None
    return g.get("_ebw_user_session")


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a fresh session: a new session token and a new CSRF secret; nothing of the old session survives."""
    locale = session.get("locale")
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the token per request; the next one is made from a new secret
    generate_csrf()  # the new secret goes out with the login's own cookie (and is part of the page cache key)
    if locale:
        session["locale"] = locale
    row, token, remember_token = start_session(
        user, remember=remember, device=describe_device(request.headers.get("User-Agent", "")))
    user.session_token = token
    g._ebw_user_session = row
    login_user(user, remember=False)
    session[SESSION_ROW_KEY] = row.id
    if remember_token:
        g._ebw_remember_cookie = remember_token


def log_out() -> None:
    """End this session on the server: its cookies no longer work anywhere."""
    row = current_session()
    if row is not None:
        end_session(row)
        db.session.commit()
    logout_user()
    g._ebw_remember_cookie = ""


# How users are loaded, given by the application (the query that also loads the current enrolment lives
# with enrolments, which depend on accounts, not the other way round).
_loaders: dict[str, Callable] = {}


def _load_from_session(token: str) -> User | None:
    found = _loaders["session"](hash_token(token))  # one query for the session, the user and the enrolment
    now = utcnow()
    if found is None:
        return None
    row, user = found
    if not session_is_usable(row.ended_at, row.expires_at, user.is_active_account, now):
        return None
    if touch(row, now):
        db.session.commit()
    user.session_token = token
    g._ebw_user_session = row
    return user


def _load_from_remember_cookie(req) -> User | None:
    remember_token = req.cookies.get(REMEMBER_COOKIE)
    if not remember_token or len(remember_token) > 100:
        return None
    if session.get("_remember") == "clear":  # flask-login's session protection just refused this browser
        g._ebw_remember_cookie = ""
        return None
    restored = restore_remembered(remember_token, describe_device(req.headers.get("User-Agent", "")))
    if restored is None:
        db.session.rollback()
        g._ebw_remember_cookie = ""
        return None
    row, token, new_remember = restored
    db.session.commit()
    user = _loaders["user"](row.user_id)
    if user is None or not user.is_active_account:
        return None
    user.session_token = token
    session["_user_id"] = token
    session["_fresh"] = False
    session["_id"] = browser_identifier()  # as login_user sets it, or session protection ends the next request
    session[SESSION_ROW_KEY] = row.id
    g._ebw_user_session = row
    g._ebw_remember_cookie = new_remember
    return user


def init_app(app: Flask, *, load_session_with_user: Callable, load_user: Callable) -> None:
    """`load_session_with_user(token_hash)` gives (session row, user) or None; `load_user(id)` a user or None."""
    _loaders.update(session=load_session_with_user, user=load_user)
    login_manager._session_identifier_generator = browser_identifier  # flask-login has no public setting for it
    login_manager.user_loader(_load_from_session)
    login_manager.request_loader(_load_from_remember_cookie)

    @app.after_request
    def write_remember_cookie(response):
        value = g.pop("_ebw_remember_cookie", None)
        config = app.config
        if value:
            response.set_cookie(REMEMBER_COOKIE, value, max_age=config["REMEMBER_COOKIE_DURATION"],
                                secure=config["REMEMBER_COOKIE_SECURE"], httponly=True,
                                samesite=config["REMEMBER_COOKIE_SAMESITE"])
        elif value == "":
            response.delete_cookie(REMEMBER_COOKIE, secure=config["REMEMBER_COOKIE_SECURE"], httponly=True,
                                   samesite=config["REMEMBER_COOKIE_SAMESITE"])
        if LEGACY_REMEMBER_COOKIE in request.cookies:  # would keep flask-login from asking for ours
            response.delete_cookie(LEGACY_REMEMBER_COOKIE)
        return response


def load_user_before_views(app: Flask, *, answer_first: Callable[[], object | None] | None = None) -> None:
    """Register the hook that loads the user; call it after every other before-request hook is registered.

    `answer_first()` may answer the request before the user is loaded (it returns a response, or None to go on).
    """

    @app.before_request
    def load_the_session_first():
        # Loading the user may write (the session's "last seen" time, a rotated remember token) and commit:
        # that happens here, before a view has changed anything, never halfway through one.
        g.pop("_ebw_user_session", None)
        if request.endpoint == "static":
            return None
        if answer_first is not None:
            answer = answer_first()
            if answer is not None:
                return answer
        current_user._get_current_object()
        return None
