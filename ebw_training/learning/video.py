"""Watching the video of a module: only played stretches count (docs/progress-rules.md)."""

from __future__ import annotations

from typing import Any

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
from .segments import merge_segments, parse_segments, video_coverage
from .storage import insert_ignore, lock_enrollment

MAX_STORED_SEGMENTS = 1000


def record_video_progress(enrollment: Enrollment, module: Module, raw_segments: Any) -> VideoProgress:
    """Add watched segments; the video counts as watched once they cover 90 % of it (and stays watched)."""
    video = module.video
    if video is None or video.external_url or not video.duration:
        raise ValidationError(_("Bij deze module hoort geen video waarvan we de voortgang bijhouden."))
    segments = parse_segments(raw_segments, video.duration)
    lock_enrollment(enrollment)
    insert_ignore(VideoProgress, {"enrollment_id": enrollment.id, "video": video.name, "duration": video.duration,
                                   "segments": [], "content_version": module.version or "onbekend"})
    row = db.session.scalar(
        select(VideoProgress).where(VideoProgress.enrollment_id == enrollment.id, VideoProgress.video == video.name)
        .execution_options(populate_existing=True)
    )
    merged = merge_segments([*(row.segments or []), *segments])
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
