"""EBW Leeromgeving: the ROR training Evidence Based Werken bij de preventie van radicalisering."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from flask_login import current_user
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from .config import Config, TestConfig
from .core.formatting import selected_language
from .extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Application factory: settings, extensions, blueprints, CLI and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    testing = isinstance(config, dict) and config.get("TESTING")
    app.config.from_object(TestConfig if testing else Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "ebw.sqlite")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        options.pop("pool_recycle", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = "dev-only-not-secret"
        elif _running_cli_command():
            # Management commands sign nothing that outlives the process.
            app.config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set the environment variable SECRET_KEY to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )

    _init_extensions(app)
    if app.config.get("EBW_TRUSTED_PROXIES"):
        # Behind N reverse proxies the client address is the Nth from the right in X-Forwarded-For;
        # without this setting the header is ignored (anyone could write it).
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = app.config["EBW_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.url_map.converters["int"] = DatabaseInt
    _init_blueprints(app)
    _init_security(app)
    _init_templates(app)
    _init_errors(app)
    from .cli import init_app as init_cli

    init_cli(app)
    from .content import init_app as init_content

    init_content(app)
    _init_user_loading(app)
    return app


def _init_user_loading(app: Flask) -> None:
    """Load the user as the last step before a view (after every other before-request hook, such as the
    content reload check), unless a learner's cached page can answer without it."""
    from .accounts.sessions import load_user_before_views
    from .learning.cached_pages import answer_from_cache

    load_user_before_views(app, answer_first=answer_from_cache)


