"""Test data for the trainer tools: learners with real progress (through the learning services) and bulk cohorts."""

from __future__ import annotations

import itertools
from datetime import timedelta

from ebw_training.accounts.models import User
from ebw_training.cohorts.models import Enrollment
from ebw_training.content import get_course
from ebw_training.extensions import db
from ebw_training.learning.models import CompletionEvent, ExerciseAnswer, QuizAttempt
from ebw_training.learning.pages import mark_page_read
from ebw_training.learning.progress import refresh_enrollment_summary
from ebw_training.timeutil import utcnow

from ..factories import _HASH

_tokens = itertools.count(1)


def quiz_attempt(enrollment, slug: str, score: float, *, results: dict | None = None, when=None, **extra):
    module = get_course().module(slug)
    attempt = QuizAttempt(enrollment_id=enrollment.id, module_slug=slug, quiz=module.quiz.name,
                          token=f"tok-{next(_tokens):08d}-xxxxxxxxxx", answers={}, results=results or {},
                          score=score, passed=score >= module.quiz.pass_mark, content_version=module.version,
                          submitted_at=when or utcnow(), **extra)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def exercise(enrollment, slug: str, status: str):
    module = get_course().module(slug)
    answers = {item.id: {"scale": "ja", "explanation": "Uitleg"} for item in module.exercise.items}
    row = ExerciseAnswer(enrollment_id=enrollment.id, module_slug=slug, exercise=module.exercise.name,
                         answers=answers, status=status, content_version=module.version,
                         submitted_at=utcnow() if status != "draft" else None)
    db.session.add(row)
    db.session.flush()
    return row


def read_all_pages(enrollment, slug: str):
    module = get_course().module(slug)
    for page in module.pages:
        mark_page_read(enrollment, module, page.number)


def complete_module(enrollment, slug: str, score: float = 0.8):
    """Everything a module asks, through the real services, so the completion history says 'completed'."""
    read_all_pages(enrollment, slug)
    quiz_attempt(enrollment, slug, score)
    exercise(enrollment, slug, "submitted")
    refresh_enrollment_summary(enrollment)


def bulk_cohort(cohort, n: int, offset: int = 0, attempts: int = 0, slug: str = "lokale-aanpak") -> list[Enrollment]:
    """n learners with a started module, an exercise draft and `attempts` quiz attempts each (plain inserts)."""
    users = [User(email=f"bulk{cohort.id}-{offset + i}@example.nl", name=f"Deelnemer {offset + i:04d}",
                  role="learner", municipality_code="GM0599" if i % 2 else "GM0363", password_hash=_HASH)
             for i in range(n)]
    db.session.add_all(users)
    db.session.flush()
    enrollments = [Enrollment(user_id=u.id, cohort_id=cohort.id, modules_total=len(get_course().modules),
                              started_at=utcnow() - timedelta(days=3), last_active_at=utcnow() - timedelta(days=1))
                   for u in users]
    db.session.add_all(enrollments)
    db.session.flush()
    module = get_course().module(slug)
    now = utcnow()
    rows = []
    for index, enrollment in enumerate(enrollments):
        rows.append(CompletionEvent(enrollment_id=enrollment.id, scope="module", module_slug=slug, status="started",
                                    reason="test", content_version=module.version))
        rows.append(ExerciseAnswer(enrollment_id=enrollment.id, module_slug=slug, exercise=module.exercise.name,
                                   answers={}, status="draft", content_version=module.version))
        for number in range(attempts):
            results = {q.id: {"score": float((index + number + k) % 2), "correct": bool((index + number + k) % 2),
                              "chosen": [q.options[(index + k) % len(q.options)].key]}
                       for k, q in enumerate(module.quiz.questions)}
            rows.append(QuizAttempt(enrollment_id=enrollment.id, module_slug=slug, quiz=module.quiz.name,
                                    token=f"bulk-{cohort.id}-{offset + index}-{number}-xxxxxxxx", answers={},
                                    results=results, score=0.5, passed=False, content_version=module.version,
                                    submitted_at=now - timedelta(minutes=10 * (attempts - number))))
    db.session.add_all(rows)
    db.session.commit()
    return enrollments


def trainer_cohort(login, learners: int, attempts: int):
    """A cohort of `learners` bulk learners whose trainer is logged in (for the query-count tests)."""
    from ..factories import make_cohort, make_user

    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    db.session.commit()
    login(trainer)
    bulk_cohort(cohort, learners, attempts=attempts)
    return cohort
