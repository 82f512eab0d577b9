"""Retention: learners are anonymised after the retention period; the completion counts stay."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from ebw_training.accounts.models import LoginAttempt, MailMessage, User
from ebw_training.admin.retention import run_retention
from ebw_training.cohorts.models import Enrollment
from ebw_training.extensions import db
from ebw_training.learning.models import Certificate, ExerciseAnswer
from ebw_training.timeutil import utcnow

from .factories import TEST_PASSWORD, make_cohort, make_enrollment, make_learner


def _old_enrollment(name="Oud Deelnemer", days=800):
    cohort = make_cohort(year=2023)
    cohort.start_date = date.today() - timedelta(days=days + 100)
    cohort.end_date = date.today() - timedelta(days=days)
    learner = make_learner(name=name, municipality="GM0599")
    learner.created_at = utcnow() - timedelta(days=days + 100)
    enrollment = make_enrollment(learner, cohort)
    enrollment.enrolled_at = enrollment.started_at = utcnow() - timedelta(days=days + 90)
    enrollment.last_active_at = enrollment.completed_at = utcnow() - timedelta(days=days + 10)
    enrollment.modules_completed = 8
    db.session.add(Certificate(enrollment_id=enrollment.id, code="EBW-ABCD-2345", holder_name=name, study_hours=10,
                               content_version="0" * 64, issued_at=utcnow() - timedelta(days=days + 10)))
    db.session.add(ExerciseAnswer(enrollment_id=enrollment.id, module_slug="wat-is-ebw", exercise="zelfscan-ebw",
                                  answers={"probleem": {"scale": "ja", "explanation": "Persoonlijke tekst"}},
                                  status="submitted", content_version="0" * 64))
    db.session.add(MailMessage(recipient=learner.email, subject="Uitnodiging", body="Welkom",
                               created_at=utcnow() - timedelta(days=days + 100)))
    db.session.add(LoginAttempt(email_key="x", created_at=utcnow() - timedelta(days=days)))
    db.session.commit()
    return enrollment


def test_old_learners_are_anonymised_and_counts_stay(app_ctx, client):
    old = _old_enrollment()
    recent = make_enrollment(make_learner(name="Nieuwe Deelnemer"))
    db.session.commit()
    before = db.session.scalar(select(func.count(Enrollment.id)))
    result = run_retention(730)
    assert result.learners == [old.user_id]
    user = db.session.get(User, old.user_id)
    assert user.name == "Geanonimiseerd" and "@invalid" in user.email and user.password_hash is None
    assert user.anonymised_at is not None and user.municipality_code == "GM0599"
    assert db.session.scalar(select(func.count(Enrollment.id))) == before
    assert db.session.get(Enrollment, old.id).status == "afgerond"
    assert db.session.scalar(select(ExerciseAnswer.answers).where(ExerciseAnswer.enrollment_id == old.id)) == {}
    assert db.session.scalar(select(Certificate.holder_name).where(Certificate.enrollment_id == old.id)) == "O. D."
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0
    assert db.session.get(User, recent.user_id).name == "Nieuwe Deelnemer"
    # The certificate still verifies, with initials only.
    html = client.get("/verify/EBW-ABCD-2345").get_data(as_text=True)
    assert "O.D." in html and "Oud Deelnemer" not in html
    # Running again changes nothing.
    assert run_retention(730).learners == []


def test_dry_run_changes_nothing_and_the_cli_reports(runner):
    old = _old_enrollment()
    result = runner.invoke(args=["ebw", "retention", "--days", "730", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["anonymised"] == 1
    assert db.session.get(User, old.user_id).name == "Oud Deelnemer"
    result = runner.invoke(args=["ebw", "retention", "--days", "730"])
    assert result.exit_code == 0 and "1 deelnemers anoniem" in result.output
    db.session.expire_all()
    assert db.session.get(User, old.user_id).name == "Geanonimiseerd"
    assert runner.invoke(args=["ebw", "retention", "--days", "5"]).exit_code != 0  # at least 30 days


def test_anonymised_learner_cannot_log_in(app_ctx, client):
    old = _old_enrollment()
    email = old.user.email
    run_retention(730)
    assert client.post("/login", data={"email": email, "password": TEST_PASSWORD}).status_code == 200


def test_retention_removes_the_logins_of_anonymised_learners_and_old_ones(app_ctx):
    from ebw_training.accounts.models import UserSession

    old = _old_enrollment()
    recent = make_learner(name="Nieuwe Deelnemer")
    now = utcnow()
    for user_id, seen in ((old.user_id, now), (recent.id, now), (recent.id, now - timedelta(days=800))):
        db.session.add(UserSession(user_id=user_id, token_hash=f"{user_id}-{seen.isoformat()}"[:64],
                                   device="Firefox / Windows", last_seen_at=seen, expires_at=seen))
    db.session.commit()
    run_retention(730)
    left = db.session.scalars(select(UserSession)).all()
    assert [(row.user_id, row.last_seen_at) for row in left] == [(recent.id, now)]
