"""Flask's signed session cookie, with its signing serializer made once instead of twice per request.

Flask builds a new `URLSafeTimedSerializer` each time it opens or saves the session; it depends only on
the secret keys, so one is kept per set of keys (a changed key or fallback list makes a new one).
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessionInterface(SecureCookieSessionInterface):
    _made_for: tuple | None = None
    _serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys != self._made_for:
            self._serializer = super().get_signing_serializer(app)
            self._made_for = keys
        return self._serializer
