"""Nothing typed is lost: exercise answers posted with an expired session or a stale form are kept.

The exercise view is exempt from the global CSRF check and checks the token itself (`keep_typed_answers`): a
POST from a logged-out browser, or with an expired token, never changes a draft, but its answers are kept for
the learner named in the form's signed owner field, and only when the post comes from the browser the form was
made in (the owner field names its server-side session; an anonymous post without a valid CSRF token is refused). After logging in they see them and choose whether to put
them back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..accounts.sessions import browser_session_id
from ..content import get_course
from ..extensions import csrf, db
from . import exercises
from .forms import owner_from_token, read_owner_token


def csrf_ok() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        csrf.protect()
    except CSRFError:
        return False
    return True


def keep_typed_answers(view: Callable) -> Callable:
    """Keep the answers of a POST that may not change the draft (see the module docstring)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        authenticated = current_user.is_authenticated
        token_ok = csrf_ok()
        slug = kwargs.get("slug", "")
        if authenticated and token_ok:
            return view(*args, **kwargs)
        if authenticated and current_user.role != "learner":
            abort(400)
        if not authenticated and not token_ok:  # a cross-site post, or a browser that lost its session
            return render_template("learning/form_expired.html", slug=slug, kept=False), 400
        kept = keep_posted_answers(slug, None if not authenticated else current_user.id)
        if not authenticated:
            if kept:
                flash(_("Je was niet meer ingelogd. We hebben je antwoorden bewaard. Log in, dan kun je ze "
                        "terugzetten."), "warning")
            return redirect(url_for("accounts.login", next=url_for("learning.exercise", slug=slug)))
        return render_template("learning/form_expired.html", slug=slug, kept=kept), 400

    return wrapped


def keep_posted_answers(slug: str, logged_in_id: int | None) -> bool:
    """Keep the posted answers for the learner the form was made for; commits (the request ends here)."""
    module = get_course().module(slug)
    if module is None or module.exercise is None:
        return False
    loaded = read_owner_token(request.form.get("owner"), slug)
    if loaded is None:
        return False
    owner, made_in_session = loaded
    if logged_in_id is not None and owner != logged_in_id:
        return False
    if logged_in_id is None and (made_in_session is None or made_in_session != browser_session_id()):
        return False  # only the browser the form was made in: a copied form plants nothing

    answers = exercises.exercise_answers_from_form(module.exercise, request.form)
    kept = exercises.keep_pending_draft(owner, module, answers) is not None
    db.session.commit()
    return kept


def owner_mismatch(token: str | None, slug: str) -> bool:
    """A form rendered for another learner (someone else logged in since) is never saved into this draft."""
    return bool(token) and owner_from_token(token, slug) != current_user.id
