"""Question types and exercise kinds: each a small class behind one interface, in a registry.

A new question type is a subclass of QuestionType added to QUESTION_TYPES; the loader, the
validator, the learner pages and GIFT interop all go through the registry.

Answers as stored (JSON):
- single, true_false: the chosen option key ("b"), None when unanswered;
- multiple: the list of chosen option keys in option order (["a", "c"]), None when none chosen;
- matching: {left option key: right option key} where the right side is named by the key of the
  option it belongs to (a pair is right when both keys are equal), None when nothing chosen.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from .course import Exercise, ExerciseItem, Option, Question
from .problems import ERROR, WARNING, Problem
from .yamlutil import line_of

if TYPE_CHECKING:  # pragma: no cover
    from .markdown import ContentMarkdown

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
OPTION_KEYS = "abcdefghijklmnopqrstuvwxyz"
MAX_ANSWER_CHARS = 5000
DEFAULT_SCALE = ("ja", "deels", "nee", "weet niet")
TRUE_FALSE_TEXTS = ("Waar", "Niet waar")
PRIVACY_WORDS = ("privacy", "persoonsgegevens")

QUESTION_KEYS = {"id", "type", "prompt", "options", "explanation"}
OPTION_FIELDS = {"text", "correct", "feedback", "match"}
EXERCISE_KEYS = {"title", "kind", "instructions", "items", "scale"}
ITEM_KEYS = {"id", "text", "help", "example"}


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


# --------------------------------------------------------------------------------------------------------------------
# Question types


class QuestionType:
    """One kind of quiz question: how it is read from a file, checked, answered, graded and shown."""

    name: str = ""
    label: str = ""  # in Dutch, for authors' messages
    input_type: str = "radio"
    uses_correct: bool = True
    feedback_required: bool = True

    # -- reading and checking ------------------------------------------------------------------------------------

    def parse(
        self, data: Mapping, *, path: str, line: int, markdown: ContentMarkdown
    ) -> tuple[Question | None, list[Problem]]:
        """Build a Question from its YAML mapping; problems carry the file's line numbers."""
        problems: list[Problem] = []

        def report(at: int, message: str, severity: str = ERROR) -> None:
            problems.append(Problem(path, at, message, severity))

        qid = _text(data.get("id")) or ""
        who = f"Vraag '{qid}'" if qid else "Deze vraag"
        if not qid:
            report(line, "Deze vraag heeft geen id. Geef elke vraag een vaste id, zoals 'drie-soorten-kennis'.")
        elif not ID_PATTERN.match(qid):
            report(line_of(data, "id", line), f"Vraag-id '{qid}' mag alleen kleine letters, cijfers en streepjes "
                                               "bevatten (zoals 'drie-soorten-kennis').")
        for key in data:
            if key not in QUESTION_KEYS:
                report(line_of(data, key, line), f"{who}: onbekend veld '{key}' (bekend zijn: "
                                                  f"{', '.join(sorted(QUESTION_KEYS))}).", WARNING)
        prompt = _text(data.get("prompt")) or ""
        if not prompt:
            report(line, f"{who} heeft geen vraagtekst (prompt).")
        explanation = _text(data.get("explanation")) or ""
        if data.get("explanation") is not None and not explanation:
            report(line_of(data, "explanation", line), f"{who}: de uitleg (explanation) moet een tekst zijn.")

        raw_options = data.get("options")
        options: list[Option] = []
        option_lines: list[int] = []
        if not isinstance(raw_options, list) or not raw_options:
            report(line_of(data, "options", line), f"{who} heeft geen antwoordopties (options).")
            raw_options = []
        if len(raw_options) > len(OPTION_KEYS):
            report(line_of(data, "options", line), f"{who} heeft meer dan {len(OPTION_KEYS)} opties.")
            raw_options = raw_options[: len(OPTION_KEYS)]
        for index, raw in enumerate(raw_options):
            at = line_of(raw_options, index, line)
            option_lines.append(at)
            number = index + 1
            if not isinstance(raw, Mapping):
                report(at, f"{who}, optie {number}: schrijf een optie als 'text: ...' met daaronder "
                           "'correct:' en 'feedback:'.")
                continue
            for key in raw:
                if key not in OPTION_FIELDS:
                    report(line_of(raw, key, at), f"{who}, optie {number}: onbekend veld '{key}'.", WARNING)
            text = _text(raw.get("text"))
            if isinstance(raw.get("text"), bool):
                report(line_of(raw, "text", at), f"{who}, optie {number}: YAML leest deze tekst als ja/nee-waarde. "
                                                 "Zet de tekst tussen aanhalingstekens.")
            elif not text:
                report(at, f"{who}, optie {number}: de tekst (text) ontbreekt.")
            correct = raw.get("correct", False)
            if not isinstance(correct, bool):
                report(line_of(raw, "correct", at), f"{who}, optie {number}: 'correct' moet true of false zijn.")
                correct = False
            feedback = _text(raw.get("feedback")) or ""
            match = _text(raw.get("match"))
            options.append(
                Option(
                    key=OPTION_KEYS[index],
                    text=text or "",
                    html=markdown.render_inline(text or ""),
                    correct=correct,
                    feedback=feedback,
                    feedback_html=markdown.render(feedback),
                    match=match,
                )
            )
        question = Question(
            id=qid,
            type=self.name,
            prompt=prompt,
            prompt_html=markdown.render(prompt),
            options=tuple(options),
            explanation=explanation,
            explanation_html=markdown.render(explanation),
            line=line,
        )
        for index, raw in enumerate(raw_options):
            if isinstance(raw, Mapping) and index < len(option_lines):
                problems.extend(self._check_option_fields(question, raw, index + 1, option_lines[index], path))
        problems.extend(self.validate(question, path=path, option_lines=option_lines))
        has_error = any(p.is_error for p in problems)
        return (None if has_error else question), problems

    def _check_option_fields(self, question: Question, raw: Mapping, number: int, at: int, path: str) -> list[Problem]:
        who = f"Vraag '{question.id}'" if question.id else "Deze vraag"
        problems = []
        if self.feedback_required and not _text(raw.get("feedback")):
            text = _short(_text(raw.get("text")) or "")
            problems.append(Problem(path, at, f"{who}, optie {number} ('{text}'): de feedback ontbreekt. Leg bij "
                                              "elke optie uit waarom die goed of niet goed is."))
        if not self.uses_correct and "correct" in raw:
            problems.append(Problem(path, line_of(raw, "correct", at), f"{who}, optie {number}: 'correct' heeft "
                                    f"geen betekenis bij {self.label}; laat het weg.", WARNING))
        if self.name != "matching" and raw.get("match") is not None:
            problems.append(Problem(path, line_of(raw, "match", at), f"{who}, optie {number}: 'match' hoort "
                                    "alleen bij koppelvragen (type matching); laat het weg.", WARNING))
        return problems

    def validate(self, question: Question, *, path: str = "", option_lines: Sequence[int] = ()) -> list[Problem]:
        """Checks of this type on a parsed question (the rules in docs/content-format.md)."""
        return []

    # -- answering -----------------------------------------------------------------------------------------------

    def field_name(self, question: Question) -> str:
        return f"q-{question.id}"

    def answer_from_form(self, question: Question, form) -> object:
        value = form.get(self.field_name(question))
        return value if value in {o.key for o in question.options} else None

    def grade(self, question: Question, answer) -> QuestionResult:
        """Single answer: 1 when the chosen option is the correct one, else 0."""
        if isinstance(answer, list | tuple):
            answer = answer[0] if len(answer) == 1 else None
        chosen = next((o for o in question.options if o.key == answer), None)
        if chosen is None:
            return QuestionResult(score=0.0, correct=False, chosen=[], feedback=[])
        score = 1.0 if chosen.correct else 0.0
        return QuestionResult(
            score=score,
            correct=score == 1.0,
            chosen=[chosen.key],
            feedback=[(chosen.text, chosen.correct, str(chosen.feedback_html))],
        )

    # -- showing -------------------------------------------------------------------------------------------------

    def _ordered_options(self, question: Question, seed: int) -> list[Option]:
        options = list(question.options)
        if seed:
            random.Random(f"{seed}:{question.id}").shuffle(options)
        return options

    def _chosen_keys(self, answer, result: QuestionResult | None) -> set[str]:
        if answer is None and result is not None:
            return set(result.chosen)
        if isinstance(answer, str):
            return {answer}
        if isinstance(answer, list | tuple):
            return {str(a) for a in answer}
        return set()

    def render(
        self,
        question: Question,
        *,
        number: int,
        answer=None,
        result: QuestionResult | None = None,
        seed: int = 0,
    ) -> Markup:
        """An accessible fieldset; with `result`, read-only with the verdict, feedback and explanation.

        `seed` 0 keeps the file order; another seed shuffles the options (pass it when the quiz shuffles).
        """
        chosen = self._chosen_keys(answer, result)
        name = self.field_name(question)
        rows = [
            {
                "key": option.key,
                "id": f"{name}-{option.key}",
                "html": option.html,
                "checked": option.key in chosen,
            }
            for option in self._ordered_options(question, seed)
        ]
        return _render_template(
            "content/question.html",
            question=question,
            qtype=self,
            number=number,
            name=name,
            rows=rows,
            result=result,
            verdict=_verdict(result),
            feedback=_feedback_rows(question, result),
            inline_prompt=_inline_prompt(question.prompt_html),
        )


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


