"""The learner's progress: the rules of docs/progress-rules.md, in one place.

Views, the CLI and the tests call these functions. Every function that records learner activity ends with
`refresh_enrollment_summary()`, which appends status changes to the completion history, issues the certificate
once the course is complete and keeps the Enrollment summary columns that reports and exports read.
Functions flush; the caller commits.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager

from ..cohorts.models import Attendance, ContactSession, Enrollment
from ..content import get_course
from ..content.course import Course, Exercise, Module, Question, Quiz
from ..content.draw import compose, shown_questions
from ..extensions import db
from ..formatting import round_half_up
from ..timeutil import utcnow
from .models import (
    Certificate,
    CompletionEvent,
    ExerciseAnswer,
    PageRead,
    PendingDraft,
    QuizAttempt,
    VideoProgress,
)

VIDEO_THRESHOLD = 0.9  # share of the duration the union of watched segments must cover
SEGMENT_TOLERANCE = 0.25  # seconds: segments closer than this are one segment (timeupdate granularity)
MAX_SEGMENTS_PER_REPORT = 200
MAX_STORED_SEGMENTS = 1000
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{16,64}$")
QUIZ_FORM_MAX_AGE = timedelta(days=7)  # a quiz form (and its draw) stays valid this long
# Handed in: counts as submitted, and the learner can no longer change it (until a trainer returns it).
EXERCISE_DONE = frozenset({"submitted", "approved"})
PENDING_DRAFT_DAYS = 7
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class LearningError(ValueError):
    """Input or a request the rules refuse; the message is Dutch and meant for the learner."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class QuizIncomplete(LearningError):
    """Not every question was answered; nothing is stored and the answers given are kept for the form."""

    def __init__(self, answers: dict[str, Any], missing: dict[str, str]):
        super().__init__(_("Beantwoord alle vragen voordat je de toets inlevert."))
        self.answers = answers
        self.missing = missing


class ExerciseIncomplete(LearningError):
    """Required fields are empty; the draft is saved, the exercise is not submitted."""

    def __init__(self, missing: dict[str, str]):
        super().__init__(_("Vul de ontbrekende antwoorden in voordat je de oefening inlevert."))
        self.missing = missing


# --------------------------------------------------------------------------------------------------------------
# Small database helpers


def _insert_ignore(model, values: dict[str, Any]) -> int:
    """INSERT that does nothing when a unique constraint says the row is already there.

    Double clicks, two tabs and retries all end here: the database decides, so a race cannot create two rows.
    Returns the number of inserted rows (0 or 1).
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"Unsupported database {dialect}")
    # Core applies the columns' Python-side defaults (utcnow, dict) to the missing values. RETURNING tells
    # whether a row was inserted (rowcount is not reliable for ON CONFLICT on every driver).
    table = model.__table__
    result = db.session.execute(
        insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    )
    return 1 if result.first() is not None else 0


def _lock(enrollment: Enrollment) -> None:
    """Serialise the writes of one learner (PostgreSQL row lock; SQLite serialises writers itself)."""
    db.session.flush()
    db.session.execute(select(Enrollment.id).where(Enrollment.id == enrollment.id).with_for_update())


# --------------------------------------------------------------------------------------------------------------
# Progress: loaded in a constant number of queries, however many pages and attempts a learner has


@dataclass
class ModuleProgress:
    module: Module
    pages_read: frozenset[int] = frozenset()
    video_seconds: float = 0.0
    video_watched_at: datetime | None = None
    quiz_best: float | None = None
    quiz_attempts: int = 0
    exercise_status: str | None = None
    exercise_feedback: bool = False
    recorded: str | None = None  # latest status in the completion history: started | completed | reopened
    first_active: datetime | None = None
    last_active: datetime | None = None

    @property
    def slug(self) -> str:
        return self.module.slug

    @property
    def pages_total(self) -> int:
        return len(self.module.pages)

    @property
    def pages_done_count(self) -> int:
        return sum(1 for page in self.module.pages if page.number in self.pages_read)

    @property
    def pages_done(self) -> bool:
        return self.pages_done_count == self.pages_total

    @property
    def has_video(self) -> bool:
        """A video of our own counts for completion; an external video is optional (we cannot see it played)."""
        return "video" in self.module.activities

    @property
    def video_coverage(self) -> float:
        video = self.module.video
        if video is None or not video.duration:
            return 0.0
        return min(1.0, self.video_seconds / video.duration)

    @property
    def video_done(self) -> bool:
        return self.video_watched_at is not None

    @property
    def quiz_passed(self) -> bool:
        quiz = self.module.quiz
        return quiz is not None and self.quiz_best is not None and self.quiz_best >= quiz.pass_mark - 1e-9

    @property
    def exercise_done(self) -> bool:
        if self.module.requires_review:
            return self.exercise_status == "approved"
        return self.exercise_status in EXERCISE_DONE

    @property
    def exercise_status_text(self) -> str | None:
        """The exercise's status in words (the same wording as the exercise page and the result document)."""
        if self.exercise_status is None:
            return None
        from .documents import exercise_status_text

        return exercise_status_text(self.exercise_status, self.module.requires_review)

    @property
    def activity_done(self) -> dict[str, bool]:
        done = {"pages": self.pages_done, "video": self.video_done, "quiz": self.quiz_passed,
                "exercise": self.exercise_done}
        return {name: done[name] for name in self.module.activities}

    @property
    def rules_met(self) -> bool:
        return all(self.activity_done.values())

    @property
    def reopen_trigger(self) -> bool:
        """The only thing that takes a completed module back: a trainer returned the exercise."""
        return self.exercise_status == "returned"

    @property
    def complete(self) -> bool:
        # Completion is kept when content changes later (a page added, a higher pass mark): the history says
        # under which content version it was reached. Only a returned exercise reopens a module.
        return self.rules_met or (self.recorded == "completed" and not self.reopen_trigger)

    @property
    def started(self) -> bool:
        return bool(self.pages_read or self.video_seconds > 0 or self.quiz_attempts or self.exercise_status
                    or self.recorded)

    @property
    def status(self) -> str:
        """niet_gestart | bezig | afgerond"""
        if self.complete:
            return "afgerond"
        return "bezig" if self.started else "niet_gestart"

    @property
    def fraction(self) -> float:
        """Share of the module done, for the progress bar: the mean over its activities."""
        if self.complete:
            return 1.0
        parts = []
        for name in self.module.activities:
            if name == "pages":
                parts.append(self.pages_done_count / self.pages_total if self.pages_total else 1.0)
            elif name == "video":
                parts.append(1.0 if self.video_done else min(1.0, self.video_coverage / VIDEO_THRESHOLD))
            elif name == "quiz":
                parts.append(1.0 if self.quiz_passed else 0.0)
            elif name == "exercise":
                parts.append(1.0 if self.exercise_done else 0.0)
        return sum(parts) / len(parts) if parts else 0.0

    @property
    def first_unread_page(self) -> int | None:
        for page in self.module.pages:
            if page.number not in self.pages_read:
                return page.number
        return None

    def todo(self) -> list[tuple[str, int | None]]:
        """What is left in this module, in the order a learner meets it: (part, page number)."""
        if self.complete:
            return []
        left: list[tuple[str, int | None]] = []
        if self.has_video and not self.video_done:
            left.append(("video", None))
        if not self.pages_done:
            left.append(("pages", self.first_unread_page))
        if self.module.quiz is not None and not self.quiz_passed:
            left.append(("quiz", None))
        if self.module.exercise is not None and not self.exercise_done:
            waiting = self.exercise_status == "submitted" and self.module.requires_review
            left.append(("review" if waiting else "exercise", None))
        return left

    def completion_reason(self) -> str:
        parts = []
        for name in self.module.activities:
            if name == "pages":
                parts.append(f"alle {self.pages_total} pagina's gelezen")
            elif name == "video":
                parts.append(f"video bekeken ({round(self.video_coverage * 100)}%)")
            elif name == "quiz" and self.quiz_best is not None:
                parts.append(f"toets gehaald (beste score {round(self.quiz_best * 100)}%)")
            elif name == "exercise":
                parts.append("oefening goedgekeurd" if self.module.requires_review else "oefening ingeleverd")
        return "Alle onderdelen gedaan: " + ", ".join(parts)


