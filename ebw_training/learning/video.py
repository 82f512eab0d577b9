"""Watching the video of a module: only played stretches count (docs/progress-rules.md), and no faster than
the clock allows since the video page was opened, at the player's fastest playback rate."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content.course import Module
from ..core.errors import ValidationError
from ..extensions import db
from ..timeutil import utcnow
from .activities import VIDEO_THRESHOLD
from .models import VideoProgress
from .progress import refresh_enrollment_summary
from .segments import covered_seconds, merge_segments, parse_segments, video_coverage
from .storage import insert_ignore, lock_enrollment

MAX_STORED_SEGMENTS = 1000
# The fastest playback rate the player offers (static/js/video-progress.js holds the player to it).
MAX_PLAYBACK_RATE = 2.0
# Seconds of leeway for the moment between opening the page and the first report.
CLOCK_SLACK_SECONDS = 5.0


class CoverageTooFast(ValidationError):
    """Reported coverage that could not have been played in the time since the video page was opened."""


def _progress_row(enrollment: Enrollment, module: Module) -> VideoProgress:
    video = module.video
    insert_ignore(VideoProgress, {"enrollment_id": enrollment.id, "video": video.name, "duration": video.duration,
                                   "segments": [], "content_version": module.version or "onbekend"})
    return db.session.scalar(
        select(VideoProgress).where(VideoProgress.enrollment_id == enrollment.id, VideoProgress.video == video.name)
        .execution_options(populate_existing=True)
    )


def open_video(enrollment: Enrollment, module: Module) -> None:
    """The learner opened the video page: the clock for new coverage starts now."""
    video = module.video
    if video is None or video.external_url or not video.duration:
        return
    lock_enrollment(enrollment)
    row = _progress_row(enrollment, module)
    row.opened_at = utcnow()
    row.covered_at_open = covered_seconds(row.segments or [])
    db.session.flush()


def _check_pace(enrollment: Enrollment, row: VideoProgress, merged: list, now) -> None:
    gained = covered_seconds(merged) - (row.covered_at_open or 0.0)
    elapsed = (now - row.opened_at).total_seconds() if row.opened_at else 0.0
    allowed = max(0.0, elapsed) * MAX_PLAYBACK_RATE + CLOCK_SLACK_SECONDS if row.opened_at else 0.0
    if gained > allowed:
        current_app.logger.warning(
            "video coverage refused: enrollment %s, video %s, %.1f s more covered in %.1f s since the page "
            "was opened (at most %.1f s allowed)", enrollment.id, row.video, gained, elapsed, allowed)
        raise CoverageTooFast(_("Deze voortgang kan niet kloppen: zoveel video kan niet zo snel bekeken zijn. "
                                "Open de videopagina opnieuw en kijk de video."))


def record_video_progress(enrollment: Enrollment, module: Module, raw_segments: Any) -> VideoProgress:
    """Add watched segments; the video counts as watched once they cover 90 % of it (and stays watched)."""
    video = module.video
    if video is None or video.external_url or not video.duration:
        raise ValidationError(_("Bij deze module hoort geen video waarvan we de voortgang bijhouden."))
    segments = parse_segments(raw_segments, video.duration)
    lock_enrollment(enrollment)
    row = _progress_row(enrollment, module)
    merged = merge_segments([*(row.segments or []), *segments])
    if segments:
        _check_pace(enrollment, row, merged, utcnow())
    if len(merged) > MAX_STORED_SEGMENTS:  # many tiny scattered segments: keep the longest ones
        merged = sorted(sorted(merged, key=lambda s: s[1] - s[0], reverse=True)[:MAX_STORED_SEGMENTS])
    if segments or not row.segments:
        row.segments = merged
        row.duration = video.duration
        row.content_version = module.version or "onbekend"
        row.updated_at = utcnow()
    if row.watched_at is None and video_coverage(merged, video.duration) >= VIDEO_THRESHOLD - 1e-9:
        row.watched_at = utcnow()
    db.session.flush()
    if segments:
        refresh_enrollment_summary(enrollment, cause="Video bekeken")
    return row
