"""The course preview: every module as a learner sees it, with the answer key for trainers and admins only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ebw_training.content import get_course
from ebw_training.extensions import db
from ebw_training.learning.models import CompletionEvent, ExerciseAnswer, PageRead, QuizAttempt, VideoProgress

from ..factories import TEST_PASSWORD, make_cohort, make_enrollment, make_user


def _activity_rows() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(model))
               for model in (PageRead, VideoProgress, QuizAttempt, ExerciseAnswer, CompletionEvent))


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_every_module_with_pages_video_quiz_key_and_exercise(client, login, role):
    user = make_user(role)
    db.session.commit()
    login(user)
    index = client.get("/trainer/cursus").get_data(as_text=True)
    course = get_course()
    for module in course.modules:
        assert f'href="/trainer/cursus/{module.slug}"' in index
        html = client.get(f"/trainer/cursus/{module.slug}").get_data(as_text=True)
        for page in module.pages:
            assert str(page.html) in html
        if module.video is not None and module.video.transcript_html:
            assert str(module.video.transcript_html) in html
        if module.exercise is not None:
            assert str(module.exercise.instructions_html) in html
        quiz = module.quiz
        assert html.count("Antwoordsleutel – alleen zichtbaar voor trainers") == len(quiz.questions)
        for question in quiz.questions:
            assert f"q-{question.id}-" in html
            for option in question.options:
                if option.feedback_html:
                    assert str(option.feedback_html) in html
        correct = sum(1 for q in quiz.questions if q.type != "matching" for o in q.options if o.correct)
        assert html.count("<strong>Goed antwoord:</strong>") == correct
    assert _activity_rows() == 0


def test_learners_and_coordinators_cannot_reach_the_keys(app_ctx):
    trainer = make_user("trainer")
    learner = make_user("learner")
    enrollment = make_enrollment(learner, make_cohort(trainers=[trainer]))
    coordinator = make_user("coordinator")
    db.session.commit()
    slug = get_course().modules[0].slug
    for user in (learner, coordinator):
        client = app_ctx.test_client()
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        for url in ("/trainer/cursus", f"/trainer/cursus/{slug}"):
            response = client.get(url)
            assert response.status_code == 403
            assert "Antwoordsleutel" not in response.get_data(as_text=True)
    assert enrollment.started_at is None and _activity_rows() == 0


def test_unknown_module_is_404(client, login):
    login(make_user("trainer"))
    assert client.get("/trainer/cursus/bestaat-niet").status_code == 404