@dataclass
class CourseProgress:
    course: Course
    modules: list[ModuleProgress]
    recorded: str | None = None  # latest course status in the completion history
    exercises_submitted: int = 0
    first_active: datetime | None = None
    last_active: datetime | None = None
    by_slug: dict[str, ModuleProgress] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug = {mp.slug: mp for mp in self.modules}

    def module(self, slug: str) -> ModuleProgress | None:
        return self.by_slug.get(slug)

    @property
    def modules_completed(self) -> int:
        return sum(1 for mp in self.modules if mp.complete)

    @property
    def modules_total(self) -> int:
        return len(self.modules)

    @property
    def complete(self) -> bool:
        return bool(self.modules) and all(mp.complete for mp in self.modules)

    @property
    def started(self) -> bool:
        return any(mp.started for mp in self.modules) or self.recorded is not None

    @property
    def fraction(self) -> float:
        """Overall progress: the module fractions weighted by study load (minutes)."""
        total = sum(mp.module.minutes for mp in self.modules)
        if not total:
            return 0.0
        return sum(mp.fraction * mp.module.minutes for mp in self.modules) / total

    @property
    def minutes_done(self) -> int:
        return sum(mp.module.minutes for mp in self.modules if mp.complete)

    @property
    def quiz_average(self) -> float | None:
        scores = [mp.quiz_best for mp in self.modules if mp.module.quiz is not None and mp.quiz_best is not None]
        if not scores:
            return None
        return round_half_up(sum(scores) * 100 / len(scores), 1)

    def todo(self) -> list[tuple[ModuleProgress, list[tuple[str, int | None]]]]:
        return [(mp, mp.todo()) for mp in self.modules if not mp.complete]

    def next_step(self) -> tuple[ModuleProgress, str, int | None] | None:
        """"Verder waar je was": the first open part of the module the learner last worked in.

        Modules are not locked in order; without recent work in an open module the first open module by order
        is suggested. Returns None when the course is complete.
        """
        open_modules = [mp for mp in self.modules if not mp.complete]
        if not open_modules:
            return None
        active = [mp for mp in open_modules if mp.last_active is not None]
        chosen = max(active, key=lambda mp: mp.last_active) if active else open_modules[0]
        actionable = [part for part in chosen.todo() if part[0] != "review"]
        if not actionable:  # only a review is pending here: suggest another open module if there is one
            for mp in open_modules:
                parts = [part for part in mp.todo() if part[0] != "review"]
                if parts:
                    return mp, parts[0][0], parts[0][1]
            return chosen, "module", None
        if not chosen.started:
            return chosen, "module", None
        part, number = actionable[0]
        return chosen, part, number


