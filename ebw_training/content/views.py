"""Media files of the course (the intro video, its captions, poster and transcript)."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from ..core.permissions import login_required
from . import get_course

bp = Blueprint("content", __name__)

MEDIA_MAX_AGE = 7 * 24 * 3600  # files change only with a new release of the course
MIME_TYPES = {
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".vtt": "text/vtt",
    ".md": "text/markdown; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
}


@bp.get("/media/<path:filename>")
@login_required
def media(filename: str):
    """Only files that belong to a video of the course; send_from_directory answers Range requests (seeking)."""
    course = get_course()
    if filename not in course.extra.get("media_files", ()):
        abort(404)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    response = send_from_directory(course.media_dir, filename, mimetype=MIME_TYPES.get(suffix),
                                   max_age=MEDIA_MAX_AGE, conditional=True)
    response.headers["Cache-Control"] = f"private, max-age={MEDIA_MAX_AGE}"
    return response