class SingleChoice(QuestionType):
    name = "single"
    label = "één antwoord goed"

    def validate(self, question: Question, *, path: str = "", option_lines: Sequence[int] = ()) -> list[Problem]:
        problems = []
        who = f"Vraag '{question.id}'"
        if len(question.options) == 1:
            problems.append(Problem(path, question.line, f"{who} heeft maar één optie; geef er minstens twee."))
        n_correct = sum(o.correct for o in question.options)
        if question.options and n_correct == 0:
            problems.append(Problem(path, question.line, f"{who} ({self.label}) heeft geen goed antwoord. "
                                                         "Zet bij precies één optie 'correct: true'."))
        elif n_correct > 1:
            problems.append(Problem(path, question.line, f"{who} ({self.label}) heeft {n_correct} goede "
                                    "antwoorden. Zet bij precies één optie 'correct: true', of maak er type "
                                    "'multiple' van."))
        return problems


class TrueFalse(QuestionType):
    name = "true_false"
    label = "waar of niet waar"

    def _ordered_options(self, question: Question, seed: int) -> list[Option]:
        return list(question.options)  # Waar before Niet waar, always

    def validate(self, question: Question, *, path: str = "", option_lines: Sequence[int] = ()) -> list[Problem]:
        problems = []
        who = f"Vraag '{question.id}'"
        texts = tuple(o.text for o in question.options)
        if sorted(texts) != sorted(TRUE_FALSE_TEXTS):
            problems.append(Problem(path, question.line, f"{who} ({self.label}) moet precies twee opties hebben "
                                    f"met de teksten 'Waar' en 'Niet waar' (nu: {', '.join(repr(t) for t in texts) or 'geen'})."))
        n_correct = sum(o.correct for o in question.options)
        if question.options and n_correct != 1:
            problems.append(Problem(path, question.line, f"{who} ({self.label}) moet precies één goed antwoord "
                                    f"hebben (nu {n_correct}). Zet 'correct: true' bij 'Waar' of bij 'Niet waar'."))
        return problems