def _max(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _min(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def load_progress(enrollment: Enrollment, course: Course | None = None) -> CourseProgress:
    """Everything the overview and the rules need, in five queries."""
    course = course or get_course()
    eid = enrollment.id
    pages: dict[str, set[int]] = {}
    times: dict[str, list[datetime | None]] = {}

    def touch(slug: str, first: datetime | None, last: datetime | None = None) -> None:
        bucket = times.setdefault(slug, [None, None])
        bucket[0] = _min(bucket[0], first)
        bucket[1] = _max(bucket[1], last or first)

    for slug, number, read_at in db.session.execute(
        select(PageRead.module_slug, PageRead.page_number, PageRead.read_at).where(PageRead.enrollment_id == eid)
    ):
        pages.setdefault(slug, set()).add(number)
        touch(slug, read_at)

    videos: dict[str, tuple[float, datetime | None, datetime | None]] = {}
    for name, segments, watched_at, updated_at in db.session.execute(
        select(VideoProgress.video, VideoProgress.segments, VideoProgress.watched_at, VideoProgress.updated_at)
        .where(VideoProgress.enrollment_id == eid)
    ):
        videos[name] = (covered_seconds(segments or []), watched_at, updated_at)

    quizzes: dict[str, tuple[float, int]] = {}
    for slug, best, count, first, last in db.session.execute(
        select(QuizAttempt.module_slug, func.max(QuizAttempt.score), func.count(QuizAttempt.id),
               func.min(QuizAttempt.submitted_at), func.max(QuizAttempt.submitted_at))
        .where(QuizAttempt.enrollment_id == eid)
        .group_by(QuizAttempt.module_slug)
    ):
        quizzes[slug] = (best, count)
        touch(slug, first, last)

    exercises: dict[str, tuple[str, bool]] = {}
    submitted = 0
    for slug, status, saved_at, feedback in db.session.execute(
        select(ExerciseAnswer.module_slug, ExerciseAnswer.status, ExerciseAnswer.saved_at,
               ExerciseAnswer.feedback).where(ExerciseAnswer.enrollment_id == eid)
    ):
        exercises[slug] = (status, bool(feedback))
        submitted += status in EXERCISE_DONE
        touch(slug, saved_at)

    latest = (
        select(func.max(CompletionEvent.id))
        .where(CompletionEvent.enrollment_id == eid)
        .group_by(CompletionEvent.scope, CompletionEvent.module_slug)
    )
    recorded: dict[str | None, str] = {}
    course_recorded = None
    for scope, slug, status in db.session.execute(
        select(CompletionEvent.scope, CompletionEvent.module_slug, CompletionEvent.status)
        .where(CompletionEvent.id.in_(latest))
    ):
        if scope == "course":
            course_recorded = status
        else:
            recorded[slug] = status

    modules = []
    for module in course.modules:
        mp = ModuleProgress(module=module, pages_read=frozenset(pages.get(module.slug, ())))
        if module.video is not None and module.video.name in videos:
            seconds, watched_at, updated_at = videos[module.video.name]
            mp.video_seconds, mp.video_watched_at = seconds, watched_at
            touch(module.slug, updated_at)
        if module.slug in quizzes:
            mp.quiz_best, mp.quiz_attempts = quizzes[module.slug]
        if module.slug in exercises:
            mp.exercise_status, mp.exercise_feedback = exercises[module.slug]
        mp.recorded = recorded.get(module.slug)
        mp.first_active, mp.last_active = times.get(module.slug, (None, None))
        modules.append(mp)
    all_times = list(times.values())
    # Video progress of a video no module uses any more still counts as activity.
    known_videos = {m.video.name for m in course.modules if m.video is not None}
    stray = [updated for name, (_s, _w, updated) in videos.items() if name not in known_videos]
    return CourseProgress(
        course=course,
        modules=modules,
        recorded=course_recorded,
        exercises_submitted=submitted,
        first_active=_min(*(t[0] for t in all_times), *stray),
        last_active=_max(*(t[1] for t in all_times), *stray),
    )


# --------------------------------------------------------------------------------------------------------------
# Completion history and the enrolment summary


def _event(enrollment: Enrollment, scope: str, slug: str | None, status: str, reason: str, version: str) -> None:
    db.session.add(CompletionEvent(enrollment_id=enrollment.id, scope=scope, module_slug=slug, status=status,
                                   reason=reason[:200], content_version=version or "onbekend"))


def _record_status_changes(enrollment: Enrollment, progress: CourseProgress, cause: str | None) -> bool:
    """Append an event for every module and course status that changed; never update or delete one."""
    changed = False
    for mp in progress.modules:
        version = mp.module.version
        if mp.complete:
            if mp.recorded is None:
                _event(enrollment, "module", mp.slug, "started", cause or "Eerste activiteit in deze module", version)
            if mp.recorded != "completed":
                _event(enrollment, "module", mp.slug, "completed", mp.completion_reason(), version)
                mp.recorded = "completed"
                changed = True
        elif mp.recorded == "completed":
            _event(enrollment, "module", mp.slug, "reopened",
                   "Oefening teruggegeven door de trainer: pas je antwoorden aan en lever opnieuw in", version)
            mp.recorded = "reopened"
            changed = True
        elif mp.recorded is None and mp.started:
            _event(enrollment, "module", mp.slug, "started", cause or "Eerste activiteit in deze module", version)
            mp.recorded = "started"
            changed = True
    course = progress.course
    if progress.complete:
        if progress.recorded is None:
            _event(enrollment, "course", None, "started", "Eerste activiteit in de training", course.version)
        if progress.recorded != "completed":
            _event(enrollment, "course", None, "completed",
                   f"Alle {progress.modules_total} modules afgerond", course.version)
            progress.recorded = "completed"
            changed = True
    elif progress.recorded == "completed":
        reopened = ", ".join(mp.module.title for mp in progress.modules if not mp.complete)
        _event(enrollment, "course", None, "reopened", f"Module heropend: {reopened}", course.version)
        progress.recorded = "reopened"
        changed = True
    elif progress.recorded is None and progress.started:
        _event(enrollment, "course", None, "started", "Eerste activiteit in de training", course.version)
        progress.recorded = "started"
        changed = True
    return changed


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def refresh_enrollment_summary(enrollment: Enrollment, *, cause: str | None = None) -> CourseProgress:
    """Bring the enrolment's summary columns, completion history and certificate up to date.

    Called after every learner activity and after trainer actions that change progress (reviews, attendance).
    The exact column semantics are in docs/architecture.md; exports read these columns and never recompute them.
    """
    _lock(enrollment)
    course = get_course()
    progress = load_progress(enrollment, course)
    _record_status_changes(enrollment, progress, cause)
    enrollment.progress_version = (enrollment.progress_version or 0) + 1

    if progress.first_active is not None:
        enrollment.started_at = _min(enrollment.started_at, progress.first_active)
    if progress.last_active is not None:
        enrollment.last_active_at = _max(enrollment.last_active_at, progress.last_active)
    enrollment.modules_total = progress.modules_total
    enrollment.modules_completed = progress.modules_completed
    enrollment.quiz_average = progress.quiz_average
    enrollment.exercises_submitted = progress.exercises_submitted
    attended = db.session.scalar(
        select(func.coalesce(func.sum(ContactSession.hours), 0))
        .join(Attendance, Attendance.session_id == ContactSession.id)
        .where(Attendance.enrollment_id == enrollment.id, Attendance.present.is_(True))
    )
    enrollment.contact_hours_attended = Decimal(str(attended or 0)).quantize(Decimal("0.01"))
    enrollment.study_hours = _hours(progress.minutes_done)
    if progress.complete and enrollment.completed_at is None:
        enrollment.completed_at = utcnow()
    db.session.flush()
    if enrollment.completed_at is not None:
        issue_certificate(enrollment, course)
    return progress


# --------------------------------------------------------------------------------------------------------------
# Pages


def mark_page_read(enrollment: Enrollment, module: Module, number: int) -> bool:
    """Record that a page was read (once). Returns True the first time."""
    if not any(page.number == number for page in module.pages):
        raise LearningError(_("Deze pagina bestaat niet in deze module."))
    _lock(enrollment)
    created = _insert_ignore(PageRead, {"enrollment_id": enrollment.id, "module_slug": module.slug,
                                        "page_number": number, "content_version": module.version or "onbekend"})
    if created:
        refresh_enrollment_summary(enrollment, cause=f"Pagina {number} gelezen")
    return bool(created)


# --------------------------------------------------------------------------------------------------------------
# Video


def parse_segments(raw: Any, duration: float) -> list[tuple[float, float]]:
    """Validate reported segments ([[start, end], ...] in seconds) and clip them to the video.

    Only played stretches count: the player reports what it played, and a seek starts a new segment, so a jump
    to the end adds a few seconds at most. Positions, durations or "ended" flags from the client are ignored.
    """
    if not isinstance(raw, list):
        raise LearningError(_("De voortgang van de video is niet goed doorgegeven."))
    if len(raw) > MAX_SEGMENTS_PER_REPORT:
        raise LearningError(_("Te veel stukjes video in één keer doorgegeven."))
    segments = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise LearningError(_("De voortgang van de video is niet goed doorgegeven."))
        start, end = item
        if any(isinstance(v, bool) or not isinstance(v, int | float) or abs(v) > 1e9 or not math.isfinite(v)
               for v in (start, end)):  # abs() first: an int too large for a float would overflow isfinite()
            raise LearningError(_("De voortgang van de video is niet goed doorgegeven."))
        start, end = max(0.0, float(start)), min(float(duration), float(end))
        if end > start:
            segments.append((start, end))
    return segments


def merge_segments(segments: Iterable[Iterable[float]], tolerance: float = SEGMENT_TOLERANCE) -> list[list[float]]:
    """The union of segments as sorted, non-overlapping [start, end] pairs."""
    ordered = sorted((float(s), float(e)) for s, e in segments if float(e) > float(s))
    merged: list[list[float]] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1] + tolerance:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(s, 3), round(e, 3)] for s, e in merged]


