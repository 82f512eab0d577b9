"""Form helpers of the learner pages, and the trainer's review form.

Quiz and exercise forms are generated from the content by the registries in content/types.py; what lives here is
the plumbing around them: the signed owner reference in every exercise form, and reading the autosave JSON.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

OWNER_SALT = "ebw-exercise-owner"
OWNER_MAX_AGE = 30 * 24 * 3600
MAX_AUTOSAVE_FIELDS = 500
MAX_FIELD_CHARS = 20000


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=OWNER_SALT)


def owner_token(user_id: int, module_slug: str, session_id: int | None) -> str:
    """A signed "this form belongs to learner N, module M, made in server-side session S", so typed answers can be
    kept for the right learner when they arrive after the session has gone (and never end up in somebody else's
    draft). The session binding means only the browser the form was made in can have its answers kept."""
    return _serializer().dumps([user_id, module_slug, session_id])


def read_owner_token(token: str | None, module_slug: str) -> tuple[int, int | None] | None:
    """(learner id, session id) of a valid token for this module; None for anything else."""
    if not token or len(token) > 500:
        return None
    try:
        user_id, slug, session_id = _serializer().loads(token, max_age=OWNER_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    if slug != module_slug or not isinstance(user_id, int):
        return None
    return user_id, session_id if isinstance(session_id, int) else None


def owner_from_token(token: str | None, module_slug: str) -> int | None:
    loaded = read_owner_token(token, module_slug)
    return loaded[0] if loaded else None


def fields_from_json(payload: Any) -> MultiDict | None:
    """The autosave body {"fields": {name: value or [values]}} as the MultiDict a form post would give."""
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
        return None
    fields = payload["fields"]
    if len(fields) > MAX_AUTOSAVE_FIELDS:
        return None
    items: list[tuple[str, str]] = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values[:50]:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                items.append((str(name)[:200], str(item)[:MAX_FIELD_CHARS]))
    return MultiDict(items)


class ReviewForm(FlaskForm):
    feedback = TextAreaField(_l("Feedback voor de deelnemer"), validators=[Length(max=5000)],
                             description=_l("Wat gaat goed, en wat kan beter? De deelnemer ziet dit bij de oefening."))
    approve = SubmitField(_l("Goedkeuren"))
    return_ = SubmitField(_l("Teruggeven om te verbeteren"), name="return")
    comment = SubmitField(_l("Alleen feedback opslaan"))