class MultipleChoice(QuestionType):
    name = "multiple"
    label = "meer antwoorden goed"
    input_type = "checkbox"

    def validate(self, question: Question, *, path: str = "", option_lines: Sequence[int] = ()) -> list[Problem]:
        problems = []
        who = f"Vraag '{question.id}'"
        if len(question.options) == 1:
            problems.append(Problem(path, question.line, f"{who} heeft maar één optie; geef er minstens twee."))
        if question.options and not any(o.correct for o in question.options):
            problems.append(Problem(path, question.line, f"{who} ({self.label}) heeft geen goed antwoord. "
                                                         "Zet bij minstens één optie 'correct: true'."))
        return problems

    def answer_from_form(self, question: Question, form) -> object:
        values = set(form.getlist(self.field_name(question)))
        keys = [o.key for o in question.options if o.key in values]
        return keys or None

    def grade(self, question: Question, answer) -> QuestionResult:
        """The share of options judged right: chosen when correct, left open when not."""
        if isinstance(answer, str):
            answer = [answer]
        chosen = set(answer) if isinstance(answer, list | tuple) else set()
        if not question.options:
            return QuestionResult(score=0.0, correct=False, chosen=[], feedback=[])
        right = 0
        feedback = []
        for option in question.options:
            picked = option.key in chosen
            judged_right = picked == option.correct
            right += judged_right
            if picked or option.correct:
                feedback.append((option.text, judged_right, str(option.feedback_html)))
        score = right / len(question.options) if chosen else 0.0
        return QuestionResult(
            score=score,
            correct=score == 1.0,
            chosen=[o.key for o in question.options if o.key in chosen],
            feedback=feedback,
        )


