"""Placeholder loader: replaced by the real content engine."""

from __future__ import annotations

from flask import Flask

from .course import Course


def load_course_for_app(app: Flask) -> Course:
    return Course(title="Evidence Based Werken bij de preventie van radicalisering", modules=())
