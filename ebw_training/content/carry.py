"""Answers that carry forward from one exercise to a later one (the `from` field of an exercise item).

check-content checks every reference: the exercise must exist and have the item, and it should come in an
earlier module (otherwise the learner cannot have answered it yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .course import Exercise, Module
from .problems import ERROR, WARNING, Problem


def split_reference(reference: str) -> tuple[str, str]:
    """"exercise-name.item-id" -> ("exercise-name", "item-id")."""
    name, _dot, item_id = reference.partition(".")
    return name, item_id


def check_carried(exercises: Mapping[str, Exercise], modules: Iterable[Module], known: set[str]) -> list[Problem]:
    """The `from` references of every exercise. `known` holds the names of all exercise files, also of those
    with errors of their own (those are reported in their own file, not here)."""
    order = {m.exercise.name: m.order for m in modules if m.exercise is not None}
    problems: list[Problem] = []
    for exercise in exercises.values():
        for item in exercise.items:
            for reference in item.carried_from:
                name, item_id = split_reference(reference)
                at = item.carried_line
                if name not in known:
                    problems.append(Problem(exercise.path, at, f"Item '{item.id}': onbekende oefening '{name}' in "
                                            f"'from'. Bekend zijn: {', '.join(sorted(known))}.", ERROR))
                    continue
                source = exercises.get(name)
                if source is None:
                    continue
                if name == exercise.name:
                    problems.append(Problem(exercise.path, at, f"Item '{item.id}': 'from' verwijst naar deze "
                                            "oefening zelf. Verwijs naar een eerdere oefening.", ERROR))
                elif not any(other.id == item_id for other in source.items):
                    problems.append(Problem(exercise.path, at, f"Item '{item.id}': de oefening '{name}' heeft geen "
                                            f"item '{item_id}' (bekend zijn: "
                                            f"{', '.join(other.id for other in source.items)}).", ERROR))
                elif name in order and exercise.name in order and order[name] >= order[exercise.name]:
                    problems.append(Problem(exercise.path, at, f"Item '{item.id}': de oefening '{name}' komt niet "
                                            "vóór deze oefening in de cursus. De deelnemer heeft haar dan nog niet "
                                            "gemaakt.", WARNING))
    return problems
