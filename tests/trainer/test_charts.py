"""Cohort charts: completions per module and progress over the weeks, as SVG with the same figures in a table."""

from __future__ import annotations

from datetime import date, datetime

from ebw_training.content import get_course
from ebw_training.extensions import db
from ebw_training.learning.models import CompletionEvent
from ebw_training.timeutil import utcnow
from ebw_training.trainer.charts import bucket_labels, week_progress

from ..factories import make_cohort, make_enrollment, make_user
from .data import complete_module


def _event(enrollment, slug, status, when):
    db.session.add(CompletionEvent(enrollment_id=enrollment.id, scope="module", module_slug=slug, status=status,
                                   reason="test", content_version="test", created_at=when))


def test_week_progress_counts_learners_by_modules_completed(app_ctx):
    cohort = make_cohort()  # starts 1 September 2026
    a, b, c, d = (make_enrollment(cohort=cohort) for _ in range(4))
    _event(a, "wat-is-ebw", "completed", datetime(2026, 9, 3, 10))
    _event(a, "lokale-aanpak", "completed", datetime(2026, 9, 10, 10))
    _event(b, "wat-is-ebw", "completed", datetime(2026, 9, 9, 10))
    _event(b, "wat-is-ebw", "reopened", datetime(2026, 9, 16, 10))
    _event(d, "wat-is-ebw", "completed", datetime(2026, 9, 2, 10))
    d.withdrawn_at = utcnow()
    db.session.flush()
    weeks = week_progress(cohort, [a, b, c, d], 8, today=date(2026, 9, 20))
    assert [w.number for w in weeks] == [1, 2, 3]
    assert [w.ends for w in weeks] == [date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 20)]
    assert [w.counts[:3] for w in weeks] == [[2, 1, 0], [1, 1, 1], [2, 0, 1]]
    assert all(sum(w.counts) == 3 for w in weeks)  # the withdrawn learner is left out


def test_buckets_name_every_number_of_modules_once():
    assert bucket_labels(8) == ["0 modules", "1 tot 2 modules", "3 tot 5 modules", "6 tot 7 modules", "8 modules"]


def test_cohort_page_shows_both_charts_with_tables(client, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainers=[trainer])
    learner = make_enrollment(cohort=cohort)
    make_enrollment(cohort=cohort)
    complete_module(learner, "lokale-aanpak")
    db.session.commit()
    login(trainer)
    html = client.get(f"/trainer/groepen/{cohort.id}").get_data(as_text=True)
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="chart-modules-title chart-modules-desc"' in html
    title = get_course().module("lokale-aanpak").title
    assert f"{title}: 1 van 2 afgerond" in html  # the description of the module chart
    assert f'<th scope="row">{title}</th><td class="num">1</td><td class="num">2</td>' in html
    assert "Aantal deelnemers per aantal afgeronde modules" in html and "week 1" in html
