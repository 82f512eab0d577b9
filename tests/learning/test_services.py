"""The progress rules of docs/progress-rules.md, tested without HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from ebw_training.cohorts.models import Attendance, ContactSession
from ebw_training.content.draw import legacy_shown
from ebw_training.core.errors import ValidationError
from ebw_training.extensions import db
from ebw_training.learning import activities
from ebw_training.learning import certificates as certificate_service
from ebw_training.learning import exercises as exercise_service
from ebw_training.learning import own_data as own_data_service
from ebw_training.learning import pages as page_service
from ebw_training.learning import progress as progress_service
from ebw_training.learning import quiz as quiz_service
from ebw_training.learning import segments as segment_service
from ebw_training.learning import video as video_service
from ebw_training.learning.models import (
    Certificate,
    CompletionEvent,
    ExerciseAnswer,
    PageRead,
    PendingDraft,
    QuizAttempt,
    VideoProgress,
)
from ebw_training.timeutil import utcnow

from ..factories import make_cohort, make_enrollment, make_learner, make_user
from .conftest import (
    RIGHT_ANSWERS,
    WRONG_ANSWERS,
    build_course,
    install_course,
    open_video_earlier,
    quiz_form,
)

CHECKLIST_DONE = {"probleem": {"scale": "deels", "explanation": "Alleen signalen van partners."},
                  "meten": {"scale": "nee", "explanation": ""}}
FORMAT_DONE = {"doel": {"text": "Minder spanning in de wijk."}, "meting": {"text": "Een enquête voor en na."}}


def _module(course, slug):
    return course.module(slug)


def _read_all(enrollment, module):
    for page in module.pages:
        page_service.mark_page_read(enrollment, module, page.number)


def _events(enrollment, scope="module", slug=None):
    stmt = select(CompletionEvent.status).where(CompletionEvent.enrollment_id == enrollment.id,
                                                CompletionEvent.scope == scope)
    if slug:
        stmt = stmt.where(CompletionEvent.module_slug == slug)
    return list(db.session.scalars(stmt.order_by(CompletionEvent.id)))


def complete_alfa(enrollment, course):
    alfa = _module(course, "alfa")
    _read_all(enrollment, alfa)
    open_video_earlier(enrollment, alfa)
    video_service.record_video_progress(enrollment, alfa, [[0, 100]])
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    exercise_service.submit_exercise(enrollment, alfa, CHECKLIST_DONE)


# ---------------------------------------------------------------------------------------------------- video


def test_merge_segments_joins_overlaps_and_neighbours_and_sorts():
    merged = segment_service.merge_segments([[50, 60], [0, 10], [5, 20], [20.1, 30], [70, 70], [80, 75]])
    assert merged == [[0, 30], [50, 60]]


def test_coverage_counts_the_union_not_the_sum():
    assert segment_service.video_coverage([[0, 50], [0, 50], [25, 50]], 100) == pytest.approx(0.5)
    assert segment_service.video_coverage([], 100) == 0
    assert segment_service.video_coverage([[0, 10]], 0) == 0


def test_video_counts_at_ninety_percent_of_the_union(enrollment, course):
    alfa = _module(course, "alfa")
    open_video_earlier(enrollment, alfa)
    row = video_service.record_video_progress(enrollment, alfa, [[0, 50]])
    assert row.watched_at is None
    row = video_service.record_video_progress(enrollment, alfa, [[40, 89.5]])
    assert row.watched_at is None  # 89.5 %
    assert row.segments == [[0, 89.5]]
    row = video_service.record_video_progress(enrollment, alfa, [[89, 90.2]])
    assert row.watched_at is not None
    progress = progress_service.load_progress(enrollment)
    assert progress.module("alfa").video_done


def test_seeking_to_the_end_does_not_count(enrollment, course):
    """The player reports what it played: a jump to the end adds the seconds after the jump only."""
    alfa = _module(course, "alfa")
    open_video_earlier(enrollment, alfa)
    row = video_service.record_video_progress(enrollment, alfa, [[0, 5], [96, 100]])
    assert row.watched_at is None
    assert segment_service.video_coverage(row.segments, 100) == pytest.approx(0.09)
    # Watching the same seconds again does not add up either.
    for _ in range(20):
        row = video_service.record_video_progress(enrollment, alfa, [[0, 5], [96, 100]])
    assert row.watched_at is None
    assert not progress_service.load_progress(enrollment).module("alfa").video_done


def test_segments_are_clipped_to_the_video_and_bad_input_is_refused(enrollment, course):
    alfa = _module(course, "alfa")
    open_video_earlier(enrollment, alfa)
    row = video_service.record_video_progress(enrollment, alfa, [[-20, 3], [99, 5000], [10, 4]])
    assert row.segments == [[0, 3], [99, 100]]
    for bad in ("0-100", [[0, "100"]], [[0, float("nan")]], [[0, True]], [[1, 2, 3]], [[0, 1]] * 201, None):
        with pytest.raises(ValidationError):
            video_service.record_video_progress(enrollment, alfa, bad)


def test_watched_stays_watched(enrollment, course):
    alfa = _module(course, "alfa")
    open_video_earlier(enrollment, alfa)
    video_service.record_video_progress(enrollment, alfa, [[0, 95]])
    first = db.session.scalar(select(VideoProgress.watched_at))
    video_service.record_video_progress(enrollment, alfa, [[95, 100]])
    assert db.session.scalar(select(VideoProgress.watched_at)) == first


def test_external_video_has_no_progress_and_does_not_block_completion(enrollment, course):
    gamma = _module(course, "gamma")
    assert "video" not in gamma.activities
    with pytest.raises(ValidationError):
        video_service.record_video_progress(enrollment, gamma, [[0, 10]])
    _read_all(enrollment, gamma)
    quiz_service.submit_quiz(enrollment, gamma, quiz_form({"q-een": "a", "q-twee": "b"}), quiz_service.new_submission_token(enrollment, gamma))
    assert progress_service.load_progress(enrollment).module("gamma").complete


# ---------------------------------------------------------------------------------------------------- pages


def test_marking_a_page_read_is_idempotent(enrollment, course):
    alfa = _module(course, "alfa")
    assert page_service.mark_page_read(enrollment, alfa, 1) is True
    assert page_service.mark_page_read(enrollment, alfa, 1) is False
    assert db.session.scalar(select(func.count(PageRead.id))) == 1
    with pytest.raises(ValidationError):
        page_service.mark_page_read(enrollment, alfa, 9)
    progress = progress_service.load_progress(enrollment).module("alfa")
    assert progress.pages_read == {1} and not progress.pages_done and progress.first_unread_page == 2


# ---------------------------------------------------------------------------------------------------- quiz


def test_grading_per_question_type_through_the_registry(course):
    quiz = _module(course, "alfa").quiz
    shown = legacy_shown(quiz, [q.id for q in quiz.questions])
    score, passed, results = quiz_service.grade_quiz(quiz, quiz_service.read_quiz_answers(quiz, quiz_form(RIGHT_ANSWERS), shown)[0], shown)
    assert score == 1.0 and passed
    assert all(r["correct"] for r in results.values())
    answers, missing = quiz_service.read_quiz_answers(quiz, quiz_form(WRONG_ANSWERS), shown)
    assert not missing
    score, passed, results = quiz_service.grade_quiz(quiz, answers, shown)
    assert results["enkel"] == {"score": 0.0, "correct": False, "chosen": ["b"]}
    assert results["meer"]["score"] == 0.0  # two correct options left open, a wrong one chosen
    assert results["waar"]["score"] == 0.0
    assert results["koppel"]["score"] == pytest.approx(1 / 3, abs=1e-3)  # one pair of three right
    assert score == pytest.approx((1 / 3) / 4, abs=1e-3) and not passed
    # multiple choice: share of options judged right
    answers = quiz_service.read_quiz_answers(quiz, quiz_form({**RIGHT_ANSWERS, "q-meer": ["a"]}), shown)[0]
    _score, _passed, results = quiz_service.grade_quiz(quiz, answers, shown)
    assert results["meer"]["score"] == pytest.approx(2 / 3, abs=1e-3)


def test_unanswered_questions_are_named_and_nothing_is_stored(enrollment, course):
    alfa = _module(course, "alfa")
    partial = {k: v for k, v in RIGHT_ANSWERS.items() if k != "q-waar" and not k.startswith("q-koppel")}
    with pytest.raises(quiz_service.QuizIncomplete) as info:
        quiz_service.submit_quiz(enrollment, alfa, quiz_form(partial), quiz_service.new_submission_token(enrollment, alfa))
    assert set(info.value.missing) == {"waar", "koppel"}
    assert info.value.answers["enkel"] == "a"
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0


def test_one_attempt_per_submission_token(enrollment, course):
    alfa = _module(course, "alfa")
    token = quiz_service.new_submission_token(enrollment, alfa)
    first, created = quiz_service.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS), token)
    assert created
    again, created = quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), token)  # double submit
    assert not created and again.id == first.id and again.score == first.score
    other, created = quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    assert created and other.id != first.id
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def test_a_token_cannot_be_reused_by_another_learner_or_be_garbage(enrollment, course):
    alfa = _module(course, "alfa")
    token = quiz_service.new_submission_token(enrollment, alfa)
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), token)
    other = make_enrollment(make_learner())
    with pytest.raises(ValidationError):
        quiz_service.submit_quiz(other, alfa, quiz_form(RIGHT_ANSWERS), token)
    for bad in (None, "", "kort", "x" * 65, "<script>alert(1)</script>xxxxxxxxxx"):
        with pytest.raises(ValidationError):
            quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), bad)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_best_attempt_counts_and_every_attempt_is_kept(enrollment, course):
    alfa = _module(course, "alfa")
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    assert not progress_service.load_progress(enrollment).module("alfa").quiz_passed
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    progress = progress_service.load_progress(enrollment).module("alfa")
    assert progress.quiz_passed and progress.quiz_best == 1.0 and progress.quiz_attempts == 3
    attempts = quiz_service.attempts_for(enrollment, "alfa")
    assert [a.passed for a in attempts] == [False, True, False]  # newest first
    assert all(a.content_version == alfa.version for a in attempts)


def test_attempt_feedback_grades_for_display(enrollment, course):
    alfa = _module(course, "alfa")
    attempt, _created = quiz_service.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS),
                                             quiz_service.new_submission_token(enrollment, alfa))
    rows = quiz_service.attempt_feedback(alfa.quiz, attempt)
    assert [r["number"] for r in rows] == [1, 2, 3, 4]
    question, answer, result = rows[0]["question"], rows[0]["answer"], rows[0]["result"]
    assert question.id == "enkel" and answer == "b" and not result.correct
    assert result.feedback == [("Alleen gevoel", False, "<p>Niet goed: gevoel is geen kennis.</p>")]
    assert quiz_service.get_attempt(enrollment, "alfa", attempt.id) is attempt
    other = make_enrollment(make_learner())
    assert quiz_service.get_attempt(other, "alfa", attempt.id) is None
    assert quiz_service.get_attempt(enrollment, "gamma", attempt.id) is None


# ---------------------------------------------------------------------------------------------------- exercises


def test_drafts_save_partial_answers_and_submit_checks_completeness(enrollment, course):
    alfa = _module(course, "alfa")
    row = exercise_service.save_exercise_draft(enrollment, alfa, {"probleem": {"scale": "", "explanation": "Half af"},
                                                          "verdwenen-item": {"text": "weg"}})
    assert row.status == "draft" and row.answers == {"probleem": {"scale": "", "explanation": "Half af"}}
    with pytest.raises(exercise_service.ExerciseIncomplete) as info:
        exercise_service.submit_exercise(enrollment, alfa, {"probleem": {"scale": "ja", "explanation": "Nu wel"}})
    assert set(info.value.missing) == {"meten"}
    assert "Kies een antwoord" in info.value.missing["meten"]
    row = exercise_service.exercise_answer_for(enrollment, "alfa")
    assert row.status == "draft" and row.answers["probleem"]["explanation"] == "Nu wel"  # typed work kept
    row = exercise_service.submit_exercise(enrollment, alfa, CHECKLIST_DONE)
    assert row.status == "submitted" and row.submitted_at is not None
    with pytest.raises(ValidationError):
        exercise_service.save_exercise_draft(enrollment, alfa, {"probleem": {"scale": "nee", "explanation": "Later"}})
    assert exercise_service.exercise_answer_for(enrollment, "alfa").answers == CHECKLIST_DONE
    assert db.session.scalar(select(func.count(ExerciseAnswer.id))) == 1


def test_format_exercise_needs_text_in_every_field(enrollment, course):
    beta = _module(course, "beta")
    with pytest.raises(exercise_service.ExerciseIncomplete) as info:
        exercise_service.submit_exercise(enrollment, beta, {"doel": {"text": "Iets"}, "meting": {"text": "   "}})
    assert info.value.missing == {"meting": "Vul dit onderdeel in."}


def test_pending_drafts_are_kept_per_learner_and_restored_once(enrollment, course):
    alfa = _module(course, "alfa")
    exercise_service.save_exercise_draft(enrollment, alfa, {"probleem": {"scale": "ja", "explanation": "Oud"},
                                                    "meten": {"scale": "nee", "explanation": "Blijft"}})
    user_id = enrollment.user_id
    assert exercise_service.keep_pending_draft(user_id, alfa, {"probleem": {"scale": "", "explanation": ""}}) is None
    kept = exercise_service.keep_pending_draft(user_id, alfa, {"probleem": {"scale": "deels", "explanation": "Nieuw"},
                                                       "meten": {"scale": "", "explanation": ""}})
    assert kept is not None
    other = make_user("learner")
    assert exercise_service.pending_draft_for(other.id, "alfa") is None
    pending = exercise_service.pending_draft_for(user_id, "alfa")
    row = exercise_service.restore_pending_draft(enrollment, alfa, pending)
    assert row.answers == {"probleem": {"scale": "deels", "explanation": "Nieuw"},
                           "meten": {"scale": "nee", "explanation": "Blijft"}}
    assert exercise_service.pending_draft_for(user_id, "alfa") is None
    assert db.session.scalar(select(func.count(PendingDraft.id))) == 0


def test_old_pending_drafts_expire(enrollment, course):
    alfa = _module(course, "alfa")
    kept = exercise_service.keep_pending_draft(enrollment.user_id, alfa, {"probleem": {"scale": "ja", "explanation": ""}})
    kept.created_at = utcnow() - timedelta(days=exercise_service.PENDING_DRAFT_DAYS + 1)
    db.session.flush()
    assert exercise_service.pending_draft_for(enrollment.user_id, "alfa") is None


def test_review_required_module_completes_on_approval_and_a_returned_exercise_reopens(enrollment, course):
    beta = _module(course, "beta")
    _read_all(enrollment, beta)
    row = exercise_service.submit_exercise(enrollment, beta, FORMAT_DONE)
    progress = progress_service.load_progress(enrollment).module("beta")
    assert not progress.complete and progress.todo() == [("review", None)]
    trainer = make_user("trainer")
    exercise_service.review_exercise(row, decision="approved", feedback="Helder doel.", reviewer=trainer)
    assert progress_service.load_progress(enrollment).module("beta").complete
    exercise_service.review_exercise(row, decision="returned", feedback="Maak de meting concreet.", reviewer=trainer)
    progress = progress_service.load_progress(enrollment).module("beta")
    assert not progress.complete and progress.todo() == [("exercise", None)]
    exercise_service.save_exercise_draft(enrollment, beta, FORMAT_DONE)  # editable again
    exercise_service.submit_exercise(enrollment, beta, FORMAT_DONE)
    exercise_service.review_exercise(row, decision="approved", feedback=None, reviewer=trainer)
    assert _events(enrollment, slug="beta") == ["started", "completed", "reopened", "completed"]
    assert exercise_service.exercise_answer_for(enrollment, "beta").feedback == "Maak de meting concreet."


# ---------------------------------------------------------------------------------------------------- completion


def test_module_completes_when_every_activity_is_done(enrollment, course):
    alfa = _module(course, "alfa")
    _read_all(enrollment, alfa)
    open_video_earlier(enrollment, alfa)
    video_service.record_video_progress(enrollment, alfa, [[0, 100]])
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    exercise_service.submit_exercise(enrollment, alfa, CHECKLIST_DONE)
    progress = progress_service.load_progress(enrollment).module("alfa")
    assert progress.activity_done == {"pages": True, "video": True, "quiz": False, "exercise": True}
    assert not progress.complete and progress.status == "bezig"
    assert progress.fraction == pytest.approx(0.75)
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    progress = progress_service.load_progress(enrollment).module("alfa")
    assert progress.complete and progress.status == "afgerond" and progress.fraction == 1.0
    assert _events(enrollment, slug="alfa") == ["started", "completed"]
    reason = db.session.scalar(select(CompletionEvent.reason).where(CompletionEvent.status == "completed"))
    assert "toets gehaald" in reason and "video bekeken" in reason


def test_history_is_append_only(enrollment, course):
    complete_alfa(enrollment, course)
    before = [(e.id, e.status, e.reason, e.created_at) for e in db.session.scalars(select(CompletionEvent))]
    progress_service.refresh_enrollment_summary(enrollment)
    progress_service.refresh_enrollment_summary(enrollment)
    after = [(e.id, e.status, e.reason, e.created_at) for e in db.session.scalars(select(CompletionEvent))]
    assert after == before  # nothing changed, nothing appended, nothing rewritten
    quiz_service.submit_quiz(enrollment, _module(course, "alfa"), quiz_form(WRONG_ANSWERS), quiz_service.new_submission_token(enrollment, _module(course, "alfa")))
    assert [(e.id, e.status, e.reason, e.created_at) for e in db.session.scalars(select(CompletionEvent))] == before


def test_completion_is_kept_when_the_content_changes(app_ctx, enrollment, course):
    complete_alfa(enrollment, course)
    install_course(app_ctx, build_course(extra_page=True))  # a page added after the learner finished
    progress = progress_service.refresh_enrollment_summary(enrollment).module("alfa")
    assert not progress.rules_met and progress.complete
    assert _events(enrollment, slug="alfa") == ["started", "completed"]


def test_course_completion_issues_one_certificate(enrollment, course):
    complete_alfa(enrollment, course)
    beta, gamma = _module(course, "beta"), _module(course, "gamma")
    _read_all(enrollment, beta)
    row = exercise_service.submit_exercise(enrollment, beta, FORMAT_DONE)
    exercise_service.review_exercise(row, decision="approved", feedback=None, reviewer=make_user("trainer"))
    _read_all(enrollment, gamma)
    assert enrollment.completed_at is None and certificate_service.certificate_for(enrollment) is None
    quiz_service.submit_quiz(enrollment, gamma, quiz_form({"q-een": "a", "q-twee": "b"}), quiz_service.new_submission_token(enrollment, gamma))
    assert enrollment.completed_at is not None and enrollment.status == "afgerond"
    certificate = certificate_service.certificate_for(enrollment)
    assert certificate is not None and certificate.holder_name == "Daan de Vries"
    assert certificate.study_hours == pytest.approx(135 / 60, abs=0.01)
    assert certificate_service.normalise_code(certificate.code) == certificate.code
    progress_service.refresh_enrollment_summary(enrollment)
    assert certificate_service.issue_certificate(enrollment).code == certificate.code
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert _events(enrollment, scope="course") == ["started", "completed"]


def test_course_stays_completed_when_a_module_reopens(enrollment, course):
    test_course_completion_issues_one_certificate(enrollment, course)
    completed_at = enrollment.completed_at
    row = exercise_service.exercise_answer_for(enrollment, "beta")
    exercise_service.review_exercise(row, decision="returned", feedback="Nog eens.", reviewer=make_user("trainer"))
    assert enrollment.completed_at == completed_at and enrollment.modules_completed == 2
    assert _events(enrollment, scope="course") == ["started", "completed", "reopened"]
    assert certificate_service.certificate_for(enrollment) is not None


def test_certificate_codes_are_unique_and_found_in_any_spelling(course):
    codes = {certificate_service.new_certificate_code() for _ in range(500)}
    assert len(codes) == 500
    code = "EBW-ABCD-EF23"
    assert certificate_service.normalise_code(" ebw abcd ef23 ") == code
    assert certificate_service.normalise_code("ABCDEF23") == code
    assert certificate_service.normalise_code("EBW-ABCD-EF2") is None
    assert certificate_service.normalise_code("EBW-ABCD-EF21") is None  # 1 is not in the alphabet
    assert certificate_service.find_certificate("nonsense") is None
    assert certificate_service.initials("Daan de Vries") == "D.d.V."
    assert certificate_service.initials("Fatima El-Amrani") == "F.E.A."


def test_certificate_is_not_issued_before_completion(enrollment, course):
    with pytest.raises(ValidationError):
        certificate_service.issue_certificate(enrollment)


# ---------------------------------------------------------------------------------------------------- summary


def test_summary_columns_follow_every_activity(enrollment, course):
    assert enrollment.started_at is None and enrollment.status == "niet_gestart"
    alfa, gamma = _module(course, "alfa"), _module(course, "gamma")
    page_service.mark_page_read(enrollment, alfa, 1)
    assert enrollment.started_at is not None and enrollment.status == "bezig"
    started = enrollment.started_at
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(WRONG_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    assert enrollment.quiz_average == pytest.approx(8.3)  # one attempt of 8.33 %
    quiz_service.submit_quiz(enrollment, alfa, quiz_form(RIGHT_ANSWERS), quiz_service.new_submission_token(enrollment, alfa))
    quiz_service.submit_quiz(enrollment, gamma, quiz_form({"q-een": "a", "q-twee": "a"}), quiz_service.new_submission_token(enrollment, gamma))
    assert enrollment.quiz_average == pytest.approx(75.0)  # best per quiz: 100 and 50
    assert enrollment.exercises_submitted == 0
    exercise_service.save_exercise_draft(enrollment, alfa, CHECKLIST_DONE)
    assert enrollment.exercises_submitted == 0
    _read_all(enrollment, alfa)
    open_video_earlier(enrollment, alfa)
    video_service.record_video_progress(enrollment, alfa, [[0, 100]])
    exercise_service.submit_exercise(enrollment, alfa, CHECKLIST_DONE)
    assert enrollment.exercises_submitted == 1
    assert enrollment.modules_completed == 1 and enrollment.modules_total == 3
    assert enrollment.study_hours == Decimal("1.00")
    _read_all(enrollment, gamma)
    assert enrollment.modules_completed == 2 and enrollment.study_hours == Decimal("1.75")
    assert enrollment.started_at == started
    assert enrollment.last_active_at >= started
    assert enrollment.completed_at is None


def test_contact_hours_count_sessions_attended(enrollment, course):
    cohort = enrollment.cohort
    first = ContactSession(cohort_id=cohort.id, title="Start", held_on=date(2026, 9, 1), hours=Decimal("3"))
    second = ContactSession(cohort_id=cohort.id, title="Terugkom", held_on=date(2026, 10, 1), hours=Decimal("2.5"))
    third = ContactSession(cohort_id=cohort.id, title="Slot", held_on=date(2026, 11, 1), hours=Decimal("1"))
    db.session.add_all([first, second, third])
    db.session.flush()
    db.session.add_all([Attendance(session_id=first.id, enrollment_id=enrollment.id, present=True),
                        Attendance(session_id=second.id, enrollment_id=enrollment.id, present=True),
                        Attendance(session_id=third.id, enrollment_id=enrollment.id, present=False)])
    progress_service.refresh_enrollment_summary(enrollment)
    assert enrollment.contact_hours_attended == Decimal("5.50")
    assert enrollment.started_at is None  # attendance is recorded by trainers, not learner activity


def test_progress_and_next_step(enrollment, course):
    progress = progress_service.load_progress(enrollment)
    assert progress.next_step()[0].slug == "alfa" and progress.next_step()[1] == "module"
    assert progress.fraction == 0 and progress.todo()[0][1] == [("video", None), ("pages", 1), ("quiz", None),
                                                                ("exercise", None)]
    gamma = _module(course, "gamma")
    page_service.mark_page_read(enrollment, gamma, 1)
    step = progress_service.load_progress(enrollment).next_step()
    assert (step[0].slug, step[1], step[2]) == ("gamma", "pages", 2)  # where the learner was, not module order
    _read_all(enrollment, gamma)
    quiz_service.submit_quiz(enrollment, gamma, quiz_form({"q-een": "a", "q-twee": "b"}), quiz_service.new_submission_token(enrollment, gamma))
    progress = progress_service.load_progress(enrollment)
    step = progress.next_step()
    assert step[0].slug == "alfa"  # gamma is done: the first open module
    assert progress.fraction == pytest.approx(45 / 135)


def test_learners_do_not_share_progress(enrollment, course):
    complete_alfa(enrollment, course)
    other = make_enrollment(make_learner(), make_cohort())
    progress = progress_service.load_progress(other)
    assert not progress.started and progress.modules_completed == 0
    assert exercise_service.exercise_answer_for(other, "alfa") is None
    assert quiz_service.attempts_for(other, "alfa") == []


def test_own_data_export_holds_everything_and_nothing_of_others(enrollment, course):
    complete_alfa(enrollment, course)
    other = make_enrollment(make_learner(name="Iemand Anders"))
    exercise_service.save_exercise_draft(other, _module(course, "alfa"), {"probleem": {"scale": "ja", "explanation": "GEHEIM"}})
    data = own_data_service.export_own_data(enrollment.user)
    assert data["account"]["name"] == "Daan de Vries"
    mine = data["enrollments"][0]
    assert mine["cohort"] == "Groep Amstelland"
    assert {p["page"] for p in mine["pages_read"]} == {1, 2, 3}
    assert mine["quiz_attempts"][0]["score"] == 1.0
    assert mine["exercises"][0]["answers"] == CHECKLIST_DONE
    assert [e["status"] for e in mine["completion_history"] if e["module"] == "alfa"] == ["started", "completed"]
    import json

    text = json.dumps(data)
    assert "GEHEIM" not in text and "Iemand Anders" not in text


def test_simultaneous_submissions_of_one_token_store_one_attempt(app, enrollment, course):
    """Two tabs or a double click arriving at the same moment: the database keeps one attempt."""
    import threading

    from ebw_training.cohorts.models import Enrollment

    token = quiz_service.new_submission_token(enrollment, course.module("alfa"))
    enrollment_id = enrollment.id
    db.session.commit()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            with app.app_context():
                own = db.session.get(Enrollment, enrollment_id)
                barrier.wait(timeout=10)
                attempt, created = quiz_service.submit_quiz(own, course.module("alfa"), quiz_form(RIGHT_ANSWERS), token)
                db.session.commit()
                results.append((attempt.id, created))
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len({attempt_id for attempt_id, _created in results}) == 1
    assert sum(created for _id, created in results) == 1
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_simultaneous_video_reports_lose_no_segment(app, enrollment, course):
    """Two tabs reporting at once: every segment ends up in the union."""
    import threading

    from ebw_training.cohorts.models import Enrollment

    enrollment_id = enrollment.id
    open_video_earlier(enrollment, course.module("alfa"))
    barrier = threading.Barrier(5)
    errors = []

    def report(start: int):
        try:
            with app.app_context():
                own = db.session.get(Enrollment, enrollment_id)
                barrier.wait(timeout=10)
                video_service.record_video_progress(own, course.module("alfa"), [[start, start + 10]])
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=report, args=(start,)) for start in (0, 20, 40, 60, 80)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    db.session.expire_all()
    row = db.session.scalar(select(VideoProgress))
    assert row.segments == [[0, 10], [20, 30], [40, 50], [60, 70], [80, 90]]


# ---------------------------------------------------------------------------------------------------- code review


def test_trainer_can_clear_feedback_with_an_empty_text(enrollment, course):
    beta = _module(course, "beta")
    row = exercise_service.submit_exercise(enrollment, beta, FORMAT_DONE)
    trainer = make_user("trainer")
    exercise_service.review_exercise(row, decision=None, feedback="Eerste indruk.", reviewer=trainer)
    assert row.feedback == "Eerste indruk."
    exercise_service.review_exercise(row, decision=None, feedback="  ", reviewer=trainer)  # the emptied textarea
    assert row.feedback is None
    exercise_service.review_exercise(row, decision="approved", feedback="", reviewer=trainer)
    assert row.feedback is None and row.status == "approved"
    exercise_service.review_exercise(row, decision=None, feedback="Toch nog iets.", reviewer=trainer)
    exercise_service.review_exercise(row, decision=None, feedback=None, reviewer=trainer)  # no text given: unchanged
    assert row.feedback == "Toch nog iets."


def test_one_constant_for_handed_in_exercises():
    assert activities.EXERCISE_DONE == {"submitted", "approved"}
    assert not hasattr(activities, "EXERCISE_LOCKED")


def test_own_data_export_writes_utc_times_with_z(enrollment, course):
    import re
    from datetime import datetime

    alfa = _module(course, "alfa")
    page_service.mark_page_read(enrollment, alfa, 1)
    row = db.session.scalar(select(PageRead))
    row.read_at = datetime(2026, 3, 12, 23, 30, 5)
    db.session.flush()
    data = own_data_service.export_own_data(enrollment.user)
    assert data["enrollments"][0]["pages_read"][0]["read_at"] == "2026-03-12T23:30:05Z"
    utc = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

    def times(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from times(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from times(v, key)
        elif isinstance(value, str) and (key.endswith("_at") or key == "at"):
            yield key, value

    found = list(times(data))
    assert len(found) >= 6
    assert all(utc.match(value) for _key, value in found), found


def test_kept_answers_already_used_elsewhere_are_not_restored_twice(enrollment, course):
    alfa = _module(course, "alfa")
    kept = exercise_service.keep_pending_draft(enrollment.user_id, alfa, {"probleem": {"scale": "ja", "explanation": "A"}})
    db.session.flush()
    db.session.execute(delete(PendingDraft))  # another tab restored or discarded them meanwhile
    assert exercise_service.restore_pending_draft(enrollment, alfa, kept) is None
    assert exercise_service.exercise_answer_for(enrollment, "alfa") is None
    exercise_service.discard_pending_draft(kept)
    exercise_service.discard_pending_draft(None)
    kept = exercise_service.keep_pending_draft(enrollment.user_id, alfa, {"probleem": {"scale": "ja", "explanation": "B"}})
    row = exercise_service.restore_pending_draft(enrollment, alfa, kept)
    assert row.answers["probleem"]["explanation"] == "B"
    assert db.session.scalar(select(func.count(PendingDraft.id))) == 0


def test_quiz_average_rounds_half_up(app_ctx):
    from decimal import Decimal

    from ebw_training.core.formatting import hours, number, percent, round_half_up

    assert round_half_up(6.25) == Decimal("6.3") and round_half_up(77.25) == Decimal("77.3")
    assert round_half_up(6.249) == Decimal("6.2") and round_half_up(0.285, 2) == Decimal("0.29")
    assert percent(0.125) == "12,5" and percent(0.7) == "70" and percent(0.6944) == "69,4"
    assert number(2.25) == "2,3" and hours(2.25) == "2,25" and hours(3) == "3"


def test_numbers_follow_the_interface_language(app_ctx):
    """The `getal` filter wrote a decimal comma in the English interface too; documents stay Dutch."""
    from flask_babel import force_locale

    from ebw_training.core.formatting import hours, number, percent, percentage

    with force_locale("en"):
        assert number(2.5) == "2.5" and percent(0.125) == "12.5" and hours(2.25) == "2.25"
        assert percentage(12.5) == "12.5 %" and number(2.5, locale="nl") == "2,5"
    with force_locale("nl"):
        assert number(2.5) == "2,5" and percent(0.125) == "12,5" and percentage(12.5) == "12,5 %"


def test_huge_numbers_in_video_reports_are_refused(enrollment, course):
    import pytest

    module = course.module("alfa")
    open_video_earlier(enrollment, module)
    for bad in ([[0, 10**400]], [[-(10**30), 5]], [[0, 1e300]]):
        with pytest.raises(ValidationError):
            video_service.record_video_progress(enrollment, module, bad)


def test_every_activity_of_every_module_is_a_registered_class(course):
    """The completion rules ask the registry, so an activity name without a class would break progress."""
    from ebw_training.learning.activities import ACTIVITIES, TODO_ORDER

    names = {name for module in course.modules for name in module.activities}
    assert names == {"pages", "video", "quiz", "exercise"} and names <= set(ACTIVITIES) <= set(TODO_ORDER)
