"""A learner's cached lesson and module pages, answered before the user is loaded.

Lesson and module pages are read far more often than they change, so they nearly always come from the
page cache (pagecache.py). For such a request, loading the session, the user and the enrolment as ORM
objects is most of the work, and the page needs none of them: its cache key holds everything it shows.

This check runs as the last step before the user would be loaded. It applies the same rules as the user
loader (accounts/sessions.py) to one plain SELECT of the session, the user and the current enrolment,
with no ORM objects and no ORM session, and answers from the cache when the page is there. Every other
case goes on to the normal view, which loads the user and fills the cache:
no session token or one made for another browser, a session that is ended, idle too long or due for its
"last seen" update, an inactive account, a user who is not a learner, no current enrolment, flashed
messages, or a page that is not in this worker's cache.
So logging out, ending a session elsewhere or withdrawing an enrolment counts on the very next request.
"""

from __future__ import annotations

from functools import cache

from flask import request
from sqlalchemy import bindparam, select

from ..accounts import sessions
from ..accounts.models import User, UserSession
from ..cohorts.models import Enrollment
from ..cohorts.services import with_current_enrollment
from ..core.rawselect import RawSelect
from ..extensions import db
from ..timeutil import utcnow
from .helpers import cache_key_for, page_cache

CACHED_ENDPOINTS = frozenset({"learning.module", "learning.page"})
# Marks a request answered from the cache (a page for a logged-in learner) in its WSGI environment.
ANSWERED_FROM_CACHE = "ebw.answered_from_cache"


@cache
def _snapshot() -> RawSelect:
    return RawSelect(with_current_enrollment(
        select(UserSession.ended_at, UserSession.expires_at, UserSession.last_seen_at,
               User.id.label("user_id"), User.name, User.role, User.is_active_account,
               Enrollment.id.label("enrollment_id"), Enrollment.progress_version, Enrollment.last_active_at)
        .select_from(UserSession)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
    ))


def answer_from_cache() -> str | None:
    """The cached page for this request, or None to go on to the view."""
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    token = sessions.presented_token()
    if token is None:
        return None
    row = _snapshot().first(db.engine, token_hash=sessions.hash_token(token))
    now = utcnow()
    if (row is None or not sessions.session_is_usable(row.ended_at, row.expires_at, row.is_active_account, now)
            or sessions.touch_due(row.last_seen_at, now) or row.role != "learner" or row.enrollment_id is None):
        return None
    key = cache_key_for(row.user_id, row.name, row.enrollment_id, row.progress_version, row.last_active_at)
    html = page_cache().get(key) if key is not None else None
    if html is not None:
        request.environ[ANSWERED_FROM_CACHE] = True
    return html


def answered_from_cache() -> bool:
    return request.environ.get(ANSWERED_FROM_CACHE, False)
