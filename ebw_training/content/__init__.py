"""Course content as files: loading, validation, rendering (DESIGN.md section 3)."""

from __future__ import annotations

from flask import Flask, current_app

from .course import Course

EXTENSION_KEY = "ebw_course"


def init_app(app: Flask) -> None:
    """Load and render the course once; refuse to start on invalid content."""
    from .startup import load_course_for_app

    app.extensions[EXTENSION_KEY] = load_course_for_app(app)


def get_course() -> Course:
    return current_app.extensions[EXTENSION_KEY]
