"""Question banks: each attempt draws its questions (a share per group) and option order, stores what it showed,
is graded against that, and shows exactly that on the result page; older attempts keep showing correctly."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ebw_training.content.draw import compose, draw_questions, group_quotas
from ebw_training.extensions import db
from ebw_training.learning import quiz as quiz_service
from ebw_training.learning.models import QuizAttempt
from ebw_training.timeutil import utcnow

from ..factories import make_enrollment, make_learner
from .conftest import _option, _question


def _single(qid: str, group: str) -> object:
    question = _question(qid, "single", f"Vraag {qid}?", (
        _option("a", f"Goed {qid}", True, "Goed."),
        _option("b", f"Fout {qid} een", False, "Niet goed."),
        _option("c", f"Fout {qid} twee", False, "Niet goed."),
    ))
    return replace(question, group=group)


BANK = tuple(
    [_single(f"plan-{n}", "plan") for n in range(1, 4)]
    + [_single(f"proces-{n}", "proces") for n in range(1, 4)]
    + [_single(f"effect-{n}", "effect") for n in range(1, 3)]
)


@pytest.fixture
def learner_client(client, login, enrollment):
    login(enrollment.user)
    return client


@pytest.fixture
def bank_course(course):
    """Module alfa's quiz becomes a bank of 8 questions in 3 groups (3, 3, 2), 4 per attempt, shuffled."""
    alfa = course.module("alfa")
    quiz = replace(alfa.quiz, questions=BANK, draw=4, shuffle=True)
    modules = tuple(replace(m, quiz=quiz) if m.slug == "alfa" else m for m in course.modules)
    course.__dict__["modules"] = modules  # the fixture course is ours for this test
    return course


def _right_answers(shown) -> dict:
    return {f"q-{entry['id']}": "a" for entry in shown}


# ---------------------------------------------------------------------------------------------------- the draw


def test_group_quotas_are_proportional_and_add_up():
    assert group_quotas(BANK, 4) == {"plan": 2, "proces": 1, "effect": 1}  # without rng: ties in file order
    for seed in range(20):
        quotas = group_quotas(BANK, 4, random.Random(seed))
        assert sum(quotas.values()) == 4
        assert all(1 <= quotas[g] <= 2 for g in ("plan", "proces", "effect"))
    assert group_quotas(BANK, 8) == {"plan": 3, "proces": 3, "effect": 2}


def test_every_attempt_draws_per_group_never_twice_and_reproducibly(bank_course):
    quiz = bank_course.module("alfa").quiz
    seen = Counter()
    for seed in range(200):
        shown = compose(quiz, f"token-{seed}")
        ids = [entry["id"] for entry in shown]
        assert len(ids) == 4 and len(set(ids)) == 4
        groups = Counter(quiz.question(i).group for i in ids)
        assert set(groups) == {"plan", "proces", "effect"}  # every topic in every attempt
        assert ids == [q.id for q in quiz.questions if q.id in ids]  # file order
        assert compose(quiz, f"token-{seed}") == shown  # the same token, the same attempt
        seen.update(ids)
    assert set(seen) == {q.id for q in BANK}  # over many attempts every question comes up
    assert len({tuple(e["id"] for e in compose(quiz, f"t{n}")) for n in range(20)}) > 1  # retakes differ


def test_shuffled_options_but_true_false_keeps_waar_first(course):
    gamma = course.module("gamma").quiz  # shuffle: true
    orders = {tuple(compose(gamma, f"t{n}")[0]["options"]) for n in range(30)}
    assert len(orders) == 2  # the single-choice question's two options appear in both orders
    assert {tuple(compose(gamma, f"t{n}")[1]["options"]) for n in range(30)} == {("a", "b")}


def test_draw_without_a_bank_shows_everything_in_file_order(course):
    quiz = course.module("alfa").quiz  # shuffle: false, no draw
    shown = compose(quiz, "whatever")
    assert [e["id"] for e in shown] == ["enkel", "meer", "waar", "koppel"]
    assert shown[0]["options"] == ["a", "b"]
    assert draw_questions(quiz, random.Random(1)) == list(quiz.questions)


# ---------------------------------------------------------------------------------------------------- attempts


def test_the_attempt_stores_what_it_showed_and_is_graded_on_that(enrollment, bank_course):
    alfa = bank_course.module("alfa")
    token = quiz_service.new_submission_token(enrollment, alfa)
    shown = quiz_service.shown_for_token(alfa, token)
    not_shown = next(q.id for q in alfa.quiz.questions if q.id not in {e["id"] for e in shown})
    form = {**_right_answers(shown), f"q-{not_shown}": "b"}  # an answer to a question it did not show: ignored
    from .conftest import quiz_form

    attempt, created = quiz_service.submit_quiz(enrollment, alfa, quiz_form(form), token)
    assert created and attempt.shown == shown
    assert set(attempt.results) == {e["id"] for e in shown} and not_shown not in attempt.answers
    assert attempt.score == 1.0 and attempt.passed
    assert attempt.opened_at is not None and abs(attempt.opened_at - utcnow()) < timedelta(minutes=1)


