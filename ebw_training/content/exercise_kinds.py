"""Exercise kinds: each a small class behind one interface, in a registry (EXERCISE_KINDS).

A new exercise kind is a subclass of ExerciseKind added to the registry; the loader, the validator, the learner
pages and the result documents all go through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from markupsafe import Markup

from .course import Exercise, ExerciseItem
from .problems import ERROR, WARNING, Problem
from .question_parts import _render_template, _text
from .types import ID_PATTERN
from .yamlutil import line_of

if TYPE_CHECKING:  # pragma: no cover
    from .markdown import ContentMarkdown

MAX_ANSWER_CHARS = 5000
_REFERENCE = re.compile(r"^[a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_-]*$")
DEFAULT_SCALE = ("ja", "deels", "nee", "weet niet")
PRIVACY_WORDS = ("privacy", "persoonsgegevens")
EXERCISE_KEYS = {"title", "kind", "instructions", "items", "scale", "shows_intervention", "two_assessors"}
ITEM_KEYS = {"id", "text", "help", "example", "from"}

class ExerciseKind:
    """One kind of exercise: how it is read, checked, filled in, shown and summarised for the result document."""

    name: str = ""
    template: str = ""

    def parse(
        self, data: Mapping, *, path: str, line: int, markdown: ContentMarkdown
    ) -> tuple[Exercise | None, list[Problem]]:
        problems: list[Problem] = []

        def report(at: int, message: str, severity: str = ERROR) -> None:
            problems.append(Problem(path, at, message, severity))

        for key in data:
            if key not in EXERCISE_KEYS:
                report(line_of(data, key, line), f"Onbekend veld '{key}' (bekend zijn: "
                                                 f"{', '.join(sorted(EXERCISE_KEYS))}).", WARNING)
        title = _text(data.get("title")) or ""
        if not title:
            report(line, "De oefening heeft geen titel (title).")
        instructions = _text(data.get("instructions")) or ""
        if not instructions:
            report(line, "De oefening heeft geen instructie (instructions).")
        elif not any(word in instructions.casefold() for word in PRIVACY_WORDS):
            report(line_of(data, "instructions", line),
                   "De instructie (instructions) noemt de privacyregel niet. Schrijf erin dat deelnemers werken met "
                   "hun eigen (beleids)interventie of een verzonnen casus, en nooit informatie opschrijven over "
                   "personen die mogelijk radicaliseren, of bijzondere persoonsgegevens. (De controle zoekt naar "
                   "het woord 'privacy' of 'persoonsgegevens'.)")
        scale = self._parse_scale(data, line, report)
        flags = {}
        for key in ("shows_intervention", "two_assessors"):
            value = data.get(key, False)
            if not isinstance(value, bool):
                report(line_of(data, key, line), f"Het veld '{key}' moet true of false zijn.")
                value = False
            flags[key] = value
        if flags["two_assessors"] and self.name != "checklist":
            report(line_of(data, "two_assessors", line), "Twee beoordelaars (two_assessors) kan alleen bij een "
                                                         "checklist.")

        raw_items = data.get("items")
        items: list[ExerciseItem] = []
        seen: dict[str, int] = {}
        if not isinstance(raw_items, list) or not raw_items:
            report(line_of(data, "items", line), "De oefening heeft geen items (items).")
            raw_items = []
        for index, raw in enumerate(raw_items):
            at = line_of(raw_items, index, line)
            if not isinstance(raw, Mapping):
                report(at, f"Item {index + 1}: schrijf een item als 'id: ...' met daaronder 'text:'.")
                continue
            for key in raw:
                if key not in ITEM_KEYS:
                    report(line_of(raw, key, at), f"Item {index + 1}: onbekend veld '{key}'.", WARNING)
            item_id = _text(raw.get("id")) or ""
            if not item_id:
                report(at, f"Item {index + 1} heeft geen id. Geef elk item een vaste id, zoals 'probleem-bekend'.")
            elif not ID_PATTERN.match(item_id):
                report(line_of(raw, "id", at), f"Item-id '{item_id}' mag alleen kleine letters, cijfers en "
                                               "streepjes bevatten.")
            elif item_id in seen:
                report(line_of(raw, "id", at), f"Item-id '{item_id}' komt twee keer voor (ook op regel "
                                               f"{seen[item_id]}). Elk item heeft een eigen id nodig.")
            else:
                seen[item_id] = line_of(raw, "id", at)
            text = _text(raw.get("text")) or ""
            if not text:
                report(at, f"Item {index + 1} ('{item_id}') heeft geen tekst (text).")
            help_text = _text(raw.get("help")) or ""
            example = _text(raw.get("example")) or ""
            carried = _carried_from(raw.get("from"))
            if carried is None:
                report(line_of(raw, "from", at), f"Item {index + 1} ('{item_id}'): schrijf 'from' als "
                                                 "'oefening.item-id', of als een lijst daarvan.")
                carried = ()
            items.append(ExerciseItem(
                id=item_id,
                text=text,
                help=help_text,
                help_html=markdown.render(help_text),
                example=example,
                example_html=markdown.render(example),
                carried_from=carried,
                carried_line=line_of(raw, "from", at) if carried else 0,
            ))
        if items and not any(item.example for item in items):
            report(line_of(data, "items", line), "Geen enkel item heeft een voorbeeldantwoord (example). Geef bij "
                                                 "minstens één item een voorbeeld.")
        exercise = Exercise(
            name=PurePosixPath(path).stem,
            title=title,
            kind=self.name,
            instructions=instructions,
            instructions_html=markdown.render(instructions),
            items=tuple(items),
            scale=scale,
            path=path,
            **flags,
        )
        problems.extend(self.validate(exercise, path=path, line=line))
        has_error = any(p.is_error for p in problems)
        return (None if has_error else exercise), problems

    def _parse_scale(self, data: Mapping, line: int, report) -> tuple[str, ...]:
        if data.get("scale") is not None:
            report(line_of(data, "scale", line), "Een schaal (scale) hoort alleen bij een checklist; laat hem weg.",
                   WARNING)
        return ()

    def validate(self, exercise: Exercise, *, path: str = "", line: int = 1) -> list[Problem]:
        return []

    def answers_from_form(self, exercise: Exercise, form) -> dict:
        raise NotImplementedError

    def missing(self, exercise: Exercise, answers: dict) -> dict[str, str]:
        raise NotImplementedError

    def summarise(self, exercise: Exercise, answers: dict) -> list[tuple[str, str]]:
        raise NotImplementedError

    def render(self, exercise: Exercise, answers: dict, errors: dict[str, str] | None = None,
               disabled: bool = False, carried: Mapping[str, list] | None = None) -> Markup:
        """The form fields of the exercise (no <form>, no buttons), with the learner's answers filled in.

        `carried` holds, per item, the earlier answers it builds on (learning/carry.py), shown above the field.
        """
        return _render_template(
            self.template,
            exercise=exercise,
            answers=answers or {},
            errors=errors or {},
            disabled=disabled,
            carried=carried or {},
            max_chars=MAX_ANSWER_CHARS,
        )


def _carried_from(raw: Any) -> tuple[str, ...] | None:
    """The `from` field of an item: "exercise.item-id" or a list of those; None when it has another form."""
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    refs = [_text(value) or "" for value in values]
    if not refs or not all(_REFERENCE.match(ref) for ref in refs):
        return None
    return tuple(refs)


def _clean(value: Any) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    return text[:MAX_ANSWER_CHARS]


def _answer(answers: Any, item_id: str) -> dict:
    if not isinstance(answers, Mapping):
        return {}
    value = answers.get(item_id)
    return value if isinstance(value, Mapping) else {}


class ChecklistKind(ExerciseKind):
    name = "checklist"
    template = "content/exercise_checklist.html"

    def _parse_scale(self, data: Mapping, line: int, report) -> tuple[str, ...]:
        raw = data.get("scale")
        if raw is None:
            return DEFAULT_SCALE
        values = [_text(v) for v in raw] if isinstance(raw, list) else []
        if len(values) < 2 or not all(values) or len({v.casefold() for v in values}) != len(values):
            report(line_of(data, "scale", line), "De schaal (scale) moet een lijst zijn van minstens twee "
                                                 "verschillende antwoorden, zoals [ja, deels, nee, weet niet].")
            return DEFAULT_SCALE
        return tuple(values)  # type: ignore[arg-type]

    def answers_from_form(self, exercise: Exercise, form) -> dict:
        answers = {}
        for item in exercise.items:
            scale = form.get(f"item-{item.id}-scale", "")
            answers[item.id] = {
                "scale": scale if scale in exercise.scale else "",
                "explanation": _clean(form.get(f"item-{item.id}-explanation")),
            }
        return answers

    def missing(self, exercise: Exercise, answers: dict) -> dict[str, str]:
        return {
            item.id: _("Kies een antwoord bij deze vraag.")
            for item in exercise.items
            if _answer(answers, item.id).get("scale") not in exercise.scale
        }

    def summarise(self, exercise: Exercise, answers: dict) -> list[tuple[str, str]]:
        rows = []
        for item in exercise.items:
            answer = _answer(answers, item.id)
            scale = str(answer.get("scale") or "")
            explanation = str(answer.get("explanation") or "").strip()
            if scale and explanation:
                text = f"{scale}. {_('Toelichting')}: {explanation}"
            else:
                text = scale or explanation or _("Niet ingevuld")
            rows.append((item.text, text))
        return rows


class FormatKind(ExerciseKind):
    name = "format"
    template = "content/exercise_format.html"

    def answers_from_form(self, exercise: Exercise, form) -> dict:
        return {item.id: {"text": _clean(form.get(f"item-{item.id}-text"))} for item in exercise.items}

    def missing(self, exercise: Exercise, answers: dict) -> dict[str, str]:
        return {
            item.id: _("Vul dit onderdeel in.")
            for item in exercise.items
            if not str(_answer(answers, item.id).get("text") or "").strip()
        }

    def summarise(self, exercise: Exercise, answers: dict) -> list[tuple[str, str]]:
        return [
            (item.text, str(_answer(answers, item.id).get("text") or "").strip() or _("Niet ingevuld"))
            for item in exercise.items
        ]


EXERCISE_KINDS: dict[str, ExerciseKind] = {k.name: k for k in (ChecklistKind(), FormatKind())}
