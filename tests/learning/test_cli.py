"""`flask ebw refresh-progress` brings every enrolment summary up to date (idempotent)."""

from __future__ import annotations

from sqlalchemy import func, select

from ebw_training.extensions import db
from ebw_training.learning.models import CompletionEvent, PageRead

from ..factories import make_enrollment, make_learner


def test_refresh_progress_command(runner, enrollment, course):
    db.session.add(PageRead(enrollment_id=enrollment.id, module_slug="alfa", page_number=1, content_version="x"))
    other = make_enrollment(make_learner())
    db.session.commit()
    assert enrollment.started_at is None
    result = runner.invoke(args=["ebw", "refresh-progress"])
    assert result.exit_code == 0, result.output
    assert "2 inschrijving(en)" in result.output
    db.session.expire_all()
    assert enrollment.started_at is not None and enrollment.modules_total == 3
    assert other.started_at is None
    events = db.session.scalar(select(func.count(CompletionEvent.id)))
    assert runner.invoke(args=["ebw", "refresh-progress", "--cohort", str(enrollment.cohort_id)]).exit_code == 0
    assert db.session.scalar(select(func.count(CompletionEvent.id))) == events
    result = runner.invoke(args=["ebw", "refresh-progress", "--cohort", "999999"])
    assert result.exit_code != 0 and "bestaat niet" in result.output