def covered_seconds(segments: Iterable[Iterable[float]]) -> float:
    return sum(end - start for start, end in merge_segments(segments))


def video_coverage(segments: Iterable[Iterable[float]], duration: float) -> float:
    """Share of the video covered by the union of the watched segments (0..1)."""
    if not duration or duration <= 0:
        return 0.0
    return min(1.0, covered_seconds(segments) / duration)


def record_video_progress(enrollment: Enrollment, module: Module, raw_segments: Any) -> VideoProgress:
    """Add watched segments; the video counts as watched once they cover 90 % of it (and stays watched)."""
    video = module.video
    if video is None or video.external_url or not video.duration:
        raise LearningError(_("Bij deze module hoort geen video waarvan we de voortgang bijhouden."))
    segments = parse_segments(raw_segments, video.duration)
    _lock(enrollment)
    _insert_ignore(VideoProgress, {"enrollment_id": enrollment.id, "video": video.name, "duration": video.duration,
                                   "segments": [], "content_version": module.version or "onbekend"})
    row = db.session.scalar(
        select(VideoProgress).where(VideoProgress.enrollment_id == enrollment.id, VideoProgress.video == video.name)
        .execution_options(populate_existing=True)
    )
    merged = merge_segments([*(row.segments or []), *segments])
    if len(merged) > MAX_STORED_SEGMENTS:  # many tiny scattered segments: keep the longest ones
        merged = sorted(sorted(merged, key=lambda s: s[1] - s[0], reverse=True)[:MAX_STORED_SEGMENTS])
    if segments or not row.segments:
        row.segments = merged
        row.duration = video.duration
        row.content_version = module.version or "onbekend"
        row.updated_at = utcnow()
    if row.watched_at is None and video_coverage(merged, video.duration) >= VIDEO_THRESHOLD - 1e-9:
        row.watched_at = utcnow()
    db.session.flush()
    if segments:
        refresh_enrollment_summary(enrollment, cause="Video bekeken")
    return row


