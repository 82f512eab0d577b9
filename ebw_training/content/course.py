"""The in-memory course: loaded and rendered once at start-up (see content/loader.py).

This is the interface the rest of the application uses; views never read content files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .embed import external_embed


@dataclass(frozen=True)
class Page:
    """One page of a module: the text under one "## " heading.

    `html` does not repeat the heading: the learner page shows `title` itself (as h2 under the module's h1,
    with id=`anchor`). `html` is a markupsafe.Markup, so templates print it without |safe.
    """

    number: int  # 1-based within the module
    title: str  # plain text
    anchor: str
    html: str  # rendered, safe HTML (raw HTML in content is escaped)


@dataclass(frozen=True)
class Option:
    key: str  # stable within the question: "a", "b", ...
    text: str
    html: str
    correct: bool = False
    feedback: str = ""
    feedback_html: str = ""
    match: str | None = None  # matching questions: the right-hand side


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # single | multiple | true_false | matching (a key of content.types.QUESTION_TYPES)
    prompt: str
    prompt_html: str
    options: tuple[Option, ...]
    explanation: str = ""
    explanation_html: str = ""
    line: int = 0
    group: str = ""  # topic within a question bank: a draw takes a fixed share from each group
    distractors: tuple[str, ...] = ()  # matching: extra right-hand choices without a left side


@dataclass(frozen=True)
class Quiz:
    name: str  # file name without .yaml
    title: str
    pass_mark: float
    shuffle: bool
    questions: tuple[Question, ...]
    version: str  # sha256 of the file
    path: str = ""
    draw: int | None = None  # questions per attempt, drawn from the bank; None: all of them

    @property
    def per_attempt(self) -> int:
        """How many questions one attempt shows."""
        return min(self.draw or len(self.questions), len(self.questions))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class ExerciseItem:
    id: str
    text: str
    help: str = ""
    help_html: str = ""
    example: str = ""
    example_html: str = ""
    # Earlier answers this item builds on, as "exercise-name.item-id" (the `from` field); shown on the exercise page
    # and, for a text item with one source, filled in as the starting answer.
    carried_from: tuple[str, ...] = ()
    carried_line: int = 0  # line of the `from` field, for check-content messages


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    kind: str  # checklist | format (a key of content.types.EXERCISE_KINDS)
    instructions: str
    instructions_html: str
    items: tuple[ExerciseItem, ...]
    scale: tuple[str, ...] = ()
    version: str = ""
    path: str = ""
    shows_intervention: bool = False  # the page shows the learner's description of their intervention
    two_assessors: bool = False  # a checklist a colleague also fills in (the plan evaluation with two assessors)

    @property
    def carries(self) -> bool:
        return any(item.carried_from for item in self.items)


@dataclass(frozen=True)
class Video:
    name: str  # media name, or the URL for an external video
    title: str
    duration: float  # seconds; 0 for external videos
    description: str = ""
    external_url: str | None = None
    sources: tuple[tuple[str, str], ...] = ()  # (file name in media/, mime type)
    captions: str | None = None  # file name of the .nl.vtt
    poster: str | None = None
    transcript_html: str = ""
    version: str = ""
    # The YouTube or Vimeo player address of an external video, found once when the content loads.
    embed_url: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "embed_url", external_embed(self.external_url))


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    order: int
    minutes: int
    summary: str
    goals: tuple[str, ...]
    pages: tuple[Page, ...]
    video: Video | None = None
    quiz: Quiz | None = None
    exercise: Exercise | None = None
    requires_review: bool = False
    version: str = ""  # sha256 over the module file and every file it uses
    path: str = ""

    @property
    def activities(self) -> tuple[str, ...]:
        """The activities that must be done for completion, in the order a learner meets them."""
        acts = ["pages"]
        if self.video is not None and self.video.external_url is None:
            acts.append("video")
        if self.quiz is not None:
            acts.append("quiz")
        if self.exercise is not None:
            acts.append("exercise")
        return tuple(acts)


@dataclass(frozen=True)
class Course:
    title: str
    modules: tuple[Module, ...]
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    videos: dict[str, Video] = field(default_factory=dict)
    version: str = ""  # sha256 over all content files
    media_dir: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def module(self, slug: str) -> Module | None:
        for module in self.modules:
            if module.slug == slug:
                return module
        return None

    @property
    def total_minutes(self) -> int:
        return sum(m.minutes for m in self.modules)
