"""Settings, read from environment variables (DESIGN.md section 6)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    """A whole number from the environment; a typo gives a clear message instead of a traceback."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"Fout: {name} moet een heel getal zijn, niet '{value}'.") from None


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # default filled in by create_app (instance folder)
    # Server databases: test a pooled connection before use (a restarted PostgreSQL must not cause errors).
    # SQLite files need no ping; create_app drops it for them.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 1800}
    EBW_BASE_URL = os.environ.get("EBW_BASE_URL", "http://127.0.0.1:5000")
    EBW_CONTENT_DIR = os.environ.get("EBW_CONTENT_DIR", str(PROJECT_ROOT))

    # Mail: without MAIL_SERVER, mail goes to the database outbox that admins can read.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "EBW Leeromgeving <noreply@ebw.example.nl>")

    # Optional xAPI forwarding.
    EBW_LRS_URL = os.environ.get("EBW_LRS_URL")
    EBW_LRS_USER = os.environ.get("EBW_LRS_USER")
    EBW_LRS_PASSWORD = os.environ.get("EBW_LRS_PASSWORD")
    EBW_LRS_BATCH_SIZE = _int("EBW_LRS_BATCH_SIZE", 50)

    # Open Badges: the issuer's contact address in /badges/issuer.json.
    EBW_BADGE_ISSUER_EMAIL = os.environ.get("EBW_BADGE_ISSUER_EMAIL", "info@ror.example.nl")

    # Security.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; expiry would lose typed work
    LOGIN_THROTTLE_MAX_FAILURES = _int("EBW_LOGIN_MAX_FAILURES", 5)
    LOGIN_THROTTLE_WINDOW_MINUTES = _int("EBW_LOGIN_WINDOW_MINUTES", 15)
    # Failed logins from one client address across all accounts (password spraying) before it waits.
    LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS = _int("EBW_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted (0: use the peer address).
    EBW_TRUSTED_PROXIES = _int("EBW_TRUSTED_PROXIES", 0)
    PASSWORD_RESET_HOURS = 2
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # uploads (CSV imports) and form posts
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 14
    EBW_RETENTION_DAYS = _int("EBW_RETENTION_DAYS", 365 * 2)
    EBW_PEER_INVITE_DAYS = _int("EBW_PEER_INVITE_DAYS", 14)  # how long a colleague's assessment link is valid

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_SUPPORTED_LOCALES = ["nl", "en"]
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "ebw_training" / "translations")

    DEBUG = _bool("FLASK_DEBUG", False)
    TESTING = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = None
    SERVER_NAME = None