# --------------------------------------------------------------------------------------------------------------
# Quiz


def _quiz_signer(enrollment: Enrollment, module: Module) -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt=f"ebw-quiz:{enrollment.id}:{module.slug}")


def new_submission_token(enrollment: Enrollment, module: Module) -> str:
    """A fresh token per quiz form, signed for this learner's enrolment and module, with the time it was served.

    Every submission of that form is the same attempt (the token is unique per attempt). The token seeds the
    draw and the option order (content/draw.py), so the form and the grading agree; being signed, a learner
    cannot pick a token to choose their questions.
    """
    return _quiz_signer(enrollment, module).sign(secrets.token_urlsafe(16)).decode()


def quiz_form_opened_at(enrollment: Enrollment, module: Module, token: str | None) -> datetime | None:
    """When the quiz form with this token was served; None when the token is not valid for this learner."""
    if not token or TOKEN_PATTERN.match(token) is None:
        return None
    try:
        _value, stamp = _quiz_signer(enrollment, module).unsign(
            token, max_age=int(QUIZ_FORM_MAX_AGE.total_seconds()), return_timestamp=True
        )
    except BadSignature:
        return None
    return stamp.astimezone(UTC).replace(tzinfo=None)


def shown_for_token(module: Module, token: str) -> list[dict[str, Any]]:
    """What the quiz form with this token shows (the draw and the option order)."""
    return compose(module.quiz, token)


def _question_type(question: Question):
    from ..content.types import QUESTION_TYPES

    return QUESTION_TYPES[question.type]


def read_quiz_answers(quiz: Quiz, form, shown: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers in a submitted form to the questions it showed, and a Dutch message per unanswered one."""
    answers: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for question in _shown(quiz, shown):
        answer = _question_type(question).answer_from_form(question, form)
        if answer in (None, [], {}, ""):
            missing[question.id] = _("Je hebt deze vraag nog niet beantwoord.")
        else:
            answers[question.id] = answer
    return answers, missing


def _shown(quiz: Quiz, shown: list[dict[str, Any]]) -> list[Question]:
    return [question for _qid, question, _order in shown_questions(quiz, shown) if question is not None]


def grade_quiz(
    quiz: Quiz, answers: Mapping[str, Any], shown: list[dict[str, Any]]
) -> tuple[float, bool, dict[str, dict[str, Any]]]:
    """Score (0..1, the mean of the scores of the questions shown), passed, and the result per question."""
    results: dict[str, dict[str, Any]] = {}
    for question in _shown(quiz, shown):
        result = _question_type(question).grade(question, answers.get(question.id))
        results[question.id] = {"score": round(float(result.score), 4), "correct": bool(result.correct),
                                "chosen": list(result.chosen)}
    score = sum(r["score"] for r in results.values()) / len(results) if results else 0.0
    score = round(score, 4)
    return score, score >= quiz.pass_mark - 1e-9, results


def submit_quiz(enrollment: Enrollment, module: Module, form, token: str | None) -> tuple[QuizAttempt, bool]:
    """Grade and store one attempt per submission token. Returns (attempt, created).

    A second submission with the same token (double click, back button, reload) returns the first attempt.
    """
    quiz = module.quiz
    if quiz is None:
        raise LearningError(_("Bij deze module hoort geen toets."))
    opened_at = quiz_form_opened_at(enrollment, module, token)
    if opened_at is None:
        raise LearningError(_("Dit toetsformulier is niet geldig of te oud. Open de toets opnieuw."))
    existing = attempt_by_token(token)
    if existing is not None:
        return _own_attempt(existing, enrollment, module), False
    shown = shown_for_token(module, token)
    answers, missing = read_quiz_answers(quiz, form, shown)
    if missing:
        raise QuizIncomplete(answers, missing)
    score, passed, results = grade_quiz(quiz, answers, shown)
    _lock(enrollment)
    created = _insert_ignore(QuizAttempt, {
        "enrollment_id": enrollment.id, "module_slug": module.slug, "quiz": quiz.name, "token": token,
        "answers": answers, "results": results, "score": score, "passed": passed, "shown": shown,
        "opened_at": opened_at, "content_version": module.version or "onbekend",
    })
    attempt = _own_attempt(attempt_by_token(token), enrollment, module)
    if created:
        refresh_enrollment_summary(
            enrollment, cause=f"Toets gemaakt: {round(score * 100)}%" + (" (gehaald)" if passed else "")
        )
    return attempt, bool(created)


def _own_attempt(attempt: QuizAttempt | None, enrollment: Enrollment, module: Module) -> QuizAttempt:
    if attempt is None or attempt.enrollment_id != enrollment.id or attempt.module_slug != module.slug:
        raise LearningError(_("Dit toetsformulier is niet geldig. Open de toets opnieuw."))
    return attempt


def attempt_by_token(token: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.token == token).execution_options(populate_existing=True)
    )


def attempts_for(enrollment: Enrollment, module_slug: str) -> list[QuizAttempt]:
    """Every attempt of the learner at this module's quiz, newest first."""
    return list(db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.module_slug == module_slug)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    ))


