"""Access rules at the edge of every view.

Every view function declares who may call it with exactly one of these decorators. The
permission test (tests/test_permissions.py) walks the URL map and fails for any endpoint
without a declaration, so a new route cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager

ACCESS_ATTR = "_ebw_access"


def _mark(view: Callable, access: tuple[str, ...]) -> Callable:
    setattr(view, ACCESS_ATTR, access)
    return view


def public(view: Callable) -> Callable:
    """Anyone, logged in or not."""
    return _mark(view, ("public",))


def login_required(view: Callable) -> Callable:
    """Every logged-in user, whatever the role."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapped, ("authenticated",))


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Only users with one of the roles; others get 403, anonymous users go to the login page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, tuple(roles))

    return decorator


def access_of(view: Callable) -> tuple[str, ...] | None:
    return getattr(view, ACCESS_ATTR, None)
