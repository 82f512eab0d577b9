"""Trainer pages: only their own cohorts, progress, attention list, attendance and contact hours."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ebw_training.accounts.models import User
from ebw_training.cohorts import services
from ebw_training.cohorts.models import Enrollment
from ebw_training.extensions import db
from ebw_training.timeutil import utcnow

from .factories import _HASH, make_cohort, make_enrollment, make_user


def test_trainer_sees_only_own_cohorts(client, login):
    trainer = make_user("trainer")
    other_trainer = make_user("trainer")
    mine = make_cohort("Mijn groep", trainers=[trainer])
    theirs = make_cohort("Andere groep", trainers=[other_trainer])
    db.session.commit()
    login(trainer)
    html = client.get("/trainer/").get_data(as_text=True)
    assert "Mijn groep" in html and "Andere groep" not in html
    assert client.get(f"/trainer/groepen/{mine.id}").status_code == 200
    assert client.get(f"/trainer/groepen/{theirs.id}").status_code == 404
    assert client.get(f"/trainer/groepen/{theirs.id}/bijeenkomsten").status_code == 404
    assert client.post(f"/trainer/groepen/{theirs.id}/bijeenkomsten", data={}).status_code == 404


def test_progress_table_and_attention_list(client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    cohort.start_date = date.today() - timedelta(days=30)
    idle = make_enrollment(make_user("learner", name="Ingrid Inactief"), cohort)
    idle.started_at = utcnow() - timedelta(days=25)
    idle.last_active_at = utcnow() - timedelta(days=20)
    fresh = make_enrollment(make_user("learner", name="Nina Nieuw"), cohort)
    busy = make_enrollment(make_user("learner", name="Bas Bezig"), cohort)
    busy.started_at = busy.last_active_at = utcnow()
    busy.modules_completed = 3
    db.session.commit()
    assert services.attention_reason(idle, cohort).startswith("Al 20 dagen")
    assert services.attention_reason(fresh, cohort) == "Nog niet begonnen"
    assert services.attention_reason(busy, cohort) is None
    login(trainer)
    html = client.get(f"/trainer/groepen/{cohort.id}").get_data(as_text=True)
    attention = html.split('id="aandacht"')[1].split('id="voortgang"')[0]
    assert "Ingrid Inactief" in attention and "Nina Nieuw" in attention and "Bas Bezig" not in attention


def test_attendance_updates_contact_hours(client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    a = make_enrollment(cohort=cohort)
    b = make_enrollment(cohort=cohort)
    db.session.commit()
    login(trainer)
    response = client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten",
                           data={"title": "Start", "held_on": "2026-09-01", "hours": "3"})
    assert response.status_code == 302
    client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten",
                data={"title": "Terugkomdag", "held_on": "2026-10-01", "hours": "2,5"})
    first, second = services.contact_sessions(cohort)
    client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten/{first.id}/aanwezigheid", data={"present": [a.id, b.id]})
    client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten/{second.id}/aanwezigheid", data={"present": [a.id]})
    db.session.expire_all()
    assert db.session.get(Enrollment, a.id).contact_hours_attended == Decimal("5.5")
    assert db.session.get(Enrollment, b.id).contact_hours_attended == Decimal("3")
    # Correcting attendance recomputes the hours.
    client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten/{second.id}/aanwezigheid", data={"present": []})
    db.session.expire_all()
    assert db.session.get(Enrollment, a.id).contact_hours_attended == Decimal("3")


def test_session_bad_input_is_shown_at_the_field(client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    db.session.commit()
    login(trainer)
    response = client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten",
                           data={"title": "Start", "held_on": "2026-09-01", "hours": "dertig"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "als getal" in html and 'value="Start"' in html
    assert services.contact_sessions(cohort) == []


def test_attendance_for_a_session_of_another_cohort_is_refused(client, login):
    trainer = make_user("trainer")
    mine = make_cohort(trainers=[trainer])
    other = make_cohort()
    session = services.add_contact_session(other, "X", date(2026, 9, 1), "2")
    db.session.commit()
    login(trainer)
    assert client.post(f"/trainer/groepen/{mine.id}/bijeenkomsten/{session.id}/aanwezigheid").status_code == 404


def _bulk_enroll(cohort, n: int, offset: int = 0) -> None:
    users = [User(email=f"bulk{cohort.id}-{offset + i}@example.nl", name=f"Bulk {i}", role="learner",
                  municipality_code="GM0599" if i % 2 else "GM0363", password_hash=_HASH) for i in range(n)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all([Enrollment(user_id=u.id, cohort_id=cohort.id, modules_total=8) for u in users])
    db.session.commit()


def test_cohort_page_query_count_is_the_same_for_10_and_300_learners(client, login, count_queries):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    db.session.commit()
    login(trainer)
    _bulk_enroll(cohort, 10)
    with count_queries() as small:
        assert client.get(f"/trainer/groepen/{cohort.id}").status_code == 200
    _bulk_enroll(cohort, 290, offset=10)
    with count_queries() as large:
        assert client.get(f"/trainer/groepen/{cohort.id}").status_code == 200
    assert small.count == large.count
    with count_queries() as sessions_page:
        assert client.get(f"/trainer/groepen/{cohort.id}/bijeenkomsten").status_code == 200
    assert sessions_page.count <= small.count + 3


def _submitted_answer(enrollment, slug="wat-is-ebw"):
    from ebw_training.content import get_course
    from ebw_training.learning.models import ExerciseAnswer

    module = get_course().module(slug)
    answers = {item.id: {"scale": "ja", "explanation": f"Uitleg bij {item.id}"} for item in module.exercise.items}
    answer = ExerciseAnswer(enrollment_id=enrollment.id, module_slug=slug, exercise=module.exercise.name,
                            answers=answers, status="submitted", content_version=module.version,
                            submitted_at=utcnow())
    db.session.add(answer)
    db.session.commit()
    return answer


def test_trainer_reviews_an_exercise_and_the_learner_sees_the_feedback(app, client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    learner = make_user("learner", name="Lotte Leerling")
    enrollment = make_enrollment(learner, cohort)
    answer = _submitted_answer(enrollment)
    login(trainer)
    listing = client.get(f"/trainer/groepen/{cohort.id}/oefeningen").get_data(as_text=True)
    assert "Lotte Leerling" in listing and "wacht op beoordeling" in listing
    page = client.get(f"/trainer/groepen/{cohort.id}/oefeningen/{answer.id}").get_data(as_text=True)
    assert "Uitleg bij" in page
    response = client.post(f"/trainer/groepen/{cohort.id}/oefeningen/{answer.id}",
                           data={"feedback": "Sterke analyse. Noem ook je bronnen.", "return": "1"})
    assert response.status_code == 302
    db.session.refresh(answer)
    assert answer.status == "returned" and answer.reviewed_by_id == trainer.id
    learner_client = app.test_client()
    learner_client.post("/login", data={"email": learner.email, "password": "Test-wachtwoord-voor-tests"})
    html = learner_client.get("/modules/wat-is-ebw/oefening").get_data(as_text=True)
    assert "Feedback van je trainer" in html and "Sterke analyse. Noem ook je bronnen." in html


def test_trainer_cannot_review_exercises_of_another_cohort(client, login):
    trainer = make_user("trainer")
    make_cohort(trainers=[trainer])
    other = make_cohort()
    answer = _submitted_answer(make_enrollment(cohort=other))
    mine = make_cohort(trainers=[trainer])
    db.session.commit()
    login(trainer)
    assert client.get(f"/trainer/groepen/{other.id}/oefeningen").status_code == 404
    assert client.get(f"/trainer/groepen/{mine.id}/oefeningen/{answer.id}").status_code == 404
    assert client.post(f"/trainer/groepen/{mine.id}/oefeningen/{answer.id}", data={"approve": "1"}).status_code == 404


def test_review_list_query_count_is_constant(client, login, count_queries):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    for _ in range(2):
        _submitted_answer(make_enrollment(cohort=cohort))
    login(trainer)
    with count_queries() as few:
        assert client.get(f"/trainer/groepen/{cohort.id}/oefeningen").status_code == 200
    for _ in range(20):
        _submitted_answer(make_enrollment(cohort=cohort))
    with count_queries() as many:
        assert client.get(f"/trainer/groepen/{cohort.id}/oefeningen").status_code == 200
    assert few.count == many.count


def test_saving_attendance_leaves_withdrawn_learners_alone(client, login):
    from ebw_training.cohorts.services import withdraw

    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    stays = make_enrollment(cohort=cohort)
    leaves = make_enrollment(cohort=cohort)
    session = services.add_contact_session(cohort, "Start", date(2026, 9, 1), "3")
    services.record_attendance(cohort, session.id, {stays.id, leaves.id})
    withdraw(leaves)
    db.session.commit()
    login(trainer)
    client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten/{session.id}/aanwezigheid", data={"present": [stays.id]})
    db.session.expire_all()
    assert db.session.get(Enrollment, leaves.id).contact_hours_attended == Decimal("3")
    assert db.session.get(Enrollment, stays.id).contact_hours_attended == Decimal("3")


def test_attendance_bumps_the_progress_version(app_ctx):
    cohort = make_cohort()
    enrollment = make_enrollment(cohort=cohort)
    session = services.add_contact_session(cohort, "Start", date(2026, 9, 1), "2")
    before = enrollment.progress_version
    services.record_attendance(cohort, session.id, {enrollment.id})
    assert enrollment.progress_version > before and enrollment.contact_hours_attended == Decimal("2")


def test_hours_that_are_not_a_number_get_a_message(client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    db.session.commit()
    login(trainer)
    for value in ("NaN", "inf", "-inf", "1e400"):
        response = client.post(f"/trainer/groepen/{cohort.id}/bijeenkomsten",
                               data={"title": "Start", "held_on": "2026-09-01", "hours": value})
        assert response.status_code == 200, value
        assert "als getal" in response.get_data(as_text=True) or "tussen" in response.get_data(as_text=True)


def test_update_cohort_refuses_a_non_trainer(app_ctx):
    import pytest

    from ebw_training.core.errors import ValidationError

    cohort = make_cohort()
    learner = make_user("learner")
    with pytest.raises(ValidationError):
        services.update_cohort(cohort, name="X", funding_municipality_code="GM0363", year=2026, reference=None,
                               start=None, end=None, contact_hours="1", trainer_ids=[learner.id], actor=None)
