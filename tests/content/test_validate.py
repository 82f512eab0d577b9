"""Each check of the validator, on a fixture that breaks exactly one rule (tests/content/fixtures/broken/)."""

from __future__ import annotations

import pytest

from ebw_training.content.loader import load_course
from ebw_training.content.problems import ERROR, WARNING, Problem

from .conftest import VALID, broken_cases, build_course, case_spec


def test_the_valid_fixture_course_has_no_problems():
    _course, problems = load_course(VALID)
    assert problems == []


def test_there_is_a_fixture_for_every_message_family():
    names = set(broken_cases())
    for required in [
        "yaml-syntax-quiz", "yaml-syntax-front-matter", "slug-format", "duplicate-slug", "duplicate-order",
        "minutes-zero", "goals-empty", "unknown-quiz", "unknown-exercise", "unknown-video",
        "duplicate-question-id", "single-no-correct", "single-two-correct", "true-false-texts",
        "true-false-two-correct", "multiple-no-correct", "matching-two-pairs", "matching-duplicate-match",
        "option-without-feedback", "unknown-question-type", "exercise-unknown-kind", "exercise-duplicate-item",
        "exercise-no-example", "exercise-no-privacy", "media-no-captions", "media-no-transcript",
        "media-no-duration", "text-before-first-heading", "video-not-embeddable",
        "carry-unknown-exercise", "carry-unknown-item", "carry-self", "carry-bad-format", "carry-later-exercise",
        "exercise-flag-not-bool", "two-assessors-not-checklist",
    ]:
        assert required in names


@pytest.mark.parametrize("case", broken_cases())
def test_broken_fixture_gives_its_message_at_its_line(tmp_path, case):
    expect = case_spec(case)["expect"]
    _course, problems = load_course(build_course(tmp_path, case))
    matching = [
        p for p in problems
        if p.path == expect["path"] and p.line == expect["line"] and expect["message"] in p.message
        and p.severity == expect["severity"]
    ]
    assert matching, f"expected {expect}, got:\n" + "\n".join(str(p) for p in problems)
    if expect["severity"] == ERROR:
        # The fixture breaks one rule, so there is exactly one error: no follow-up noise for the author.
        assert [p for p in problems if p.is_error] == matching[:1]
    else:
        assert not [p for p in problems if p.is_error], problems


def test_problem_prints_as_path_line_message():
    assert str(Problem("quizzes/a.yaml", 7, "Zo.")) == "quizzes/a.yaml:7: Zo."
    assert str(Problem("quizzes/a.yaml", 7, "Zo.", WARNING)) == "quizzes/a.yaml:7: waarschuwing: Zo."


def test_problems_come_sorted_by_file_and_line(tmp_path):
    root = build_course(tmp_path, "single-two-correct")
    quiz = root / "quizzes" / "01-eerste.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: true_false", "type: waar"), encoding="utf-8")
    _course, problems = load_course(root)
    keys = [(p.path, p.line) for p in problems]
    assert keys == sorted(keys)
    assert {p.path for p in problems} == {"quizzes/01-eerste.yaml", "quizzes/02-tweede.yaml"}


def test_a_quiz_with_errors_is_not_reported_as_missing(tmp_path):
    """The module names a quiz that exists but is broken: one message, at the quiz, not 'unknown quiz'."""
    _course, problems = load_course(build_course(tmp_path, "single-no-correct"))
    assert not any("Onbekende toets" in p.message for p in problems)


def test_the_shipped_course_has_no_errors():
    from .conftest import PROJECT_ROOT

    _course, problems = load_course(PROJECT_ROOT)
    assert not [p for p in problems if p.is_error], "\n".join(str(p) for p in problems)


def test_carried_answers_and_flags_are_read_from_the_exercise_files():
    course, _problems = load_course(VALID)
    fmt = course.exercises["format-oefening"]
    assert fmt.shows_intervention and not fmt.two_assessors
    assert [item.carried_from for item in fmt.items] == [
        ("checklist-oefening.probleem",), ("checklist-oefening.doel", "checklist-oefening.probleem")]
    assert fmt.items[0].carried_line == 11
    assert course.exercises["checklist-oefening"].two_assessors