def get_attempt(enrollment: Enrollment, module_slug: str, attempt_id: int) -> QuizAttempt | None:
    """An attempt only when it belongs to this learner's enrolment and module (else None: the view 404s)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.enrollment_id != enrollment.id or attempt.module_slug != module_slug:
        return None
    return attempt


def attempt_feedback(quiz: Quiz, attempt: QuizAttempt) -> list[dict[str, Any]]:
    """Per question the attempt showed, in its order: number, question (None when it has left the quiz file),
    the learner's answer, the display order and a QuestionResult graded for display.

    The stored score stays the record; the feedback comes from the current text of the quiz.
    """
    rows = []
    entries = shown_questions(quiz, attempt.shown, (attempt.results or {}).keys())
    for number, (qid, question, order) in enumerate(entries, start=1):
        answer = (attempt.answers or {}).get(qid)
        result = _question_type(question).grade(question, answer) if question is not None else None
        rows.append({"number": number, "id": qid, "question": question, "answer": answer, "order": order,
                     "result": result})
    return rows


# --------------------------------------------------------------------------------------------------------------
# Exercises


def _kind(exercise: Exercise):
    from ..content.exercise_kinds import EXERCISE_KINDS

    return EXERCISE_KINDS[exercise.kind]


def exercise_answers_from_form(exercise: Exercise, form) -> dict[str, Any]:
    return _kind(exercise).answers_from_form(exercise, form)


def missing_answers(exercise: Exercise, answers: Mapping[str, Any]) -> dict[str, str]:
    return _kind(exercise).missing(exercise, dict(answers))


def exercise_answer_for(enrollment: Enrollment, module_slug: str) -> ExerciseAnswer | None:
    return db.session.scalar(
        select(ExerciseAnswer)
        .where(ExerciseAnswer.enrollment_id == enrollment.id, ExerciseAnswer.module_slug == module_slug)
        .execution_options(populate_existing=True)
    )


def _exercise_row(enrollment: Enrollment, module: Module) -> ExerciseAnswer:
    _insert_ignore(ExerciseAnswer, {"enrollment_id": enrollment.id, "module_slug": module.slug,
                                    "exercise": module.exercise.name, "answers": {}, "status": "draft",
                                    "content_version": module.version or "onbekend"})
    return exercise_answer_for(enrollment, module.slug)


def _clean_answers(exercise: Exercise, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the answers to items of this exercise (a stale form may hold removed items)."""
    ids = {item.id for item in exercise.items}
    return {key: value for key, value in dict(answers).items() if key in ids}


def save_exercise_draft(enrollment: Enrollment, module: Module, answers: Mapping[str, Any]) -> ExerciseAnswer:
    """Store the answers as they are (empty fields allowed). A submitted exercise is not changed."""
    if module.exercise is None:
        raise LearningError(_("Bij deze module hoort geen oefening."))
    _lock(enrollment)
    row = _exercise_row(enrollment, module)
    if row.status in EXERCISE_DONE:
        raise LearningError(_("Je hebt deze oefening al ingeleverd. Je antwoorden zijn niet meer te wijzigen."))
    row.answers = _clean_answers(module.exercise, answers)
    row.exercise = module.exercise.name
    row.content_version = module.version or "onbekend"
    row.saved_at = utcnow()
    db.session.flush()
    refresh_enrollment_summary(enrollment, cause="Oefening opgeslagen")
    return row


def submit_exercise(enrollment: Enrollment, module: Module, answers: Mapping[str, Any]) -> ExerciseAnswer:
    """Save, check completeness, then submit. On missing answers the draft is kept and ExerciseIncomplete raised."""
    if module.exercise is None:
        raise LearningError(_("Bij deze module hoort geen oefening."))
    row = save_exercise_draft(enrollment, module, answers)
    missing = missing_answers(module.exercise, row.answers)
    if missing:
        raise ExerciseIncomplete(missing)
    row.status = "submitted"
    row.submitted_at = utcnow()
    db.session.flush()
    refresh_enrollment_summary(enrollment, cause="Oefening ingeleverd")
    return row


