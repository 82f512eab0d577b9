"""Learning events (learning.events) to xAPI statements in the outbox, in the event's own transaction."""

from __future__ import annotations

from ..content import get_course
from ..learning import events
from . import xapi


def _module_started(enrollment, module, **_):
    xapi.record_first(enrollment, xapi.module_launched(enrollment, get_course(), module))


def _module_completed(enrollment, module, **_):
    xapi.record(enrollment, xapi.module_completed(enrollment, get_course(), module))


def _course_completed(enrollment, **_):
    xapi.record(enrollment, xapi.course_completed(enrollment, get_course()))


def _page_read(enrollment, module, page, **_):
    xapi.record(enrollment, xapi.page_experienced(enrollment, get_course(), module, page))


def _quiz_submitted(enrollment, module, attempt, **_):
    for body in xapi.quiz_statements(enrollment, get_course(), module, attempt):
        xapi.record(enrollment, body)


def _exercise_submitted(enrollment, module, **_):
    xapi.record(enrollment, xapi.exercise_submitted(enrollment, get_course(), module))


def _video_event(enrollment, module, verb, session_id, time, time_from, time_to, progress, segments, **_):
    from ..learning.activities import VIDEO_THRESHOLD

    xapi.record(enrollment, xapi.video_event(
        enrollment, get_course(), module, verb, session_id=session_id, length=float(module.video.duration or 0),
        time=time, time_from=time_from, time_to=time_to, progress=progress, segments=segments,
        completion_threshold=VIDEO_THRESHOLD))


RECEIVERS = {
    events.module_started: _module_started,
    events.module_completed: _module_completed,
    events.course_completed: _course_completed,
    events.page_read: _page_read,
    events.quiz_submitted: _quiz_submitted,
    events.exercise_submitted: _exercise_submitted,
    events.video_event: _video_event,
}


def connect() -> None:
    """Listen to every learning event (idempotent: blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
