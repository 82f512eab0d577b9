"""The trainer's cohort page issues the same number of SQL queries for 10 and for 1,000 learners."""

from __future__ import annotations

import time

from sqlalchemy import event
from werkzeug.security import generate_password_hash

from bench._util import temp_app

PASSWORD = "bench-wachtwoord-lang"


def _count(app, client, url: str) -> tuple[int, float]:
    from ebw_training.extensions import db

    counter = {"n": 0}

    def before(*_args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200, response.status_code
    return counter["n"], elapsed


def main() -> dict:
    from ebw_training.accounts.models import User
    from ebw_training.cohorts.models import Enrollment
    from ebw_training.cohorts.services import create_cohort
    from ebw_training.extensions import db

    with temp_app() as app:
        pw = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        trainer = User(email="t@bench.nl", name="Trainer", role="trainer", password_hash=pw)
        db.session.add(trainer)
        db.session.flush()
        cohort = create_cohort("Bench", "GM0363", 2026, trainer_emails=["t@bench.nl"])
        db.session.commit()

        def add(n: int, offset: int) -> None:
            users = [User(email=f"l{offset + i}@bench.nl", name=f"Deelnemer {offset + i}", role="learner",
                          municipality_code="GM0363", password_hash=pw) for i in range(n)]
            db.session.add_all(users)
            db.session.flush()
            db.session.add_all([Enrollment(user_id=u.id, cohort_id=cohort.id, modules_total=8) for u in users])
            db.session.commit()

        client = app.test_client()
        client.post("/login", data={"email": "t@bench.nl", "password": PASSWORD})
        url = f"/trainer/groepen/{cohort.id}"
        add(10, 0)
        q10, t10 = _count(app, client, url)
        add(990, 10)
        q1000, t1000 = _count(app, client, url)
    result = {"queries_10": q10, "queries_1000": q1000, "query_ratio": q1000 / q10,
              "time_ratio_1000_vs_10": t1000 / t10 if t10 else None}
    print(f"   cohort page: {q10} queries for 10 learners, {q1000} for 1,000 (ratio {q1000 / q10:.2f}; target 1.00)")
    print(f"   render time 1,000 vs 10 learners: {result['time_ratio_1000_vs_10']:.1f}x")
    return result
