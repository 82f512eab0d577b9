"""Question types: each a small class behind one interface, in a registry (QUESTION_TYPES).

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
from typing import TYPE_CHECKING

from markupsafe import Markup

from .course import Option, Question
from .problems import ERROR, WARNING, Problem
from .question_parts import (
    QuestionResult,
    _feedback_rows,
    _inline_prompt,
    _render_template,
    _short,
    _text,
    _verdict,
)
from .yamlutil import line_of

if TYPE_CHECKING:  # pragma: no cover
    from .markdown import ContentMarkdown

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
OPTION_KEYS = "abcdefghijklmnopqrstuvwxyz"
TRUE_FALSE_TEXTS = ("Waar", "Niet waar")

QUESTION_KEYS = {"id", "type", "group", "prompt", "options", "distractors", "explanation"}
DISTRACTOR_PREFIX = "x"  # matching: the value of a distractor choice is x1, x2, ... (option keys are letters)
OPTION_FIELDS = {"text", "correct", "feedback", "match"}


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

        group = _text(data.get("group")) or ""
        if data.get("group") is not None and not ID_PATTERN.match(group):
            report(line_of(data, "group", line), f"{who}: de groep (group) is een kort woord met kleine letters, "
                                                  "cijfers en streepjes, zoals 'soorten-kennis'.")
        distractors = self._parse_distractors(data, who, line, report)

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
            group=group,
            distractors=distractors,
        )
        for index, raw in enumerate(raw_options):
            if isinstance(raw, Mapping) and index < len(option_lines):
                problems.extend(self._check_option_fields(question, raw, index + 1, option_lines[index], path))
        problems.extend(self.validate(question, path=path, option_lines=option_lines))
        has_error = any(p.is_error for p in problems)
        return (None if has_error else question), problems

    def _parse_distractors(self, data: Mapping, who: str, line: int, report) -> tuple[str, ...]:
        raw = data.get("distractors")
        if raw is None:
            return ()
        at = line_of(data, "distractors", line)
        if self.name != "matching":
            report(at, f"{who}: 'distractors' hoort alleen bij koppelvragen (type matching); laat het weg.", WARNING)
            return ()
        values = [_text(v) for v in raw] if isinstance(raw, list) else []
        if not values or not all(values):
            report(at, f"{who}: 'distractors' is een lijst van extra antwoorden voor de rechterkant, elk een tekst, "
                       "zoals ['Chat', 'Brief'].")
            return ()
        return tuple(values)  # type: ignore[arg-type]

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

    def display_order(self, question: Question, rng: random.Random | None) -> dict[str, list[str]]:
        """The order one attempt shows: {"options": option keys}; shuffled with `rng`, file order without."""
        keys = [o.key for o in question.options]
        if rng is not None:
            rng.shuffle(keys)
        return {"options": keys}

    @staticmethod
    def _ordered(items, keys: Sequence[str] | None, key=lambda item: item.key) -> list:
        """`items` in the order of `keys` (stored with an attempt); items the order does not name go last."""
        if not keys:
            return list(items)
        position = {k: i for i, k in enumerate(keys)}
        return sorted(items, key=lambda item: position.get(key(item), len(position)))

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
        order: Mapping[str, Sequence[str]] | None = None,
        error_id: str | None = None,
    ) -> Markup:
        """An accessible fieldset; with `result`, read-only with the verdict, feedback and explanation.

        `order` is the display order of one attempt (see `display_order`); without it the file order.
        `error_id` names the element that holds a message about this question (added to aria-describedby).
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
            for option in self._ordered(question.options, (order or {}).get("options"))
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
            error_id=error_id,
        )


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

    def display_order(self, question: Question, rng: random.Random | None) -> dict[str, list[str]]:
        return {"options": [o.key for o in question.options]}  # Waar before Niet waar, always

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
        for text in question.distractors:
            if text.casefold() in seen:
                problems.append(Problem(path, question.line, f"{who} ({self.label}): de extra keuze '{text}' "
                                                             "(distractors) is ook een goede rechterkant. Kies een "
                                                             "andere tekst."))
            seen.setdefault(text.casefold(), 0)
        if len(question.options) < 3:
            problems.append(Problem(path, question.line, f"{who} ({self.label}) heeft {len(question.options)} "
                                                         "paren; geef er minstens 3."))
        return problems

    def field_name(self, question: Question, key: str = "") -> str:
        return f"q-{question.id}-{key}" if key else f"q-{question.id}"

    @staticmethod
    def choices(question: Question) -> dict[str, str]:
        """The right-hand choices: {value: text}; an option's value is its key, a distractor's x1, x2, ..."""
        values = {o.key: o.match or "" for o in question.options if o.match}
        values.update({f"{DISTRACTOR_PREFIX}{n}": text for n, text in enumerate(question.distractors, start=1)})
        return values

    def display_order(self, question: Question, rng: random.Random | None) -> dict[str, list[str]]:
        lefts = [o.key for o in question.options]
        choices = list(self.choices(question).items())
        if rng is not None:
            rng.shuffle(lefts)
            rng.shuffle(choices)
        else:
            choices.sort(key=lambda item: item[1].casefold())
        return {"options": lefts, "choices": [value for value, _text in choices]}

    def answer_from_form(self, question: Question, form) -> object:
        values = set(self.choices(question))
        answer = {}
        for option in question.options:
            value = form.get(self.field_name(question, option.key))
            if value in values:
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
        """The share of pairs matched right (a distractor is never right)."""
        pairs = self._pairs(answer)
        if not question.options:
            return QuestionResult(score=0.0, correct=False, chosen=[], feedback=[])
        choices = self.choices(question)
        right = 0
        feedback = []
        for option in question.options:
            picked = pairs.get(option.key)
            ok = picked == option.key
            right += ok
            if picked in choices:
                feedback.append((f"{option.text} → {choices[picked]}", ok, str(option.feedback_html)))
        score = right / len(question.options)
        return QuestionResult(
            score=score,
            correct=score == 1.0,
            chosen=[f"{o.key}={pairs[o.key]}" for o in question.options if o.key in pairs],
            feedback=feedback,
        )

    def render(self, question: Question, *, number: int, answer=None, result: QuestionResult | None = None,
               order: Mapping[str, Sequence[str]] | None = None, error_id: str | None = None) -> Markup:
        pairs = self._pairs(answer if answer is not None else (result.chosen if result else None))
        shown = dict(order or {}) or self.display_order(question, None)
        lefts = self._ordered(question.options, shown.get("options"))
        texts = self.choices(question)
        values = [v for v in shown.get("choices") or [] if v in texts]
        values += [v for v in self.display_order(question, None)["choices"] if v not in values]
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
        return _render_template(
            "content/question.html",
            question=question,
            qtype=self,
            number=number,
            name=self.field_name(question),
            rows=rows,
            choices=[{"value": value, "text": texts[value]} for value in values],
            result=result,
            verdict=_verdict(result),
            feedback=[],
            inline_prompt=_inline_prompt(question.prompt_html),
            error_id=error_id,
        )


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t for t in (SingleChoice(), MultipleChoice(), TrueFalse(), Matching())
}
