"""A learner's quiz attempts as their trainer sees them (/trainer/groepen/<id>/deelnemers/<id>/toetsen/...).

Read only: each attempt shows exactly the questions it drew and the option order it showed (the stored record,
content/draw.py), with the learner's answers and the verdicts, as on the learner's own result page.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..cohorts.models import Enrollment
from ..cohorts.views import load_cohort
from ..content import get_course
from ..core.permissions import roles_required
from ..extensions import db
from ..learning.helpers import attempt_questions
from ..learning.models import QuizAttempt

bp = Blueprint("attempts", __name__)


def _enrollment(cohort, enrollment_id: int) -> Enrollment:
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.cohort_id != cohort.id:
        abort(404)
    return enrollment


@bp.get("/groepen/<int:cohort_id>/deelnemers/<int:enrollment_id>/toetsen")
@roles_required("trainer", "admin")
def index(cohort_id: int, enrollment_id: int):
    cohort = load_cohort(cohort_id)
    enrollment = _enrollment(cohort, enrollment_id)
    attempts = list(db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    ))
    course = get_course()
    titles = {m.slug: m.title for m in course.modules}
    return render_template("trainer/attempts.html", cohort=cohort, enrollment=enrollment, attempts=attempts,
                           titles=titles)


@bp.get("/groepen/<int:cohort_id>/deelnemers/<int:enrollment_id>/toetsen/<int:attempt_id>")
@roles_required("trainer", "admin")
def show(cohort_id: int, enrollment_id: int, attempt_id: int):
    cohort = load_cohort(cohort_id)
    enrollment = _enrollment(cohort, enrollment_id)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.enrollment_id != enrollment.id:
        abort(404)
    module = get_course().module(attempt.module_slug)
    if module is None or module.quiz is None:
        abort(404)
    questions, _right = attempt_questions(module.quiz, attempt)
    return render_template("trainer/attempt.html", cohort=cohort, enrollment=enrollment, attempt=attempt,
                           module=module, questions=questions)
