"""Watched stretches of a video: validated, merged and measured (pure functions, no database)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

from ..core.errors import ValidationError

SEGMENT_TOLERANCE = 0.25  # seconds: segments closer than this are one segment (timeupdate granularity)
MAX_SEGMENTS_PER_REPORT = 200


def parse_segments(raw: Any, duration: float) -> list[tuple[float, float]]:
    """Validate reported segments ([[start, end], ...] in seconds) and clip them to the video.

    Only played stretches count: the player reports what it played, and a seek starts a new segment, so a jump
    to the end adds a few seconds at most. Positions, durations or "ended" flags from the client are ignored.
    """
    if not isinstance(raw, list):
        raise ValidationError(_("De voortgang van de video is niet goed doorgegeven."))
    if len(raw) > MAX_SEGMENTS_PER_REPORT:
        raise ValidationError(_("Te veel stukjes video in één keer doorgegeven."))
    segments = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValidationError(_("De voortgang van de video is niet goed doorgegeven."))
        start, end = item
        if any(isinstance(v, bool) or not isinstance(v, int | float) or abs(v) > 1e9 or not math.isfinite(v)
               for v in (start, end)):  # abs() first: an int too large for a float would overflow isfinite()
            raise ValidationError(_("De voortgang van de video is niet goed doorgegeven."))
        start, end = max(0.0, float(start)), min(float(duration), float(end))
        if end > start:
            segments.append((start, end))
    return segments


def merge_segments(segments: Iterable[Iterable[float]], tolerance: float = SEGMENT_TOLERANCE) -> list[list[float]]:
    """The union of segments as sorted, non-overlapping [start, end] pairs."""
    ordered = sorted((float(s), float(e)) for s, e in segments if float(e) > float(s))
    merged: list[list[float]] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1] + tolerance:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(s, 3), round(e, 3)] for s, e in merged]


def covered_seconds(segments: Iterable[Iterable[float]]) -> float:
    return sum(end - start for start, end in merge_segments(segments))


def video_coverage(segments: Iterable[Iterable[float]], duration: float) -> float:
    """Share of the video covered by the union of the watched segments (0..1)."""
    if not duration or duration <= 0:
        return 0.0
    return min(1.0, covered_seconds(segments) / duration)