def review_exercise(answer: ExerciseAnswer, *, decision: str | None, feedback: str | None, reviewer) -> ExerciseAnswer:
    """A trainer's review: feedback, optionally approving or returning it (returning reopens the module).

    `feedback` is the text of the trainer's feedback field (shown filled with the current feedback): the new text
    replaces the old one, and an empty text clears it. None leaves the feedback as it is.
    """
    if decision not in (None, "approved", "returned"):
        raise LearningError(_("Kies goedkeuren of teruggeven."))
    if decision is not None and answer.status not in EXERCISE_DONE:
        raise LearningError(_("Deze oefening is nog niet ingeleverd."))
    if decision is not None:
        answer.status = decision
    if feedback is not None:
        answer.feedback = feedback.strip()[:5000] or None
    answer.reviewed_by_id = getattr(reviewer, "id", None)
    answer.reviewed_at = utcnow()
    db.session.flush()
    enrollment = db.session.get(Enrollment, answer.enrollment_id)
    refresh_enrollment_summary(enrollment, cause="Oefening beoordeeld door de trainer")
    return answer


def keep_pending_draft(user_id: int, module: Module, answers: Mapping[str, Any]) -> PendingDraft | None:
    """Keep answers that arrived without a valid session, for the learner to put back after logging in."""
    if module.exercise is None:
        return None
    cleaned = _clean_answers(module.exercise, answers)
    if not _has_content(cleaned):
        return None
    db.session.execute(delete(PendingDraft).where(PendingDraft.created_at < utcnow() - timedelta(days=PENDING_DRAFT_DAYS)))
    db.session.execute(delete(PendingDraft).where(PendingDraft.user_id == user_id,
                                                  PendingDraft.module_slug == module.slug))
    row = PendingDraft(user_id=user_id, module_slug=module.slug, answers=cleaned)
    db.session.add(row)
    db.session.flush()
    return row


def pending_draft_for(user_id: int, module_slug: str) -> PendingDraft | None:
    return db.session.scalar(
        select(PendingDraft)
        .where(PendingDraft.user_id == user_id, PendingDraft.module_slug == module_slug,
               PendingDraft.created_at >= utcnow() - timedelta(days=PENDING_DRAFT_DAYS))
        .order_by(PendingDraft.id.desc()).limit(1)
    )


def _delete_pending(pending: PendingDraft) -> bool:
    """Delete kept answers; False when another request (a double click, a second tab) already used them."""
    db.session.flush()
    return db.session.execute(
        delete(PendingDraft).where(PendingDraft.id == pending.id).returning(PendingDraft.id)
    ).first() is not None


def restore_pending_draft(enrollment: Enrollment, module: Module,
                          pending: PendingDraft | None) -> ExerciseAnswer | None:
    """Put kept answers back into the draft: kept non-empty answers replace what is there. One time only.

    Returns None, and changes nothing, when the kept answers are already gone (restored or discarded by a
    double click or in another tab).
    """
    if pending is None:
        return None
    answers = dict(pending.answers or {})
    current = exercise_answer_for(enrollment, module.slug)
    if current is not None and current.status in EXERCISE_DONE:
        raise LearningError(_("Je hebt deze oefening al ingeleverd. Je antwoorden zijn niet meer te wijzigen."))
    if not _delete_pending(pending):
        return None
    merged = dict(current.answers) if current is not None else {}
    for item_id, value in answers.items():
        if _has_content({item_id: value}):
            merged[item_id] = value
    return save_exercise_draft(enrollment, module, merged)


def discard_pending_draft(pending: PendingDraft | None) -> None:
    """Delete kept answers without using them; nothing happens when they are already gone."""
    if pending is not None:
        _delete_pending(pending)


def _has_content(answers: Mapping[str, Any]) -> bool:
    for value in answers.values():
        if isinstance(value, Mapping):
            if any(str(v).strip() for v in value.values() if v is not None):
                return True
        elif value not in (None, "") and str(value).strip():
            return True
    return False


# --------------------------------------------------------------------------------------------------------------
# Certificates


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"EBW-{raw[:4]}-{raw[4:]}"


