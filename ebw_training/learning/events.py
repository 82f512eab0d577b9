"""Learning events, sent by the learning activities when something happens, in the same transaction.

Other packages listen without learning knowing them (interop writes each event to its xAPI outbox). Receivers run
synchronously, before the caller commits: what they add to the session is committed (or rolled back) together with
the event itself.

Every signal is sent with the Enrollment as sender, and keyword arguments:
- module_started, module_completed: module
- course_completed: (none)
- page_read: module, page
- quiz_submitted: module, attempt (a QuizAttempt with results per question)
- exercise_submitted: module, answer (the ExerciseAnswer)
- video_event: module, verb (initialized | played | paused | seeked | completed), session_id (UUID text),
  time, time_from, time_to (seconds), progress (0..1), segments (merged [start, end] pairs)
"""

from __future__ import annotations

import uuid
from typing import Any

from blinker import Namespace
from sqlalchemy import select

from ..core.errors import ValidationError
from ..extensions import db
from .models import VideoProgress
from .segments import merge_segments, video_coverage

_signals = Namespace()
module_started = _signals.signal("module-started")
module_completed = _signals.signal("module-completed")
course_completed = _signals.signal("course-completed")
page_read = _signals.signal("page-read")
quiz_submitted = _signals.signal("quiz-submitted")
exercise_submitted = _signals.signal("exercise-submitted")
video_event = _signals.signal("video-event")

VIDEO_VERBS = ("initialized", "played", "paused", "seeked", "completed")


def completion_changed(enrollment, scope: str, status: str, module=None) -> None:
    """A new entry in the completion history (learning.progress): module started or completed, course completed."""
    if scope == "module" and module is not None and status in ("started", "completed"):
        (module_started if status == "started" else module_completed).send(enrollment, module=module)
    elif scope == "course" and status == "completed":
        course_completed.send(enrollment)


def _seconds(value: Any, duration: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if number != number or number < 0:  # NaN or negative
        return 0.0
    return round(min(number, duration) if duration else number, 3)


def record_video_event(enrollment, module, payload: Any) -> bool:
    """A player event reported by the browser (static/js/video-xapi.js). False when there is nothing to send.

    Progress and played segments come from what the server counted (VideoProgress), not from the browser;
    "completed" is only sent once the video counts as watched.
    """
    if not isinstance(payload, dict) or payload.get("verb") not in VIDEO_VERBS or module.video is None:
        raise ValidationError("unknown video event")
    try:
        session_id = str(uuid.UUID(str(payload.get("session"))))
    except ValueError:
        raise ValidationError("bad video session id") from None
    verb = payload["verb"]
    row = db.session.scalar(select(VideoProgress).where(VideoProgress.enrollment_id == enrollment.id,
                                                        VideoProgress.video == module.video.name))
    if verb == "completed" and (row is None or row.watched_at is None):
        return False
    duration = float(module.video.duration or 0)
    segments = merge_segments(row.segments if row is not None else [])
    video_event.send(enrollment, module=module, verb=verb, session_id=session_id,
                     time=_seconds(payload.get("time"), duration), time_from=_seconds(payload.get("from"), duration),
                     time_to=_seconds(payload.get("to"), duration),
                     progress=video_coverage(segments, duration) if duration else 0.0, segments=segments)
    return True
