"""The learner's progress: the rules of docs/progress-rules.md, in one place.

Every function that records learner activity (pages, video, quiz, exercises) ends with
`refresh_enrollment_summary()`, which appends status changes to the completion history, issues the certificate
once the course is complete and keeps the Enrollment summary columns that reports and exports read.
Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from ..cohorts.models import Attendance, ContactSession, Enrollment
from ..content import get_course
from ..content.course import Course, Module
from ..core.events import progress_changed
from ..core.formatting import minutes_to_hours, round_half_up
from ..extensions import db
from ..timeutil import utcnow
from . import events
from .activities import ACTIVITIES, EXERCISE_DONE, TODO_ORDER
from .certificates import issue_certificate
from .documents import exercise_status_text
from .models import CompletionEvent, ExerciseAnswer, PageRead, QuizAttempt, VideoProgress
from .segments import covered_seconds
from .storage import lock_enrollment


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
        return ACTIVITIES["pages"].done(self)

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
        return ACTIVITIES["video"].done(self)

    @property
    def quiz_passed(self) -> bool:
        return ACTIVITIES["quiz"].done(self)

    @property
    def exercise_done(self) -> bool:
        return ACTIVITIES["exercise"].done(self)

    @property
    def exercise_status_text(self) -> str | None:
        """The exercise's status in words (the same wording as the exercise page and the result document)."""
        if self.exercise_status is None:
            return None
        return exercise_status_text(self.exercise_status, self.module.requires_review)

    @property
    def activity_done(self) -> dict[str, bool]:
        return {name: ACTIVITIES[name].done(self) for name in self.module.activities}

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
        parts = [ACTIVITIES[name].fraction(self) for name in self.module.activities]
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
        for name in sorted(self.module.activities, key=TODO_ORDER.index):
            activity = ACTIVITIES[name]
            if not activity.done(self):
                left.extend(activity.left(self))
        return left

    def completion_reason(self) -> str:
        reasons = (ACTIVITIES[name].reason(self) for name in self.module.activities)
        return "Alle onderdelen gedaan: " + ", ".join(reason for reason in reasons if reason)


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
        return float(round_half_up(sum(scores) * 100 / len(scores), 1))

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


def _event(enrollment: Enrollment, scope: str, slug: str | None, status: str, reason: str, version: str,
           module: Module | None = None) -> None:
    db.session.add(CompletionEvent(enrollment_id=enrollment.id, scope=scope, module_slug=slug, status=status,
                                   reason=reason[:200], content_version=version or "onbekend"))
    events.completion_changed(enrollment, scope, status, module)


def _record_status_changes(enrollment: Enrollment, progress: CourseProgress, cause: str | None) -> bool:
    """Append an event for every module and course status that changed; never update or delete one."""
    changed = False
    for mp in progress.modules:
        version = mp.module.version
        if mp.complete:
            if mp.recorded is None:
                _event(enrollment, "module", mp.slug, "started", cause or "Eerste activiteit in deze module", version,
                       mp.module)
            if mp.recorded != "completed":
                _event(enrollment, "module", mp.slug, "completed", mp.completion_reason(), version, mp.module)
                mp.recorded = "completed"
                changed = True
        elif mp.recorded == "completed":
            _event(enrollment, "module", mp.slug, "reopened",
                   "Oefening teruggegeven door de trainer: pas je antwoorden aan en lever opnieuw in", version,
                   mp.module)
            mp.recorded = "reopened"
            changed = True
        elif mp.recorded is None and mp.started:
            _event(enrollment, "module", mp.slug, "started", cause or "Eerste activiteit in deze module", version,
                   mp.module)
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


def refresh_enrollment_summary(enrollment: Enrollment, *, cause: str | None = None) -> CourseProgress:
    """Bring the enrolment's summary columns, completion history and certificate up to date.

    Called after every learner activity and after trainer actions that change progress (reviews, attendance).
    The exact column semantics are in docs/architecture.md; exports read these columns and never recompute them.
    """
    lock_enrollment(enrollment)
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
    enrollment.study_hours = minutes_to_hours(progress.minutes_done)
    if progress.complete and enrollment.completed_at is None:
        enrollment.completed_at = utcnow()
    db.session.flush()
    if enrollment.completed_at is not None:
        issue_certificate(enrollment, course)
    return progress


@progress_changed.connect
def _refresh_after_trainer_action(enrollment: Enrollment, cause: str | None = None, **_extra) -> None:
    refresh_enrollment_summary(enrollment, cause=cause)
