"""Trainer tools at 10, 100 and 1,000 learners (5 quiz attempts each): the cohort matrix page and the item analysis.

Reports SQL queries and the median render time of each page as ratios to the 10-learner figure. The query counts
should not grow (ratio 1.00); the time grows with the rows on the page, which is expected.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from sqlalchemy import event, insert
from werkzeug.security import generate_password_hash

from bench._util import temp_app

PASSWORD = "bench-wachtwoord-lang"
SIZES = (10, 100, 1000)
ATTEMPTS = 5
RUNS = 3


def _measure(client, url: str) -> tuple[int, float]:
    from ebw_training.extensions import db

    counter = {"n": 0}

    def before(*_args):
        counter["n"] += 1

    times = []
    for run in range(RUNS):
        if run == 0:
            event.listen(db.engine, "before_cursor_execute", before)
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if run == 0:
            event.remove(db.engine, "before_cursor_execute", before)
        assert response.status_code == 200, (url, response.status_code)
    return counter["n"], statistics.median(times)


def _fill(cohort, n: int, pw: str) -> None:
    """n learners, each with a started module per attempt and ATTEMPTS quiz attempts spread over the quizzes."""
    from ebw_training.accounts.models import User
    from ebw_training.cohorts.models import Enrollment
    from ebw_training.content import get_course
    from ebw_training.extensions import db
    from ebw_training.learning.models import CompletionEvent, QuizAttempt
    from ebw_training.timeutil import utcnow

    course = get_course()
    quizzes = [m for m in course.modules if m.quiz is not None]
    users = [User(email=f"l{cohort.id}-{i}@bench.nl", name=f"Deelnemer {i:04d}", role="learner",
                  municipality_code="GM0363" if i % 3 else "GM0599", password_hash=pw) for i in range(n)]
    db.session.add_all(users)
    db.session.flush()
    now = utcnow()
    enrollments = [Enrollment(user_id=u.id, cohort_id=cohort.id, modules_total=len(course.modules),
                              started_at=now - timedelta(days=20), last_active_at=now) for u in users]
    db.session.add_all(enrollments)
    db.session.flush()
    attempts, events = [], []
    for index, enrollment in enumerate(enrollments):
        for number in range(ATTEMPTS):
            module = quizzes[number % len(quizzes)]
            results = {q.id: {"score": float((index + k) % 3 != 0), "correct": (index + k) % 3 != 0,
                              "chosen": [q.options[(index + k) % len(q.options)].key]}
                       for k, q in enumerate(module.quiz.questions)}
            attempts.append({"enrollment_id": enrollment.id, "module_slug": module.slug, "quiz": module.quiz.name,
                             "token": f"b{cohort.id}-{index}-{number}-benchmarktoken", "answers": {},
                             "results": results, "score": 0.66, "passed": False,
                             "content_version": module.version, "opened_at": now - timedelta(minutes=20 + number),
                             "submitted_at": now - timedelta(minutes=number)})
            events.append({"enrollment_id": enrollment.id, "scope": "module", "module_slug": module.slug,
                           "status": "completed" if index % 2 else "started", "reason": "bench",
                           "content_version": module.version, "created_at": now - timedelta(days=number)})
    db.session.execute(insert(QuizAttempt), attempts)
    db.session.execute(insert(CompletionEvent), events)
    db.session.commit()


def main() -> dict:
    from ebw_training.accounts.models import User
    from ebw_training.cohorts.services import create_cohort
    from ebw_training.extensions import db

    figures: dict[str, dict[int, tuple[int, float]]] = {"matrix": {}, "item_analysis": {}}
    with temp_app() as app:
        pw = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(User(email="t@bench.nl", name="Trainer", role="trainer", password_hash=pw))
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "t@bench.nl", "password": PASSWORD})
        for size in SIZES:
            cohort = create_cohort(f"Bench {size}", "GM0363", 2026, trainer_emails=["t@bench.nl"])
            db.session.commit()
            _fill(cohort, size, pw)
            figures["matrix"][size] = _measure(client, f"/trainer/groepen/{cohort.id}/matrix")
            figures["item_analysis"][size] = _measure(client, f"/trainer/groepen/{cohort.id}/toetsvragen")
    result = {}
    for page, by_size in figures.items():
        queries_10, time_10 = by_size[SIZES[0]]
        for size in SIZES:
            queries, seconds = by_size[size]
            result[f"{page}_queries_{size}"] = queries
            result[f"{page}_time_ratio_{size}"] = seconds / time_10 if time_10 else None
        line = ", ".join(f"{size}: {by_size[size][0]} queries, time x{by_size[size][1] / time_10:.1f}"
                         for size in SIZES)
        print(f"   {page} (ratios to 10 learners, {ATTEMPTS} attempts each): {line}")
        result[f"{page}_query_ratio_1000"] = by_size[SIZES[-1]][0] / queries_10
    return result
