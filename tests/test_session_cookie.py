"""The signed session cookie keeps one serializer per set of secret keys, and follows a key rotation at once."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature

from ebw_training.core.session_cookie import CookieSessionInterface


def test_one_serializer_per_key_set_and_rotation_is_followed(app):
    interface = app.session_interface
    assert isinstance(interface, CookieSessionInterface)
    original_key, original_fallbacks = app.secret_key, app.config.get("SECRET_KEY_FALLBACKS")
    try:
        first = interface.get_signing_serializer(app)
        assert interface.get_signing_serializer(app) is first
        cookie = first.dumps({"locale": "en"})

        app.secret_key = "a-new-secret-key-for-this-test"
        rotated = interface.get_signing_serializer(app)
        assert rotated is not first
        assert rotated.loads(rotated.dumps({"a": 1})) == {"a": 1}
        with pytest.raises(BadSignature):  # the old key is no longer trusted...
            rotated.loads(cookie)

        app.config["SECRET_KEY_FALLBACKS"] = [original_key]  # ...unless kept as a fallback
        assert interface.get_signing_serializer(app).loads(cookie) == {"locale": "en"}
    finally:
        app.secret_key = original_key
        app.config["SECRET_KEY_FALLBACKS"] = original_fallbacks
