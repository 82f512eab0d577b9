"""External videos: the privacy-friendly embed address of a YouTube or Vimeo URL, computed when content loads."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")
YOUTUBE_HOSTS = ("www.youtube.com", "youtube.com", "m.youtube.com", "www.youtube-nocookie.com")
VIMEO_HOSTS = ("vimeo.com", "www.vimeo.com", "player.vimeo.com")


def external_embed(url: str | None) -> str | None:
    """The embed address (the CSP allows only these frames), or None when the URL names no video we can embed."""
    if not url:
        return None
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    video_id = None
    if host in YOUTUBE_HOSTS:
        if parsed.path == "/watch":
            video_id = (parse_qs(parsed.query).get("v") or [None])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/")):
            video_id = parsed.path.split("/")[2]
        if video_id and _VIDEO_ID.fullmatch(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host == "youtu.be":
        video_id = parsed.path.lstrip("/")
        if _VIDEO_ID.fullmatch(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host in VIMEO_HOSTS:
        digits = parsed.path.rstrip("/").rsplit("/", 1)[-1]
        if digits.isdigit():
            return f"https://player.vimeo.com/video/{digits}"
    return None


def provider_name(url: str | None) -> str | None:
    """Who serves the video, for the privacy note next to it; None for an unknown host."""
    host = (urlparse(url or "").hostname or "").lower()
    if "youtu" in host:
        return "YouTube (Google)"
    if "vimeo" in host:
        return "Vimeo"
    return host or None
