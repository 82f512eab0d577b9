"""The parts every question type shares: the graded result of one answer, and the pieces of its rendering
(template, prompt, verdict and feedback rows). The question types themselves are in content/types.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from .course import Question


@dataclass
class QuestionResult:
    score: float  # 0..1
    correct: bool  # score == 1
    chosen: list[str]  # option keys chosen (matching: "left_key=right_key")
    feedback: list[tuple[str, bool, str]] = field(default_factory=list)  # (option text, judged right, feedback html)


def _render_template(template_name: str, /, **context: Any) -> Markup:
    """Render one of the content templates without the page context processors (no request needed)."""
    return Markup(current_app.jinja_env.get_template(template_name).render(**context))  # nosec B704 # autoescaped


def _text(value: Any) -> str | None:
    """A scalar from YAML as text; None for missing, lists, mappings and yes/no booleans."""
    if value is None or isinstance(value, bool | list | dict):
        return None
    return str(value).strip()


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _markup(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(str(value or ""))  # nosec B704 # feedback rendered from Markdown


_SINGLE_PARAGRAPH = re.compile(r"^<p>((?:(?!</?p>).)*)</p>\s*$", re.DOTALL)


def _inline_prompt(prompt_html: str) -> Markup | None:
    """The prompt without its <p> when it is one paragraph (so it fits in a <legend>)."""
    match = _SINGLE_PARAGRAPH.match(str(prompt_html).strip())
    return Markup(match.group(1)) if match else None  # nosec B704 # part of rendered Markdown


def _verdict(result: QuestionResult | None) -> dict | None:
    if result is None:
        return None
    if result.correct:
        return {"state": "right", "text": _("Goed beantwoord.")}
    if result.score <= 0:
        return {"state": "wrong", "text": _("Niet goed beantwoord.")}
    return {"state": "partly", "text": _("Gedeeltelijk goed: je score voor deze vraag is %(pct)s%%.",
                                           pct=round(result.score * 100))}


def _feedback_rows(question: Question, result: QuestionResult | None) -> list[dict]:
    if result is None:
        return []
    by_text = {o.text: o for o in question.options}
    chosen = set(result.chosen)
    rows = []
    for text, right, feedback_html in result.feedback:
        option = by_text.get(text)
        picked = option is None or option.key in chosen
        if picked:
            label = _("Goed gekozen:") if right else _("Niet goed gekozen:")
        else:
            label = _("Niet gekozen, maar dit antwoord is ook goed:")
        rows.append({
            "html": option.html if option is not None else text,
            "right": bool(right),
            "label": label,
            "feedback_html": _markup(feedback_html),
        })
    return rows
