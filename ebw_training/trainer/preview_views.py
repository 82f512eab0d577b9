"""The course preview for trainers and admins (/trainer/cursus): every module as a learner sees it.

Nothing is recorded: these views read the in-memory course only, need no enrolment and write no progress. The
quizzes show their answer key and the feedback of every option, marked as visible to trainers only; learners
and coordinators cannot open these pages (403).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..content import get_course
from ..content.exercise_kinds import EXERCISE_KINDS
from ..content.types import QUESTION_TYPES
from ..core.permissions import roles_required

bp = Blueprint("preview", __name__)


@bp.get("/cursus")
@roles_required("trainer", "admin")
def index():
    return render_template("trainer/preview_index.html", course=get_course())


@bp.get("/cursus/<slug>")
@roles_required("trainer", "admin")
def module(slug: str):
    course = get_course()
    module = course.module(slug)
    if module is None:
        abort(404)
    questions = []
    if module.quiz is not None:
        for number, question in enumerate(module.quiz.questions, start=1):
            html = QUESTION_TYPES[question.type].render(question, number=number)
            questions.append({"question": question, "html": html, "number": number,
                              "matches": {o.key: o for o in question.options}})
    exercise = None
    if module.exercise is not None:
        exercise = EXERCISE_KINDS[module.exercise.kind].render(module.exercise, {}, disabled=True)
    index = course.modules.index(module)
    return render_template(
        "trainer/preview_module.html", course=course, module=module, questions=questions, exercise_html=exercise,
        previous=course.modules[index - 1] if index > 0 else None,
        following=course.modules[index + 1] if index + 1 < len(course.modules) else None,
    )
