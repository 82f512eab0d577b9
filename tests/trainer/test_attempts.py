"""A learner's quiz attempts as their trainer sees them: the questions the attempt drew, in the order it showed them."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from ebw_training.content import get_course
from ebw_training.extensions import db
from ebw_training.learning import quiz as quiz_service

from ..factories import make_cohort, make_enrollment, make_learner, make_user

SLUG = "lokale-aanpak"


def _attempt(enrollment):
    module = get_course().module(SLUG)
    token = quiz_service.new_submission_token(enrollment, module)
    form = MultiDict()
    for entry in quiz_service.shown_for_token(module, token):
        question = module.quiz.question(entry["id"])
        if question.type == "matching":
            for option in question.options:
                form.add(f"q-{question.id}-{option.key}", option.key)
        else:
            form.add(f"q-{question.id}", entry["options"][0])
    attempt, _created = quiz_service.submit_quiz(enrollment, module, form, token)
    db.session.commit()
    return attempt


def test_the_trainer_sees_the_attempt_as_it_was_shown(app, client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    enrollment = make_enrollment(make_learner(name="Anna de Vries"), cohort)
    db.session.commit()
    attempt = _attempt(enrollment)
    login(trainer)
    listing = client.get(f"/trainer/groepen/{cohort.id}/deelnemers/{enrollment.id}/toetsen").get_data(as_text=True)
    assert "Toetspogingen van Anna de Vries" in listing and f"/toetsen/{attempt.id}" in listing
    html = client.get(f"/trainer/groepen/{cohort.id}/deelnemers/{enrollment.id}/toetsen/{attempt.id}")
    assert html.status_code == 200
    page = html.get_data(as_text=True)
    shown = re.findall(r'name="q-([a-z0-9-]+)" value="(\w)"', page)
    stored = [(e["id"], key) for e in attempt.shown if "choices" not in e for key in e["options"]]
    assert shown == stored  # the drawn questions, options in the order the learner saw them
    assert len(attempt.shown) == get_course().module(SLUG).quiz.per_attempt
    assert f"{len(attempt.shown)} vragen" in page


def test_another_trainer_or_cohort_gets_404(app, client, login):
    trainer, other = make_user("trainer"), make_user("trainer")
    cohort, elsewhere = make_cohort(trainers=[trainer]), make_cohort(trainers=[other])
    enrollment = make_enrollment(make_learner(), cohort)
    stranger = make_enrollment(make_learner(), elsewhere)
    db.session.commit()
    attempt = _attempt(enrollment)
    login(other)
    assert client.get(f"/trainer/groepen/{cohort.id}/deelnemers/{enrollment.id}/toetsen").status_code == 404
    assert client.get(f"/trainer/groepen/{elsewhere.id}/deelnemers/{enrollment.id}/toetsen/{attempt.id}")\
        .status_code == 404  # the learner is not in the other trainer's cohort
    assert client.get(f"/trainer/groepen/{elsewhere.id}/deelnemers/{stranger.id}/toetsen/{attempt.id}")\
        .status_code == 404  # an attempt of someone else
