"""The activities of a module (pages, video, quiz, exercise), one small class each, in a registry.

Each activity answers four questions about a learner's ModuleProgress: is it done, how much of it is done
(0..1, for the progress bar), what is left (parts with a page number, for "what is left" and "continue where
you were"), and why it counts as done (for the completion history). A new kind of activity is one class here
plus its name in `Module.activities` (content/course.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .progress import ModuleProgress

VIDEO_THRESHOLD = 0.9  # share of the duration the union of watched segments must cover
# Handed in: counts as submitted, and the learner can no longer change it (until a trainer returns it).
EXERCISE_DONE = frozenset({"submitted", "approved"})


class Activity:
    name: ClassVar[str]

    def done(self, mp: ModuleProgress) -> bool:
        raise NotImplementedError

    def fraction(self, mp: ModuleProgress) -> float:
        return 1.0 if self.done(mp) else 0.0

    def left(self, mp: ModuleProgress) -> list[tuple[str, int | None]]:
        """What is still to do when the activity is not done: (part, page number)."""
        return [(self.name, None)]

    def reason(self, mp: ModuleProgress) -> str | None:
        raise NotImplementedError


ACTIVITIES: dict[str, Activity] = {}


def register(cls: type[Activity]) -> type[Activity]:
    ACTIVITIES[cls.name] = cls()
    return cls


@register
class Pages(Activity):
    name = "pages"

    def done(self, mp: ModuleProgress) -> bool:
        return mp.pages_done_count == mp.pages_total

    def fraction(self, mp: ModuleProgress) -> float:
        return mp.pages_done_count / mp.pages_total if mp.pages_total else 1.0

    def left(self, mp: ModuleProgress) -> list[tuple[str, int | None]]:
        return [("pages", mp.first_unread_page)]

    def reason(self, mp: ModuleProgress) -> str:
        return f"alle {mp.pages_total} pagina's gelezen"


@register
class Video(Activity):
    """A video of our own; an external video is optional (we cannot see it played) and not an activity."""

    name = "video"

    def done(self, mp: ModuleProgress) -> bool:
        return mp.video_watched_at is not None

    def fraction(self, mp: ModuleProgress) -> float:
        return 1.0 if self.done(mp) else min(1.0, mp.video_coverage / VIDEO_THRESHOLD)

    def reason(self, mp: ModuleProgress) -> str:
        return f"video bekeken ({round(mp.video_coverage * 100)}%)"


@register
class Quiz(Activity):
    name = "quiz"

    def done(self, mp: ModuleProgress) -> bool:
        quiz = mp.module.quiz
        return quiz is not None and mp.quiz_best is not None and mp.quiz_best >= quiz.pass_mark - 1e-9

    def reason(self, mp: ModuleProgress) -> str | None:
        if mp.quiz_best is None:
            return None
        return f"toets gehaald (beste score {round(mp.quiz_best * 100)}%)"


@register
class Exercise(Activity):
    name = "exercise"

    def done(self, mp: ModuleProgress) -> bool:
        if mp.module.requires_review:
            return mp.exercise_status == "approved"
        return mp.exercise_status in EXERCISE_DONE

    def left(self, mp: ModuleProgress) -> list[tuple[str, int | None]]:
        waiting = mp.exercise_status == "submitted" and mp.module.requires_review
        return [("review" if waiting else "exercise", None)]

    def reason(self, mp: ModuleProgress) -> str:
        return "oefening goedgekeurd" if mp.module.requires_review else "oefening ingeleverd"


# "What is left" lists the video first: it introduces the module.
TODO_ORDER = ("video", "pages", "quiz", "exercise")
