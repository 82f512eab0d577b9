"""Quiz item analysis: how each question works, over a set of cohorts.

Definitions (also on the page):
- Only a learner's FIRST attempt at a quiz counts for the question figures (later attempts are practice, and the
  learner has seen the feedback by then). A question's figures count only the first attempts that showed it
  (`QuizAttempt.shown`; for attempts from before question banks, the questions the attempt has results for).
- Facility: the share of those first attempts that answered the question fully correctly.
- Discrimination: the point-biserial correlation between answering this question correctly (0/1) and the rest
  score of the same attempt (the mean score, 0..1, of the OTHER questions it showed; a mean rather than a sum
  because with question banks attempts may show different numbers of questions). Empty when it cannot be
  computed (fewer than two attempts, or everybody scored the same).
- Option counts: how often each option was chosen in those first attempts (matching: each left=right pair).
- Time: the mean time between opening the quiz and handing it in, over all attempts with a recorded opening time.

Everything comes from one query over the attempts, whatever the number of learners and attempts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from math import sqrt

from flask_babel import gettext as _
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..content.course import Course, Module, Question
from ..content.types import QUESTION_TYPES
from ..extensions import db
from ..learning.models import QuizAttempt

MIN_ATTEMPTS = 10
TOO_EASY = 0.9
TOO_HARD = 0.3


def flags_for(facility: float | None, discrimination: float | None) -> list[str]:
    """too_easy (facility > 0.9), too_hard (< 0.3), negative (discrimination < 0)."""
    flags = []
    if facility is not None and facility > TOO_EASY:
        flags.append("too_easy")
    if facility is not None and facility < TOO_HARD:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative")
    return flags


def flag_label(flag: str) -> str:
    return {"too_easy": _("te makkelijk"), "too_hard": _("te moeilijk"),
            "negative": _("onderscheidt verkeerd om")}[flag]


def point_biserial(correct: list[int], rest: list[float]) -> float | None:
    """Pearson's r between a 0/1 variable and a score; None when either does not vary or n < 2."""
    n = len(correct)
    if n < 2:
        return None
    mean_x, mean_y = sum(correct) / n, sum(rest) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(correct, rest, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in correct)
    syy = sum((y - mean_y) ** 2 for y in rest)
    if sxx == 0 or syy < 1e-12:
        return None
    return sxy / sqrt(sxx * syy)


@dataclass
class OptionCount:
    key: str
    label: str
    correct: bool
    count: int


@dataclass
class ItemStats:
    question: Question
    attempts: int  # first attempts that showed the question
    facility: float | None
    discrimination: float | None
    options: list[OptionCount]
    flags: list[str] = field(default_factory=list)

    @property
    def few(self) -> bool:
        return self.attempts < MIN_ATTEMPTS


@dataclass
class QuizStats:
    module: Module
    learners: int  # = first attempts
    attempts: int
    timed: int
    average_seconds: float | None
    items: list[ItemStats]

    @property
    def few(self) -> bool:
        return self.learners < MIN_ATTEMPTS


@dataclass
class _Attempt:
    enrollment_id: int
    results: dict
    shown_ids: list[str]


def _shown_ids(shown, results) -> list[str]:
    if shown:
        return [entry["id"] for entry in shown if isinstance(entry, dict) and "id" in entry]
    return list((results or {}).keys())


def _option_counts(question: Question, attempts: list[_Attempt]) -> list[OptionCount]:
    chosen = Counter()
    for attempt in attempts:
        chosen.update((attempt.results.get(question.id) or {}).get("chosen") or [])
    if question.type == "matching":
        lefts = {o.key: o.text for o in question.options}
        rights = QUESTION_TYPES["matching"].choices(question)  # option keys and distractors (x1, x2, ...)
        counts = []
        for option in question.options:
            if option.match is None:
                continue
            key = f"{option.key}={option.key}"
            counts.append(OptionCount(key, f"{option.text} → {option.match}", True, chosen.pop(key, 0)))
        for key, count in sorted(chosen.items()):  # wrong pairs that were chosen
            left, _sep, right = key.partition("=")
            if left in lefts and right in rights:
                counts.append(OptionCount(key, f"{lefts[left]} → {rights[right]}", False, count))
        return counts
    return [OptionCount(o.key, o.text, o.correct, chosen.get(o.key, 0)) for o in question.options]


