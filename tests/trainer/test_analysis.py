"""Quiz item analysis against figures computed by hand on a small fixed data set.

Quiz of module "lokale-aanpak"; questions A, B, C shown to everybody, D (a bank question) only to L2 and L4.
First attempts (1 = correct):

         A  B  C  D    rest score of A        rest score of B
    L1   1  0  1  -    (0+1)/2   = 1/2        (1+1)/2   = 1
    L2   1  0  1  1    (0+1+1)/3 = 2/3        (1+1+1)/3 = 1
    L3   0  1  0  -    (1+0)/2   = 1/2        (0+0)/2   = 0
    L4   0  1  0  0    (1+0+0)/3 = 1/3        (0+0+0)/3 = 0
    L5   1  1  1  -    (1+1)/2   = 1          (1+1)/2   = 1

A: facility 3/5. Point-biserial r with the rest score: x = (1,1,0,0,1), mean 3/5; y = (1/2, 2/3, 1/2, 1/3, 1),
   mean 3/5. Sxy = 11/30, Sxx = 6/5, Syy = 23/90, r = (11/30) / sqrt(6/5 * 23/90) = 0.6621 (4 decimals).
B: facility 3/5. y = (1, 1, 0, 0, 1), mean 3/5: Sxy = -4/5, Sxx = Syy = 6/5, r = -2/3: discriminates negatively.
D: shown in 2 first attempts only: facility 1/2; y = (2/3, 1/3) and x = (1, 0): r = 1.
L1's second attempt (A wrong, B right) is practice and does not count. Times: L1 5 min and 7 min (second
attempt), L2 3 min, the others have no opening time (attempts from before it was recorded): mean 5 min.
L5 is in the trainer's second cohort; L6 (another trainer's cohort) counts only for admins.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from ebw_training.content import get_course
from ebw_training.extensions import db
from ebw_training.timeutil import utcnow
from ebw_training.trainer.analysis import analyse, flags_for, point_biserial

from ..factories import TEST_PASSWORD, make_cohort, make_enrollment, make_user
from .data import bulk_cohort, quiz_attempt, trainer_cohort

SLUG = "lokale-aanpak"


def _key(question, correct: bool, nth: int = 0) -> str:
    options = [o.key for o in question.options if o.correct == correct]
    return options[nth % len(options)]


def _attempt(enrollment, marks: dict, *, minutes=None, when=None):
    questions = {q.id: q for q in get_course().module(SLUG).quiz.questions}
    results = {qid: {"score": float(mark), "correct": bool(mark), "chosen": [_key(questions[qid], bool(mark), nth)]}
               for nth, (qid, mark) in enumerate(marks.items())}
    shown = [{"id": qid, "options": [o.key for o in questions[qid].options]} for qid in marks]
    submitted = when or utcnow()
    opened = submitted - timedelta(minutes=minutes) if minutes else None
    return quiz_attempt(enrollment, SLUG, sum(marks.values()) / len(marks), results=results, when=submitted,
                        shown=shown, opened_at=opened)


@pytest.fixture
def data(app_ctx):
    quiz = get_course().module(SLUG).quiz
    a, b, c, d = [q.id for q in quiz.questions if q.type in ("single", "true_false")][:4]
    trainer, other_trainer = make_user("trainer"), make_user("trainer")
    first, second, foreign = (make_cohort(trainers=[trainer]), make_cohort(trainers=[trainer]),
                              make_cohort(trainers=[other_trainer]))
    learners = [make_enrollment(cohort=first) for _ in range(4)] + [make_enrollment(cohort=second)]
    l6 = make_enrollment(cohort=foreign)
    start = utcnow() - timedelta(days=1)
    _attempt(learners[0], {a: 1, b: 0, c: 1}, minutes=5, when=start)
    _attempt(learners[1], {a: 1, b: 0, c: 1, d: 1}, minutes=3, when=start)
    _attempt(learners[2], {a: 0, b: 1, c: 0}, when=start)
    _attempt(learners[3], {a: 0, b: 1, c: 0, d: 0}, when=start)
    _attempt(learners[4], {a: 1, b: 1, c: 1}, when=start)
    _attempt(learners[0], {a: 0, b: 1, c: 1}, minutes=7, when=start + timedelta(hours=1))
    _attempt(l6, {a: 0, b: 0, c: 0}, when=start)
    db.session.commit()
    return {"trainer": trainer, "other": other_trainer, "first": first, "second": second, "foreign": foreign,
            "ids": (a, b, c, d)}


def _quiz(stats):
    return next(s for s in stats if s.module.slug == SLUG)


def test_figures_match_the_hand_computed_values(data):
    a, b, c, d = data["ids"]
    quiz = _quiz(analyse(get_course(), [data["first"].id, data["second"].id]))
    items = {item.question.id: item for item in quiz.items}
    assert (quiz.learners, quiz.attempts, quiz.timed) == (5, 6, 3)
    assert quiz.average_seconds == pytest.approx(300)
    assert items[a].attempts == 5 and items[a].facility == pytest.approx(0.6)
    assert items[a].discrimination == pytest.approx(0.6621, abs=5e-5)
    assert items[b].facility == pytest.approx(0.6) and items[b].discrimination == pytest.approx(-2 / 3)
    assert items[b].flags == ["negative"] and items[a].flags == []
    assert items[d].attempts == 2 and items[d].facility == pytest.approx(0.5) and items[d].discrimination == 1
    # A question nobody was shown has no figures.
    unseen = items["kennis-borgen"]
    assert unseen.attempts == 0 and unseen.facility is None and unseen.discrimination is None
    # Option counts over first attempts: A right 3 times (always the first right option), wrong twice.
    counts = {o.key: o.count for o in items[a].options}
    question_a = items[a].question
    assert counts[_key(question_a, True)] == 3 and sum(counts.values()) == 5
    assert all(item.few for item in items.values())


def test_one_cohort_and_all_cohorts_scopes(data):
    quiz = _quiz(analyse(get_course(), [data["first"].id]))
    assert quiz.learners == 4
    everything = _quiz(analyse(get_course(), None))
    assert everything.learners == 6


def test_flags_and_correlation_edges():
    assert flags_for(0.95, 0.2) == ["too_easy"]
    assert flags_for(0.2, -0.1) == ["too_hard", "negative"]
    assert flags_for(0.9, 0.0) == [] and flags_for(0.3, None) == []
    assert point_biserial([1, 1], [0.5, 0.7]) is None  # everybody right: no variance
    assert point_biserial([1], [0.5]) is None


def test_pages_and_csv_by_role(client, login, data):
    a, b, _c, _d = data["ids"]
    login(data["trainer"])
    html = client.get(f"/trainer/groepen/{data['first'].id}/toetsvragen").get_data(as_text=True)
    assert "4 deelnemers maakten de toets (5 pogingen in totaal)" in html
    assert "Let op: minder dan 10 deelnemers maakten deze toets." in html
    overall = client.get("/trainer/toetsvragen").get_data(as_text=True)
    assert "5 deelnemers maakten de toets (6 pogingen in totaal)" in overall
    assert "Gemiddelde tijd: 5,0 minuten (3 pogingen)." in overall
    assert "onderscheidt verkeerd om" in overall and "0,66" in overall and "-0,67" in overall
    response = client.get("/trainer/toetsvragen.csv")
    data_bytes = response.get_data()
    assert data_bytes.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data_bytes.decode("utf-8-sig")), delimiter=";"))
    by_id = {row["vraag_id"]: row for row in rows}
    assert by_id[a]["facility"] == "0.60" and by_id[a]["discriminatie"] == "0.66"
    assert by_id[b]["discriminatie"] == "-0.67" and by_id[b]["signalen"] == "onderscheidt verkeerd om"
    assert by_id[a]["minder_dan_10_pogingen"] == "ja"
    # Another trainer's cohort: 404 for the page and the download; their own overview does not include ours.
    other = client.application.test_client()
    other.post("/login", data={"email": data["other"].email, "password": TEST_PASSWORD})
    assert other.get(f"/trainer/groepen/{data['first'].id}/toetsvragen").status_code == 404
    assert other.get(f"/trainer/groepen/{data['first'].id}/toetsvragen.csv").status_code == 404
    assert "1 deelnemers maakten de toets" in other.get("/trainer/toetsvragen").get_data(as_text=True)
    admin = client.application.test_client()
    admin_user = make_user("admin")
    db.session.commit()
    admin.post("/login", data={"email": admin_user.email, "password": TEST_PASSWORD})
    assert "6 deelnemers maakten de toets (7 pogingen in totaal)" in admin.get("/trainer/toetsvragen").get_data(
        as_text=True)


def test_query_count_is_the_same_for_10_and_1000_learners(client, login, count_queries):
    cohort = trainer_cohort(login, learners=10, attempts=2)
    with count_queries() as small:
        assert client.get(f"/trainer/groepen/{cohort.id}/toetsvragen").status_code == 200
        assert client.get("/trainer/toetsvragen").status_code == 200
    bulk_cohort(cohort, 990, offset=10, attempts=2)
    with count_queries() as large:
        response = client.get(f"/trainer/groepen/{cohort.id}/toetsvragen")
        assert client.get("/trainer/toetsvragen").status_code == 200
    assert "1000 deelnemers maakten de toets (2000 pogingen in totaal)" in response.get_data(as_text=True)
    assert small.count == large.count
