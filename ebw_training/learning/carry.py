"""Earlier answers a later exercise builds on (the `from` field of an exercise item, content/carry.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content.carry import split_reference
from ..content.course import Course, Exercise
from ..content.exercise_kinds import EXERCISE_KINDS
from ..extensions import db
from .models import ExerciseAnswer


@dataclass(frozen=True)
class CarriedAnswer:
    exercise_title: str
    module_title: str
    question: str
    text: str


def item_answer_text(exercise: Exercise, item_id: str, answers: dict) -> str:
    """One item's answer as plain text; empty when it was not filled in."""
    for item, (_question, text) in zip(exercise.items, EXERCISE_KINDS[exercise.kind].summarise(exercise, answers),
                                       strict=True):
        if item.id == item_id:
            filled = answers.get(item_id) if isinstance(answers, dict) else None
            return text if isinstance(filled, dict) and any(str(v).strip() for v in filled.values() if v) else ""
    return ""


def carried_answers(enrollment: Enrollment, exercise: Exercise, course: Course) -> dict[str, list[CarriedAnswer]]:
    """Per item of `exercise`: the learner's earlier answers it builds on (only those filled in), in one query."""
    names = {split_reference(ref)[0] for item in exercise.items for ref in item.carried_from}
    if not names:
        return {}
    rows = {row.exercise: row for row in db.session.scalars(
        select(ExerciseAnswer).where(ExerciseAnswer.enrollment_id == enrollment.id,
                                     ExerciseAnswer.exercise.in_(sorted(names))))}
    modules = {m.exercise.name: m for m in course.modules if m.exercise is not None}
    result: dict[str, list[CarriedAnswer]] = {}
    for item in exercise.items:
        for reference in item.carried_from:
            name, item_id = split_reference(reference)
            source, row = course.exercises.get(name), rows.get(name)
            if source is None or row is None:
                continue
            text = item_answer_text(source, item_id, row.answers or {})
            if not text:
                continue
            question = next(i.text for i in source.items if i.id == item_id)
            module = modules.get(name)
            result.setdefault(item.id, []).append(CarriedAnswer(
                exercise_title=source.title, module_title=module.title if module else "", question=question,
                text=text))
    return result


def prefilled(exercise: Exercise, answers: dict, carried: dict[str, list[CarriedAnswer]]) -> dict:
    """Answers with the starting text of empty text items that build on exactly one earlier answer."""
    if exercise.kind != "format":
        return answers
    result = dict(answers)
    for item in exercise.items:
        current = result.get(item.id)
        empty = not (isinstance(current, dict) and str(current.get("text") or "").strip())
        if empty and len(item.carried_from) == 1 and len(carried.get(item.id, [])) == 1:
            result[item.id] = {"text": carried[item.id][0].text}
    return result