class Matching(QuestionType):
    name = "matching"
    label = "koppelen"
    input_type = "select"
    uses_correct = False
    feedback_required = False

    def validate(self, question: Question, *, path: str = "", option_lines: Sequence[int] = ()) -> list[Problem]:
        problems = []
        who = f"Vraag '{question.id}'"
        seen: dict[str, int] = {}
        for index, option in enumerate(question.options):
            at = option_lines[index] if index < len(option_lines) else question.line
            if not option.match:
                problems.append(Problem(path, at, f"{who} ({self.label}), optie {index + 1}: de rechterkant "
                                                  "(match) ontbreekt."))
                continue
            folded = option.match.casefold()
            if folded in seen:
                problems.append(Problem(path, at, f"{who} ({self.label}): de rechterkant '{option.match}' komt "
                                                  f"twee keer voor (ook bij optie {seen[folded]}). Elke rechterkant "
                                                  "moet anders zijn."))
            else:
                seen[folded] = index + 1
        if len(question.options) < 3:
            problems.append(Problem(path, question.line, f"{who} ({self.label}) heeft {len(question.options)} "
                                                         "paren; geef er minstens 3."))
        return problems

    def field_name(self, question: Question, key: str = "") -> str:
        return f"q-{question.id}-{key}" if key else f"q-{question.id}"

    def answer_from_form(self, question: Question, form) -> object:
        keys = {o.key for o in question.options}
        answer = {}
        for option in question.options:
            value = form.get(self.field_name(question, option.key))
            if value in keys:
                answer[option.key] = value
        return answer or None

    @staticmethod
    def _pairs(answer) -> dict[str, str]:
        if isinstance(answer, Mapping):
            return {str(k): str(v) for k, v in answer.items()}
        if isinstance(answer, list | tuple):
            return dict(str(a).split("=", 1) for a in answer if "=" in str(a))
        return {}

    def grade(self, question: Question, answer) -> QuestionResult:
        """The share of pairs matched right."""
        pairs = self._pairs(answer)
        if not question.options:
            return QuestionResult(score=0.0, correct=False, chosen=[], feedback=[])
        by_key = {o.key: o for o in question.options}
        right = 0
        feedback = []
        for option in question.options:
            picked = pairs.get(option.key)
            ok = picked == option.key
            right += ok
            if picked in by_key:
                text = f"{option.text} → {by_key[picked].match}"
                feedback.append((text, ok, str(option.feedback_html)))
        score = right / len(question.options)
        return QuestionResult(
            score=score,
            correct=score == 1.0,
            chosen=[f"{k}={pairs[k]}" for k in by_key if k in pairs],
            feedback=feedback,
        )

    def render(self, question: Question, *, number: int, answer=None, result: QuestionResult | None = None,
               seed: int = 0) -> Markup:
        pairs = self._pairs(answer if answer is not None else (result.chosen if result else None))
        lefts = self._ordered_options(question, seed)
        rights = [o for o in question.options if o.match]
        if seed:
            random.Random(f"{seed}:{question.id}:right").shuffle(rights)
        else:
            rights.sort(key=lambda o: (o.match or "").casefold())
        rows = []
        for option in lefts:
            picked = pairs.get(option.key)
            rows.append({
                "key": option.key,
                "id": self.field_name(question, option.key),
                "html": option.html,
                "selected": picked,
                "right": picked == option.key if result is not None else None,
                "answered": picked is not None,
                "feedback_html": option.feedback_html,
            })
        choices = [{"value": o.key, "text": o.match} for o in rights]
        return _render_template(
            "content/question.html",
            question=question,
            qtype=self,
            number=number,
            name=self.field_name(question),
            rows=rows,
            choices=choices,
            result=result,
            verdict=_verdict(result),
            feedback=[],
            inline_prompt=_inline_prompt(question.prompt_html),
        )


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse(), Matching())
}


# --------------------------------------------------------------------------------------------------------------------
# Exercise kinds


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
            items.append(ExerciseItem(
                id=item_id,
                text=text,
                help=help_text,
                help_html=markdown.render(help_text),
                example=example,
                example_html=markdown.render(example),
            ))
        if items and not any(item.example for item in items):
            report(line_of(data, "items", line), "Geen enkel item heeft een voorbeeldantwoord (example). Geef bij "
                                                 "minstens één item een voorbeeld.")
        from pathlib import PurePosixPath

        exercise = Exercise(
            name=PurePosixPath(path).stem,
            title=title,
            kind=self.name,
            instructions=instructions,
            instructions_html=markdown.render(instructions),
            items=tuple(items),
            scale=scale,
            path=path,
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
               disabled: bool = False) -> Markup:
        """The form fields of the exercise (no <form>, no buttons), with the learner's answers filled in."""
        return _render_template(
            self.template,
            exercise=exercise,
            answers=answers or {},
            errors=errors or {},
            disabled=disabled,
            max_chars=MAX_ANSWER_CHARS,
        )


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

__all__ = [
    "EXERCISE_KINDS",
    "QUESTION_TYPES",
    "ChecklistKind",
    "ExerciseKind",
    "FormatKind",
    "Matching",
    "MultipleChoice",
    "QuestionResult",
    "QuestionType",
    "SingleChoice",
    "TrueFalse",
]
