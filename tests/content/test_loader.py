"""The loader: the in-memory course built from the valid fixture course, content versions and media."""

from __future__ import annotations

import re

import pytest

from ebw_training.content.loader import load_course

from .conftest import VALID, build_course

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture(scope="module")
def course():
    course, problems = load_course(VALID)
    assert problems == []
    return course


def test_modules_in_course_order_with_front_matter(course):
    first, second = course.modules
    assert (first.slug, first.title, first.order, first.minutes) == ("eerste-module", "Eerste module", 1, 45)
    assert first.summary.startswith("Een korte module")
    assert first.goals == ("Je legt uit wat een testmodule is.", "Je noemt twee soorten pagina's.")
    assert first.requires_review is False and second.requires_review is True
    assert course.module("tweede-module") is second and course.module("bestaat-niet") is None
    assert course.total_minutes == 75
    assert first.path == "modules/01-eerste.md"


def test_each_h2_starts_a_page_and_becomes_its_title(course):
    pages = course.modules[0].pages
    assert [(p.number, p.title) for p in pages] == [
        (1, "Één ideële pagina"), (2, "Tweede pagina"), (3, "Samenvatting")]
    assert [p.anchor for p in pages] == ["een-ideele-pagina", "tweede-pagina", "samenvatting"]
    for page in pages:
        assert "<h2" not in page.html  # the learner page shows the title itself, as h2 under the module's h1
    assert pages[0].html.startswith("<p>Gewone tekst")
    assert "<li>Punt één</li>" in pages[2].html


def test_anchors_stay_unique_across_the_pages_of_a_module(course):
    pages = course.modules[0].pages
    assert '<h3 id="een-tabel">' in pages[0].html
    assert '<h3 id="een-tabel-1">' in pages[1].html


def test_page_html_is_markup_and_escapes_raw_html(course):
    html = course.modules[0].pages[0].html
    assert hasattr(html, "__html__")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_quiz_exercise_and_video_are_attached(course):
    first, second = course.modules
    assert first.quiz is course.quizzes["01-eerste"]
    assert [q.type for q in first.quiz.questions] == ["single", "multiple", "true_false", "matching"]
    assert [o.key for o in first.quiz.questions[0].options] == ["a", "b", "c"]
    assert first.quiz.pass_mark == 0.7 and first.quiz.shuffle is False
    assert second.quiz.pass_mark == 0.7  # the default
    assert first.exercise is course.exercises["checklist-oefening"]
    assert first.exercise.scale == ("ja", "deels", "nee", "weet niet")
    assert second.exercise.kind == "format" and second.exercise.scale == ()
    assert first.activities == ("pages", "video", "quiz", "exercise")


def test_media_video_has_sources_captions_poster_and_transcript(course):
    video = course.modules[0].video
    assert video is course.videos["intro"]
    assert (video.title, video.duration, video.description) == ("Introductie", 12.5, "Een korte testvideo.")
    assert video.sources == (("intro.webm", "video/webm"), ("intro.mp4", "video/mp4"))
    assert video.captions == "intro.nl.vtt" and video.poster == "intro.poster.png"
    assert video.external_url is None
    # The transcript's own '## ' headings sit below the page's h2.
    assert '<h3 id="tekst-dia-1">Dia 1</h3>' in video.transcript_html
    assert course.extra["media_files"] == {"intro.webm", "intro.mp4", "intro.nl.vtt", "intro.poster.png",
                                           "intro.transcript.md"}


def test_external_video_is_not_an_activity(course):
    second = course.modules[1]
    assert second.video.external_url == "https://www.youtube-nocookie.com/embed/abc123"
    assert second.video.title == "Video van het ROR" and second.video.duration == 0
    assert second.activities == ("pages", "quiz", "exercise")
    assert second.video.name not in course.videos


def test_versions_are_sha256_and_follow_the_files_a_module_uses(tmp_path, course):
    for value in [course.version, *(m.version for m in course.modules), *(q.version for q in course.quizzes.values()),
                  *(e.version for e in course.exercises.values()), course.videos["intro"].version]:
        assert HEX64.match(value)
    root = build_course(tmp_path)
    quiz = root / "quizzes" / "02-tweede.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("Goed: A.", "Goed: het is A."), encoding="utf-8")
    changed, problems = load_course(root)
    assert problems == []
    assert changed.version != course.version
    assert changed.modules[0].version == course.modules[0].version
    assert changed.modules[1].version != course.modules[1].version
    assert changed.quizzes["02-tweede"].version != course.quizzes["02-tweede"].version


def test_captions_change_the_video_and_module_version(tmp_path, course):
    root = build_course(tmp_path)
    (root / "media" / "intro.nl.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nDag.\n", encoding="utf-8")
    changed, _ = load_course(root)
    assert changed.videos["intro"].version != course.videos["intro"].version
    assert changed.version != course.version


def test_loading_the_same_files_twice_gives_the_same_versions(course):
    again, _ = load_course(VALID)
    assert again.version == course.version
    assert [m.version for m in again.modules] == [m.version for m in course.modules]


def test_windows_line_endings_and_bom_are_accepted(tmp_path):
    root = build_course(tmp_path)
    module = root / "modules" / "02-tweede.md"
    module.write_bytes(b"\xef\xbb\xbf" + module.read_bytes().replace(b"\n", b"\r\n"))
    course, problems = load_course(root)
    assert problems == []
    assert course.module("tweede-module").pages[0].title == "Lesstof"


def test_shipped_course_loads_with_all_its_modules():
    from .conftest import PROJECT_ROOT

    course, problems = load_course(PROJECT_ROOT)
    assert not [p for p in problems if p.is_error]
    assert len(course.modules) >= 1
    for module in course.modules:
        assert module.pages and HEX64.match(module.version)