def normalise_code(code: str | None) -> str | None:
    """Accept a code typed with lower case, spaces or without dashes."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if cleaned.startswith("EBW"):
        cleaned = cleaned[3:]
    if len(cleaned) != 8 or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return f"EBW-{cleaned[:4]}-{cleaned[4:]}"


def certificate_for(enrollment: Enrollment) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.enrollment_id == enrollment.id)
        .execution_options(populate_existing=True)
    )


def certificates_of(user) -> list[Certificate]:
    """Every certificate of the learner over all their enrolments (earlier and withdrawn ones too), newest first.

    A certificate stays the learner's when they are enrolled in a new cohort or withdrawn.
    """
    return list(db.session.scalars(
        select(Certificate)
        .join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .where(Enrollment.user_id == user.id)
        .options(contains_eager(Certificate.enrollment).selectinload(Enrollment.cohort))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ))


def has_certificate(user) -> bool:
    return db.session.scalar(
        select(Certificate.id).join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .where(Enrollment.user_id == user.id).limit(1)
    ) is not None


def issue_certificate(enrollment: Enrollment, course: Course | None = None) -> Certificate:
    """Issue the certificate once per enrolment, with a unique code; later calls return the same one."""
    existing = certificate_for(enrollment)
    if existing is not None:
        return existing
    if enrollment.completed_at is None:
        raise LearningError(_("Je krijgt het certificaat als je alle modules hebt afgerond."))
    course = course or get_course()
    for _attempt in range(20):
        _insert_ignore(Certificate, {
            "enrollment_id": enrollment.id, "code": new_certificate_code(), "issued_at": utcnow(),
            "holder_name": (enrollment.user.name or "")[:120], "study_hours": float(_hours(course.total_minutes)),
            "content_version": course.version or "onbekend",
        })
        certificate = certificate_for(enrollment)
        if certificate is not None:
            db.session.expire(enrollment, ["certificate"])
            return certificate
    raise RuntimeError("Could not find a free certificate code")  # pragma: no cover - 32^8 codes


def find_certificate(code: str | None) -> Certificate | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalised))


def initials(name: str) -> str:
    """"Daan de Vries" -> "D.d.V.": enough to recognise a certificate, not enough to identify a stranger."""
    return "".join(part[0] + "." for part in (name or "").replace("-", " ").split() if part[0].isalnum())


# --------------------------------------------------------------------------------------------------------------
# The learner's own data (privacy: the right of access)


def _iso(value: datetime | None) -> str | None:
    """A stored time (naive UTC) as ISO 8601 in UTC, marked with "Z": 2026-03-12T09:30:00Z."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat() + "Z"


def export_own_data(user) -> dict[str, Any]:
    """Everything the platform keeps about this learner's learning, as plain JSON-ready data."""
    enrollments = list(db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user.id).order_by(Enrollment.enrolled_at)
    ))
    ids = [e.id for e in enrollments]

    def rows(model, order):
        if not ids:
            return {}
        grouped: dict[int, list] = {}
        for row in db.session.scalars(select(model).where(model.enrollment_id.in_(ids)).order_by(order)):
            grouped.setdefault(row.enrollment_id, []).append(row)
        return grouped

    pages = rows(PageRead, PageRead.id)
    videos = rows(VideoProgress, VideoProgress.id)
    attempts = rows(QuizAttempt, QuizAttempt.id)
    exercises = rows(ExerciseAnswer, ExerciseAnswer.id)
    events = rows(CompletionEvent, CompletionEvent.id)
    certificates = rows(Certificate, Certificate.id)
    data: dict[str, Any] = {
        "exported_at": _iso(utcnow()),
        "account": {
            "name": user.name, "email": user.email, "municipality_code": user.municipality_code,
            "municipality": user.municipality.name if user.municipality else None,
            "job_domain": user.job_domain, "participant_id": user.pseudonym, "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "enrollments": [],
    }
    for e in enrollments:
        data["enrollments"].append({
            "cohort": e.cohort.name, "enrolled_at": _iso(e.enrolled_at), "withdrawn_at": _iso(e.withdrawn_at),
            "status": e.status, "started_at": _iso(e.started_at), "last_active_at": _iso(e.last_active_at),
            "modules_completed": e.modules_completed, "modules_total": e.modules_total,
            "quiz_average": e.quiz_average, "exercises_submitted": e.exercises_submitted,
            "contact_hours_attended": float(e.contact_hours_attended or 0), "study_hours": float(e.study_hours or 0),
            "completed_at": _iso(e.completed_at),
            "pages_read": [{"module": r.module_slug, "page": r.page_number, "read_at": _iso(r.read_at)}
                           for r in pages.get(e.id, [])],
            "video_progress": [{"video": r.video, "segments": r.segments, "watched_at": _iso(r.watched_at),
                                "updated_at": _iso(r.updated_at)} for r in videos.get(e.id, [])],
            "quiz_attempts": [{"module": r.module_slug, "quiz": r.quiz, "submitted_at": _iso(r.submitted_at),
                               "score": r.score, "passed": r.passed, "answers": r.answers, "results": r.results,
                               "content_version": r.content_version} for r in attempts.get(e.id, [])],
            "exercises": [{"module": r.module_slug, "exercise": r.exercise, "status": r.status,
                           "answers": r.answers, "saved_at": _iso(r.saved_at), "submitted_at": _iso(r.submitted_at),
                           "feedback": r.feedback, "reviewed_at": _iso(r.reviewed_at),
                           "content_version": r.content_version} for r in exercises.get(e.id, [])],
            "completion_history": [{"scope": r.scope, "module": r.module_slug, "status": r.status,
                                    "reason": r.reason, "at": _iso(r.created_at)} for r in events.get(e.id, [])],
            "certificates": [{"code": r.code, "issued_at": _iso(r.issued_at), "holder_name": r.holder_name,
                              "study_hours": r.study_hours, "revoked_at": _iso(r.revoked_at)}
                             for r in certificates.get(e.id, [])],
        })
    pending = db.session.scalars(select(PendingDraft).where(PendingDraft.user_id == user.id))
    data["kept_drafts"] = [{"module": r.module_slug, "answers": r.answers, "created_at": _iso(r.created_at)}
                           for r in pending]
    return data
