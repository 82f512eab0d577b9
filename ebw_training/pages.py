"""Public pages: start, privacy, accessibility statement, health check, language choice."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from .accounts.start import start_url_for
from .core.permissions import public
from .core.urls import is_safe_next

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(start_url_for(current_user))
    from .content import get_course

    return render_template("pages/index.html", course=get_course())


@bp.get("/privacy")
@public
def privacy():
    from .admin.retention import retention_policy

    return render_template("pages/privacy.html", policy=retention_policy())


@bp.get("/toegankelijkheid")
@public
def accessibility():
    return render_template("pages/toegankelijkheid.html")


@bp.get("/healthz")
@public
def healthz():
    from . import database_ok
    from .content import get_course

    course = get_course()
    db_ok = database_ok()
    body = {
        "status": "ok" if db_ok else "error",
        "database": "ok" if db_ok else "error",
        "content": {"status": "ok", "version": course.version, "modules": len(course.modules)},
    }
    return jsonify(body), 200 if db_ok else 503


@bp.post("/taal")
@public
def set_language():
    choice = request.form.get("locale", "nl")
    session["locale"] = choice if choice in current_app.config["BABEL_SUPPORTED_LOCALES"] else "nl"
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("pages.index"))
