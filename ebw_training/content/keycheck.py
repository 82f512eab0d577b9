"""Is a quiz a fair test? Checks on the question bank and its answer key, and a test-wise learner.

`check_bank` and `check_key_patterns` report, as Problems for `check-content`, a draw that does not fit the bank
and answer keys with a pattern a learner could use without reading: the correct option mostly in one position
or mostly the longest, a true/false key that is mostly one answer, correct options of multiple-answer questions
mostly first, matching pairs without feedback.

`guess_report` simulates a test-wise learner who answers by the shape of the options alone (position, length,
always the same true/false answer, ticking all or the longest options, matching in the order shown), through
the real draw and grading code, and reports per quiz the best mean score such a learner reaches and how often
an attempt passes that way. The shipped course must keep the best mean below the pass mark of every quiz.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .course import Question, Quiz
from .draw import compose
from .problems import WARNING, Problem
from .types import QUESTION_TYPES, Matching

MIN_BANK_FACTOR = 1.5  # a bank holds at least this many times the questions an attempt shows
PATTERN_SHARE = 0.5  # a pattern in more than this share of the questions of a type is reported
MIN_QUESTIONS = 3  # patterns are only judged over at least this many questions of a type


# --------------------------------------------------------------------------------------------------------------------
# Checks for check-content


def check_bank(quiz: Quiz, draw_line: int) -> list[Problem]:
    """The draw must fit the bank (error); a bank close to the draw makes retakes too alike (warning)."""
    n = len(quiz.questions)
    if quiz.draw is None:
        return []
    if quiz.draw > n:
        return [Problem(quiz.path, draw_line, f"De toets trekt {quiz.draw} vragen per poging (draw), maar heeft er "
                                              f"maar {n}. Voeg vragen toe of verlaag 'draw'.")]
    problems = []
    if n < MIN_BANK_FACTOR * quiz.draw:
        problems.append(Problem(quiz.path, draw_line, f"De vraagbank heeft {n} vragen voor {quiz.draw} per poging. "
                                                      f"Geef minstens {math.ceil(MIN_BANK_FACTOR * quiz.draw)} "
                                                      "vragen, zodat een herkansing echt andere vragen trekt.",
                                WARNING))
    grouped = [q for q in quiz.questions if q.group]
    if grouped and len(grouped) < n:
        loose = next(q for q in quiz.questions if not q.group)
        problems.append(Problem(quiz.path, loose.line, f"Vraag '{loose.id}' heeft geen groep (group), andere vragen "
                                                       "wel. Geef elke vraag een groep, dan trekt elke poging uit "
                                                       "elk onderwerp.", WARNING))
    return problems


def _share(count: int, total: int) -> str:
    return f"{count} van de {total}"


def check_key_patterns(quiz: Quiz) -> list[Problem]:
    """Warnings about answer keys a learner can guess by shape (see the module docstring)."""
    problems: list[Problem] = []
    first_line = quiz.questions[0].line if quiz.questions else 1

    def warn(message: str, line: int = first_line) -> None:
        problems.append(Problem(quiz.path, line, message, WARNING))

    singles = [q for q in quiz.questions if q.type == "single"]
    if len(singles) >= MIN_QUESTIONS:
        positions = Counter(next(i for i, o in enumerate(q.options) if o.correct) + 1 for q in singles)
        position, count = positions.most_common(1)[0]
        if count > PATTERN_SHARE * len(singles):
            warn(f"In {_share(count, len(singles))} vragen met één goed antwoord staat het goede antwoord op "
                 f"plaats {position}. Verdeel de goede antwoorden over de plaatsen.")
        longest = sum(_key_is_longest(q) for q in singles)
        if longest > PATTERN_SHARE * len(singles):
            warn(f"In {_share(longest, len(singles))} vragen met één goed antwoord is het goede antwoord het "
                 "langste. Maak de foute antwoorden even lang en even geloofwaardig.")
    true_false = [q for q in quiz.questions if q.type == "true_false"]
    if len(true_false) >= MIN_QUESTIONS:
        keys = Counter(next(o.text for o in q.options if o.correct) for q in true_false)
        answer, count = keys.most_common(1)[0]
        if count > len(true_false) * 2 / 3:
            warn(f"In {_share(count, len(true_false))} waar/niet waar-vragen is '{answer}' het goede antwoord. "
                 "Zorg dat 'Waar' en 'Niet waar' ongeveer even vaak goed zijn.")
    multiples = [q for q in quiz.questions if q.type == "multiple"]
    if len(multiples) >= MIN_QUESTIONS:
        first = sum(_correct_options_come_first(q) for q in multiples)
        if first > PATTERN_SHARE * len(multiples):
            warn(f"In {_share(first, len(multiples))} vragen met meer goede antwoorden staan de goede antwoorden "
                 "vooraan. Wissel goede en foute antwoorden af.")
    for question in quiz.questions:
        if question.type != "matching":
            continue
        for number, option in enumerate(question.options, start=1):
            if not option.feedback:
                warn(f"Vraag '{question.id}' (koppelen), paar {number} ('{option.text}'): de feedback ontbreekt. "
                     "Leg bij elk paar uit waarom het bij elkaar hoort.", question.line)
    return problems


def _key_is_longest(question: Question) -> bool:
    lengths = [(len(o.text), o.correct) for o in question.options]
    top = max(length for length, _correct in lengths)
    return [correct for length, correct in lengths if length == top] == [True]


def _correct_options_come_first(question: Question) -> bool:
    flags = [o.correct for o in question.options]
    n_correct = sum(flags)
    return 0 < n_correct < len(flags) and all(flags[:n_correct])


# --------------------------------------------------------------------------------------------------------------------
# The test-wise learner


Strategy = Callable[[Question, Mapping], object]


def _by_length(question: Question, order: Mapping, longest: bool) -> list[str]:
    texts = {o.key: len(o.text) for o in question.options}
    keys = list(order.get("options") or texts)
    return sorted(keys, key=lambda k: -texts[k] if longest else texts[k])


def _half(n: int) -> int:
    return max(1, math.ceil(n / 2))


STRATEGIES: dict[str, dict[str, Strategy]] = {
    "single": {
        "altijd de eerste": lambda q, o: o["options"][0],
        "altijd de laatste": lambda q, o: o["options"][-1],
        "altijd de langste": lambda q, o: _by_length(q, o, True)[0],
        "altijd de kortste": lambda q, o: _by_length(q, o, False)[0],
    },
    "true_false": {
        "altijd Waar": lambda q, o: next(x.key for x in q.options if x.text == "Waar"),
        "altijd Niet waar": lambda q, o: next(x.key for x in q.options if x.text == "Niet waar"),
    },
    "multiple": {
        "alles aanvinken": lambda q, o: list(o["options"]),
        "alles behalve de kortste": lambda q, o: _by_length(q, o, True)[:-1] or _by_length(q, o, True),
        "de langste helft": lambda q, o: _by_length(q, o, True)[: _half(len(q.options))],
        "de eerste helft": lambda q, o: list(o["options"])[: _half(len(q.options))],
        "alleen de langste": lambda q, o: _by_length(q, o, True)[:1],
    },
    "matching": {
        "in de getoonde volgorde": lambda q, o: dict(zip(o["options"], o["choices"], strict=False)),
        "in omgekeerde volgorde": lambda q, o: dict(zip(o["options"], reversed(o["choices"]), strict=False)),
        "steeds de eerste keuze": lambda q, o: {k: o["choices"][0] for k in o["options"]},
    },
}


@dataclass(frozen=True)
class GuessResult:
    quiz: str
    pass_mark: float
    best_mean: float  # the best mean score a shape-only learner reaches (0..1)
    pass_rate: float  # the share of simulated attempts that pass with that learner's best strategies
    strategies: dict[str, str]  # question type -> the strategy that scores best
    attempts: int

    @property
    def passes(self) -> bool:
        return self.best_mean >= self.pass_mark - 1e-9


def guess_report(quiz: Quiz, attempts: int = 400, seed: int = 0) -> GuessResult:
    """Simulate `attempts` attempts (real draws, real grading) for every shape-only strategy."""
    rng = random.Random(f"guess:{quiz.name}:{seed}")
    # per attempt: per question type, per strategy, the summed question score; and the number of questions
    totals: list[dict[str, dict[str, float]]] = []
    counts: list[int] = []
    for _ in range(attempts):
        shown = compose(quiz, f"{rng.random()}")
        per_type: dict[str, dict[str, float]] = {}
        for entry in shown:
            question = quiz.question(entry["id"])
            qtype = QUESTION_TYPES[question.type]
            for name, strategy in STRATEGIES.get(question.type, {}).items():
                score = qtype.grade(question, strategy(question, _with_choices(qtype, question, entry))).score
                per_type.setdefault(question.type, {}).setdefault(name, 0.0)
                per_type[question.type][name] += score
        totals.append(per_type)
        counts.append(len(shown))
    best: dict[str, str] = {}
    for qtype in {t for per_type in totals for t in per_type}:
        names = STRATEGIES[qtype]
        best[qtype] = max(names, key=lambda name: sum(t.get(qtype, {}).get(name, 0.0) for t in totals))
    scores = [
        sum(per_type[t][best[t]] for t in per_type) / count if count else 0.0
        for per_type, count in zip(totals, counts, strict=True)
    ]
    mean = sum(scores) / len(scores) if scores else 0.0
    passed = sum(score >= quiz.pass_mark - 1e-9 for score in scores)
    return GuessResult(quiz=quiz.name, pass_mark=quiz.pass_mark, best_mean=mean,
                       pass_rate=passed / len(scores) if scores else 0.0, strategies=best, attempts=attempts)


def _with_choices(qtype, question: Question, entry: Mapping) -> Mapping:
    if isinstance(qtype, Matching) and not entry.get("choices"):
        return {**entry, "choices": qtype.display_order(question, None)["choices"]}
    return entry


__all__ = ["GuessResult", "check_bank", "check_key_patterns", "guess_report"]