def _item(question: Question, firsts: list[_Attempt]) -> ItemStats:
    showing = [a for a in firsts if question.id in a.shown_ids and question.id in a.results]
    correct, rest = [], []
    for attempt in showing:
        others = [float((attempt.results.get(qid) or {}).get("score") or 0) for qid in attempt.shown_ids
                  if qid != question.id and qid in attempt.results]
        if others:
            correct.append(1 if attempt.results[question.id].get("correct") else 0)
            rest.append(sum(others) / len(others))
    right = sum(1 for a in showing if a.results[question.id].get("correct"))
    facility = right / len(showing) if showing else None
    discrimination = point_biserial(correct, rest)
    return ItemStats(question=question, attempts=len(showing), facility=facility, discrimination=discrimination,
                     options=_option_counts(question, showing), flags=flags_for(facility, discrimination))


def analyse(course: Course, cohort_ids: list[int] | None) -> list[QuizStats]:
    """Item analysis of every quiz over the attempts of these cohorts (None: all cohorts)."""
    stmt = (
        select(QuizAttempt.enrollment_id, QuizAttempt.module_slug, QuizAttempt.results, QuizAttempt.shown,
               QuizAttempt.opened_at, QuizAttempt.submitted_at)
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    )
    if cohort_ids is not None:
        if not cohort_ids:
            return [QuizStats(m, 0, 0, 0, None, [_item(q, []) for q in m.quiz.questions])
                    for m in course.modules if m.quiz is not None]
        stmt = stmt.join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id).where(
            Enrollment.cohort_id.in_(cohort_ids))
    firsts: dict[str, dict[int, _Attempt]] = {}
    counts: Counter = Counter()
    durations: dict[str, list[float]] = {}
    for enrollment_id, slug, results, shown, opened_at, submitted_at in db.session.execute(stmt):
        counts[slug] += 1
        if isinstance(opened_at, datetime) and submitted_at >= opened_at:
            durations.setdefault(slug, []).append((submitted_at - opened_at).total_seconds())
        per_quiz = firsts.setdefault(slug, {})
        if enrollment_id not in per_quiz:
            per_quiz[enrollment_id] = _Attempt(enrollment_id, results or {}, _shown_ids(shown, results))
    stats = []
    for module in course.modules:
        if module.quiz is None:
            continue
        first = list(firsts.get(module.slug, {}).values())
        seconds = durations.get(module.slug, [])
        stats.append(QuizStats(module=module, learners=len(first), attempts=counts[module.slug], timed=len(seconds),
                               average_seconds=sum(seconds) / len(seconds) if seconds else None,
                               items=[_item(question, first) for question in module.quiz.questions]))
    return stats


def analysis_table(stats: list[QuizStats]) -> tuple[list[str], list[list]]:
    """Plain rows for the CSV download: one per question."""
    from ..core.formatting import round_half_up

    header = ["module", "vraag_id", "vraag", "eerste_pogingen_met_vraag", "facility", "discriminatie",
              "keuzes", "signalen", "minder_dan_10_pogingen", "gemiddelde_tijd_minuten"]
    rows = []
    for quiz in stats:
        minutes = None if quiz.average_seconds is None else round_half_up(quiz.average_seconds / 60, 1)
        for item in quiz.items:
            rows.append([
                quiz.module.title, item.question.id, item.question.prompt, item.attempts,
                None if item.facility is None else round_half_up(item.facility, 2),
                None if item.discrimination is None else round_half_up(item.discrimination, 2),
                " | ".join(f"{o.label}: {o.count}" for o in item.options),
                ", ".join(flag_label(f) for f in item.flags), "ja" if item.few else "nee", minutes,
            ])
    return header, rows