class DatabaseInt(IntegerConverter):
    """`<int:...>` in URLs: an id no database column can hold is simply not found (404), never a 5xx."""

    def __init__(self, map, *args, **kwargs):  # werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _running_cli_command() -> bool:
    """True inside a `flask ...` command other than `run` (which serves requests)."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name not in ("run", None) and ctx.command.name != "run"


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"), render_as_batch=True)
    from .core.session_cookie import CookieSessionInterface

    app.session_interface = CookieSessionInterface()
    csrf.init_app(app)
    babel.init_app(app, locale_selector=selected_language)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    if app.config.get("SQLALCHEMY_DATABASE_URI", "").startswith("sqlite"):
        _sqlite_pragmas(app)

    from .accounts.sessions import init_app as init_sessions
    from .cohorts.services import load_session_with_user, load_user_with_enrollment

    init_sessions(app, load_session_with_user=load_session_with_user, load_user=load_user_with_enrollment)

    # Import every model so metadata (and Alembic) know all tables.
    from . import models  # noqa: F401


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _set_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()


def _init_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .cohorts.views import bp as cohorts_bp
    from .cohorts.views import registration_bp
    from .content.views import bp as content_bp
    from .dossier.views import bp as dossier_bp
    from .interop.views import bp as badges_bp
    from .learning.reviews import bp as reviews_bp
    from .learning.views import bp as learning_bp
    from .municipalities.views import bp as municipalities_bp
    from .pages import bp as pages_bp
    from .reporting.views import bp as reporting_bp
    from .trainer import views as _cohort_page  # noqa: F401  (adds the cohort page to the cohorts blueprint)
    from .trainer.analysis_views import bp as analysis_bp
    from .trainer.attempt_views import bp as attempts_bp
    from .trainer.matrix_views import bp as matrix_bp
    from .trainer.preview_views import bp as preview_bp
    from .trainer.reminder_views import bp as reminders_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(content_bp)
    app.register_blueprint(dossier_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(cohorts_bp, url_prefix="/trainer")
    app.register_blueprint(reviews_bp, url_prefix="/trainer")
    for trainer_bp in (matrix_bp, reminders_bp, analysis_bp, preview_bp, attempts_bp):
        app.register_blueprint(trainer_bp, url_prefix="/trainer")
    app.register_blueprint(reporting_bp, url_prefix="/coordinator")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(municipalities_bp, url_prefix="/admin/gemeenten")

    from .interop.xapi_events import connect as connect_xapi

    connect_xapi()  # every learning event also becomes an xAPI statement in the outbox


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def _init_security(app: Flask) -> None:
    from .learning.cached_pages import answered_from_cache

    @app.before_request
    def refuse_nul_characters():
        # No browser sends NUL in text, and PostgreSQL cannot store it: a clear 400, not a database error.
        # In a query string a NUL is written %00 (or sent raw by a lax server), so most requests are cleared
        # without parsing it.
        query = request.query_string
        values = list(request.args.values()) if b"%00" in query or b"\x00" in query else []
        if request.method == "POST":
            values += request.form.values()
        if any("\x00" in value for value in values):
            from flask import abort

            abort(400)

    @app.before_request
    def refuse_json_that_is_not_an_object():
        # Forms and JSON endpoints all expect an object; anything else is a bad request, not a crash.
        # Size and depth are checked on the raw bytes first: deep nesting would crash the parser itself.
        if request.method in ("POST", "PUT", "PATCH") and request.is_json:
            from flask import jsonify
            from flask_babel import gettext

            from .jsonguard import json_body_problem

            problem = json_body_problem(request.content_length, lambda: request.get_data(cache=True))
            if problem == "size":
                message = gettext("Het verzoek is te groot. Ververs de pagina en probeer het opnieuw.")
                return jsonify(ok=False, message=message), 400
            if problem is not None or not isinstance(request.get_json(silent=True), dict):
                message = gettext("Het verzoek is niet goed doorgegeven. Ververs de pagina en probeer het opnieuw.")
                return jsonify(ok=False, message=message), 400

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        missing = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
        if "strict-transport-security" not in present and (request.is_secure or app.config.get("SESSION_COOKIE_SECURE")):
            missing.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        if "cache-control" not in present and (answered_from_cache() or current_user.is_authenticated):
            missing.append(("Cache-Control", "no-store"))
        headers.extend(missing)
        return response


def _init_templates(app: Flask) -> None:
    from .cohorts.models import status_label
    from .core.formatting import register_filters

    register_filters(app)
    app.jinja_env.globals["enrollment_status_label"] = status_label

    @app.context_processor
    def inject_globals():
        from .accounts.start import nav_items

        return {"nav_items": nav_items(), "current_locale": selected_language()}


def _init_errors(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    messages = {
        400: (_l("Dit verzoek klopt niet"), _l("Het formulier of de link is niet goed. Ga terug en probeer het opnieuw.")),
        403: (_l("Geen toegang"), _l("Je hebt geen toegang tot deze pagina.")),
        404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet (meer). Controleer het adres.")),
        405: (_l("Niet toegestaan"), _l("Deze actie kan niet op deze manier.")),
        409: (_l("Dit was al opgeslagen"),
              _l("Dit was al opgeslagen, misschien omdat je twee keer klikte. Ga terug en ververs de pagina.")),
        413: (_l("Bestand te groot"), _l("Het bestand is te groot.")),
        429: (_l("Te veel pogingen"), _l("Je hebt het te vaak geprobeerd. Wacht een kwartier en probeer het opnieuw.")),
        500: (_l("Er ging iets mis"), _l("Er ging iets mis aan onze kant. Probeer het later opnieuw.")),
    }

    def error_page(code: int, title=None, message=None):
        default_title, default_message = messages[code]
        return render_template("error.html", code=code, title=title or default_title,
                               message=message or default_message), code

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code not in messages:
            code = 500
        if code == 500:
            db.session.rollback()
        return error_page(code)

    for code in messages:
        if code != 409:
            app.register_error_handler(code, render_error)

    from flask_wtf.csrf import CSRFError
    from sqlalchemy.exc import DataError, IntegrityError

    @app.errorhandler(DataError)
    def data_error(error):
        # Input the database cannot store (a value too long for its column, an invalid byte): refuse calmly.
        db.session.rollback()
        app.logger.warning("data error answered with 400: %s", error.orig)
        return error_page(400)

    @app.errorhandler(IntegrityError)
    def integrity_error(error):
        # Two requests raced to store the same thing (a double click, two tabs): the first one won.
        db.session.rollback()
        app.logger.info("integrity error answered with 409: %s", error.orig)
        return error_page(409)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.is_json:
            from flask import jsonify

            message = _l("Dit formulier is verlopen. Ververs de pagina en probeer het opnieuw.")
            return jsonify(ok=False, message=str(message)), 400
        return error_page(400, _l("Formulier verlopen"),
                          _l("Dit formulier is verlopen. Ga terug, ververs de pagina en verstuur het opnieuw."))


def database_ok() -> bool:
    """The database answers and is migrated (the municipality reference data is there)."""
    try:
        return bool(db.session.execute(text("SELECT 1 FROM municipality LIMIT 1")).first())
    except Exception:  # health check reports any failure
        db.session.rollback()
        return False


__all__ = ["create_app", "database_ok"]
