"""Fixtures of the learner pages: a small course of our own, installed for the duration of one test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from ebw_training.content import EXTENSION_KEY
from ebw_training.content.course import (
    Course,
    Exercise,
    ExerciseItem,
    Module,
    Option,
    Page,
    Question,
    Quiz,
    Video,
)
from ebw_training.extensions import db

from ..factories import make_cohort, make_enrollment, make_learner


def _option(key: str, text: str, correct: bool = False, feedback: str = "", match: str | None = None) -> Option:
    return Option(key=key, text=text, html=text, correct=correct, feedback=feedback,
                  feedback_html=f"<p>{feedback}</p>" if feedback else "", match=match)


def _question(qid: str, qtype: str, prompt: str, options: tuple[Option, ...], explanation: str = "") -> Question:
    return Question(id=qid, type=qtype, prompt=prompt, prompt_html=f"<p>{prompt}</p>", options=options,
                    explanation=explanation, explanation_html=f"<p>{explanation}</p>" if explanation else "")


def _pages(prefix: str, count: int) -> tuple[Page, ...]:
    pages = [Page(number=n, title=f"{prefix} pagina {n}", anchor=f"pagina-{n}", html=Markup(f"<p>Tekst {prefix} {n}</p>"))
             for n in range(1, count)]
    pages.append(Page(number=count, title="Samenvatting", anchor="samenvatting", html=Markup(f"<p>Samenvatting {prefix}</p>")))
    return tuple(pages)


QUIZ_A = Quiz(
    name="toets-alfa", title="Toets alfa", pass_mark=0.7, shuffle=False, version="a" * 64,
    questions=(
        _question("enkel", "single", "Welke kennis combineer je?", (
            _option("a", "Onderzoek en praktijk", True, "Goed: je combineert beide."),
            _option("b", "Alleen gevoel", False, "Niet goed: gevoel is geen kennis."),
        ), "EBW combineert kennis uit onderzoek en praktijk."),
        _question("meer", "multiple", "Welke evaluaties zijn er?", (
            _option("a", "Planevaluatie", True, "Goed: vooraf."),
            _option("b", "Procesevaluatie", True, "Goed: tijdens."),
            _option("c", "Gevoelsevaluatie", False, "Niet goed: bestaat niet."),
        ), "Plan, proces en effect."),
        _question("waar", "true_false", "Evalueren begint vroeg.", (
            _option("a", "Waar", True, "Goed: begin vroeg."),
            _option("b", "Niet waar", False, "Niet goed: begin vroeg."),
        )),
        _question("koppel", "matching", "Koppel het moment aan de evaluatie.", (
            _option("a", "Planevaluatie", match="vooraf"),
            _option("b", "Procesevaluatie", match="tijdens"),
            _option("c", "Effectevaluatie", match="achteraf"),
        )),
    ),
)
QUIZ_C = Quiz(
    name="toets-gamma", title="Toets gamma", pass_mark=0.5, shuffle=True, version="c" * 64,
    questions=(
        _question("een", "single", "Een?", (_option("a", "Ja", True, "Goed."), _option("b", "Nee", False, "Fout."))),
        _question("twee", "true_false", "Twee?", (_option("a", "Waar", False, "Fout."),
                                                 _option("b", "Niet waar", True, "Goed."))),
    ),
)
CHECKLIST = Exercise(
    name="zelfscan-test", title="Zelfscan test", kind="checklist", version="e" * 64,
    instructions="Werk met een verzonnen casus (privacy).", instructions_html=Markup("<p>Werk met een verzonnen casus.</p>"),
    items=(
        ExerciseItem(id="probleem", text="Weten we welk probleem we oplossen?", help="Denk aan cijfers.",
                     help_html="<p>Denk aan cijfers.</p>", example="Deels.", example_html="<p>Deels.</p>"),
        ExerciseItem(id="meten", text="Weten we wat we gaan meten?"),
    ),
    scale=("ja", "deels", "nee", "weet niet"),
)
FORMAT = Exercise(
    name="format-test", title="Format test", kind="format", version="f" * 64,
    instructions="Geen persoonsgegevens (privacy).", instructions_html=Markup("<p>Geen persoonsgegevens.</p>"),
    items=(
        ExerciseItem(id="doel", text="Wat is het doel?", help="Eén zin.", help_html="<p>Eén zin.</p>",
                     example="Minder polarisatie.", example_html="<p>Minder polarisatie.</p>"),
        ExerciseItem(id="meting", text="Hoe meet je het?"),
    ),
)
VIDEO = Video(
    name="intro-ebw", title="Intro", duration=100.0, description="Korte introductie.",
    sources=(("intro-ebw.webm", "video/webm"), ("intro-ebw.mp4", "video/mp4")), captions="intro-ebw.nl.vtt",
    poster="intro-ebw.poster.png", transcript_html=Markup("<p>De volledige tekst van de video.</p>"), version="v" * 64,
)
EXTERNAL = Video(name="https://www.youtube.com/watch?v=abcDEF12345", title="ROR-video", duration=0,
                 external_url="https://www.youtube.com/watch?v=abcDEF12345")


def build_course(*, extra_page: bool = False) -> Course:
    modules = (
        Module(slug="alfa", title="Module alfa", order=1, minutes=60, summary="Over alfa.",
               goals=("Je legt alfa uit.", "Je past alfa toe."), pages=_pages("alfa", 4 if extra_page else 3),
               video=VIDEO, quiz=QUIZ_A, exercise=CHECKLIST, version="1" * 64),
        Module(slug="beta", title="Module beta", order=2, minutes=30, summary="Over beta.", goals=("Beta.",),
               pages=_pages("beta", 2), exercise=FORMAT, requires_review=True, version="2" * 64),
        Module(slug="gamma", title="Module gamma", order=3, minutes=45, summary="Over gamma.", goals=("Gamma.",),
               pages=_pages("gamma", 2), video=EXTERNAL, quiz=QUIZ_C, version="3" * 64),
    )
    return Course(title="Testtraining EBW", modules=modules, version="0" * 64,
                  quizzes={q.name: q for q in (QUIZ_A, QUIZ_C)},
                  exercises={e.name: e for e in (CHECKLIST, FORMAT)}, videos={VIDEO.name: VIDEO},
                  extra={"media_files": frozenset()})


@pytest.fixture
def course(app_ctx):
    """The small test course, in place of the real one for this test only."""
    original = app_ctx.extensions[EXTENSION_KEY]
    app_ctx.extensions[EXTENSION_KEY] = build_course()
    try:
        yield app_ctx.extensions[EXTENSION_KEY]
    finally:
        app_ctx.extensions[EXTENSION_KEY] = original


def install_course(app, course: Course) -> None:
    """Swap the course mid-test (the fixture restores the original afterwards).

    The swapped course keeps the test course's version; a real content change has a new version, which is part of
    the page cache key, so the cached pages are dropped here instead."""
    app.extensions[EXTENSION_KEY] = course
    if "ebw_page_cache" in app.extensions:
        app.extensions["ebw_page_cache"].clear()


@pytest.fixture
def enrollment(course):
    """A learner of Amsterdam in a cohort, enrolled in the test course."""
    learner = make_learner(municipality="GM0363", name="Daan de Vries")
    enrollment = make_enrollment(learner, make_cohort(name="Groep Amstelland"))
    db.session.commit()
    return enrollment


def open_video_earlier(enrollment, module, minutes: int = 60) -> None:
    """The learner opened the module's video page `minutes` ago: coverage grows no faster than the clock."""
    from sqlalchemy import select

    from ebw_training.learning import video as video_service
    from ebw_training.learning.models import VideoProgress

    video_service.open_video(enrollment, module)
    row = db.session.scalar(select(VideoProgress).where(VideoProgress.enrollment_id == enrollment.id,
                                                        VideoProgress.video == module.video.name))
    row.opened_at -= timedelta(minutes=minutes)
    db.session.commit()


def form(**fields) -> MultiDict:
    """A form as the browser sends it; list values become repeated fields."""
    items = []
    for name, value in fields.items():
        name = name.replace("__", "-")
        for v in value if isinstance(value, list) else [value]:
            items.append((name, v))
    return MultiDict(items)


RIGHT_ANSWERS = {"q-enkel": "a", "q-meer": ["a", "b"], "q-waar": "a", "q-koppel-a": "a", "q-koppel-b": "b",
                 "q-koppel-c": "c"}
WRONG_ANSWERS = {"q-enkel": "b", "q-meer": ["c"], "q-waar": "b", "q-koppel-a": "b", "q-koppel-b": "a",
                 "q-koppel-c": "c"}


def quiz_form(answers: dict) -> MultiDict:
    items = []
    for name, value in answers.items():
        for v in value if isinstance(value, list) else [value]:
            items.append((name, v))
    return MultiDict(items)
