"""Which questions one quiz attempt shows, and in which order: drawn from the quiz's question bank.

A quiz file may hold more questions than an attempt shows (`draw: N`). An attempt draws N questions at random,
a fixed share from each `group` (topics stay balanced), never a question twice, and shows them in file order.
With `shuffle` (the default) the options of each question appear in a random order; true/false keeps
Waar before Niet waar. The draw is a pure function of the quiz and a seed (the attempt's token), so the form,
the grading and the stored record all agree; the attempt stores what it showed (`QuizAttempt.shown`), and
results, reviews and exports read that record, not a new draw.

The stored form, one entry per shown question in display order:
    {"id": "question-id", "options": ["c", "a", "b"]}                       single, multiple, true_false
    {"id": "question-id", "options": ["b", "a", "c"], "choices": ["c", "x1", "a", "b"]}   matching
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from .course import Question, Quiz
from .types import QUESTION_TYPES


def group_quotas(questions: Sequence[Question], draw: int, rng: random.Random | None = None) -> dict[str, int]:
    """How many questions each group gives to a draw of `draw`: proportional to its size (largest remainder).

    Questions without a group form one group together (""). Ties in the remainder are broken at random with
    `rng` (so over many attempts no topic is favoured), or in file order without one.
    """
    sizes: dict[str, int] = {}
    for question in questions:
        sizes[question.group] = sizes.get(question.group, 0) + 1
    total = len(questions)
    draw = max(0, min(draw, total))
    exact = {group: draw * size / total for group, size in sizes.items()}
    quotas = {group: int(value) for group, value in exact.items()}
    order = list(sizes)
    if rng is not None:
        rng.shuffle(order)
    order.sort(key=lambda group: exact[group] - quotas[group], reverse=True)
    for group in order[: draw - sum(quotas.values())]:
        quotas[group] += 1
    return quotas


def draw_questions(quiz: Quiz, rng: random.Random) -> list[Question]:
    """The questions of one attempt, in file order."""
    questions = list(quiz.questions)
    if quiz.per_attempt >= len(questions):
        return questions
    quotas = group_quotas(questions, quiz.per_attempt, rng)
    chosen: set[str] = set()
    for group, quota in quotas.items():
        members = [q.id for q in questions if q.group == group]
        chosen.update(rng.sample(members, quota))
    return [q for q in questions if q.id in chosen]


def compose(quiz: Quiz, seed: str) -> list[dict[str, Any]]:
    """What one attempt shows: the drawn questions with their option order (the stored form, see above)."""
    rng = random.Random(f"{quiz.name}:{seed}")
    shown = []
    for question in draw_questions(quiz, rng):
        order = QUESTION_TYPES[question.type].display_order(question, rng if quiz.shuffle else None)
        shown.append({"id": question.id, **order})
    return shown


def legacy_shown(quiz: Quiz, question_ids: Iterable[str]) -> list[dict[str, Any]]:
    """What an attempt made before question banks showed: the questions it graded, options in file order."""
    shown = []
    for qid in question_ids:
        question = quiz.question(qid)
        order = QUESTION_TYPES[question.type].display_order(question, None) if question is not None else {}
        shown.append({"id": qid, **order})
    return shown


def shown_questions(
    quiz: Quiz, shown: Iterable[dict[str, Any]] | None, graded_ids: Iterable[str] = ()
) -> list[tuple[str, Question | None, dict]]:
    """(question id, question, display order) for each question a stored attempt showed.

    `shown` is the attempt's record; for attempts made before it was kept (None), the ids it graded stand in.
    The question is None where it has since left the quiz file.
    """
    entries = list(shown) if shown is not None else legacy_shown(quiz, graded_ids)
    return [(str(e.get("id")), quiz.question(str(e.get("id"))), e) for e in entries if isinstance(e, dict)]