def test_a_token_is_bound_to_the_learner_and_the_module(enrollment, bank_course):
    alfa, gamma = bank_course.module("alfa"), bank_course.module("gamma")
    token = quiz_service.new_submission_token(enrollment, alfa)
    other = make_enrollment(make_learner())
    db.session.commit()
    assert quiz_service.quiz_form_opened_at(enrollment, alfa, token) is not None
    assert quiz_service.quiz_form_opened_at(other, alfa, token) is None  # another learner
    assert quiz_service.quiz_form_opened_at(enrollment, gamma, token) is None  # another module
    forged = token.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert quiz_service.quiz_form_opened_at(enrollment, alfa, forged) is None  # a learner cannot pick a draw


def test_form_result_page_and_record_show_the_same_questions_in_the_same_order(learner_client, enrollment,
                                                                               bank_course):
    html = learner_client.get("/modules/alfa/toets").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    form_order = re.findall(r'name="q-([a-z0-9-]+)" value="(\w)"', html)
    assert len({qid for qid, _key in form_order}) == 4
    assert "Beantwoord alle 4 vragen" in html
    answers = {f"q-{qid}": "b" for qid, _key in form_order}
    response = learner_client.post("/modules/alfa/toets", data={"token": token, **answers})
    assert response.status_code == 303
    attempt = db.session.scalar(select(QuizAttempt))
    stored = [(e["id"], key) for e in attempt.shown for key in e["options"]]
    assert stored == form_order
    result_html = learner_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.findall(r'name="q-([a-z0-9-]+)" value="(\w)"', result_html) == form_order
    assert attempt.score == 0.0 and "0 van de 4 vragen helemaal goed" in result_html


def test_an_incomplete_form_keeps_its_draw(learner_client, bank_course):
    html = learner_client.get("/modules/alfa/toets").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    first = re.findall(r'name="q-([a-z0-9-]+)"', html)
    response = learner_client.post("/modules/alfa/toets", data={"token": token, f"q-{first[0]}": "a"})
    again = response.get_data(as_text=True)
    assert response.status_code == 200 and re.findall(r'name="q-([a-z0-9-]+)"', again) == first
    assert re.search(rf'id="q-{first[0]}-a"[^>]*checked|value="a"\s+checked', again)


def test_a_form_not_handed_in_can_be_opened_again_with_the_same_draw(learner_client, enrollment, bank_course):
    html = learner_client.get("/modules/alfa/toets").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    again = learner_client.get(f"/modules/alfa/toets?poging={token}").get_data(as_text=True)
    assert f'value="{token}"' in again
    assert re.findall(r'name="q-([a-z0-9-]+)" value', again) == re.findall(r'name="q-([a-z0-9-]+)" value', html)
    # garbage, or a token already handed in, gives a fresh form
    assert f'value="{token}"' not in learner_client.get("/modules/alfa/toets?poging=kapot").get_data(as_text=True)
    alfa = bank_course.module("alfa")
    from .conftest import quiz_form

    quiz_service.submit_quiz(enrollment, alfa, quiz_form(_right_answers(quiz_service.shown_for_token(alfa, token))), token)
    db.session.commit()
    assert f'value="{token}"' not in learner_client.get(f"/modules/alfa/toets?poging={token}").get_data(as_text=True)


def test_quiz_pages_carry_the_draft_keeper(learner_client, bank_course):
    html = learner_client.get("/modules/alfa/toets").get_data(as_text=True)
    assert 'data-quiz-draft="alfa"' in html and "quiz-draft.js" in html and "data-quiz-draft-notice" in html


def test_an_attempt_made_before_question_banks_still_shows(learner_client, enrollment, course):
    """Old records: no `shown`; the graded questions in file order, and a removed question named as such."""
    attempt = QuizAttempt(
        enrollment_id=enrollment.id, module_slug="alfa", quiz="toets-alfa", token="o" * 32,
        answers={"enkel": "a", "waar": "b", "verdwenen": "a"},
        results={"enkel": {"score": 1.0, "correct": True, "chosen": ["a"]},
                 "waar": {"score": 0.0, "correct": False, "chosen": ["b"]},
                 "verdwenen": {"score": 1.0, "correct": True, "chosen": ["a"]}},
        score=0.6667, passed=False, content_version="0" * 64,
    )
    db.session.add(attempt)
    db.session.commit()
    html = learner_client.get(f"/modules/alfa/toets/poging/{attempt.id}").get_data(as_text=True)
    assert html.count('<fieldset class="question') == 2
    assert "deze vraag staat niet meer in de toets" in html and "Je had deze vraag goed." in html
    assert "2 van de 3 vragen helemaal goed" in html
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
