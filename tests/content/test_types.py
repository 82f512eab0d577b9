"""Question types and exercise kinds: parse, grade, answer_from_form, render (with results) and summarise."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from ebw_training.content.exercise_kinds import EXERCISE_KINDS, MAX_ANSWER_CHARS
from ebw_training.content.loader import load_course
from ebw_training.content.question_parts import QuestionResult
from ebw_training.content.types import QUESTION_TYPES

from .conftest import VALID


@pytest.fixture(scope="module")
def course():
    course, problems = load_course(VALID)
    assert problems == []
    return course


@pytest.fixture(scope="module")
def questions(course):
    return {q.type: q for q in course.quizzes["01-eerste"].questions}


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_registries_hold_the_types_and_kinds():
    assert set(QUESTION_TYPES) == {"single", "multiple", "true_false", "matching"}
    assert set(EXERCISE_KINDS) == {"checklist", "format"}
    for name, qtype in QUESTION_TYPES.items():
        assert qtype.name == name
    for name, kind in EXERCISE_KINDS.items():
        assert kind.name == name


def test_parse_renders_markdown_and_keeps_lines(md):
    data = {"id": "x", "type": "single", "prompt": "Is *dit* goed?", "explanation": "Omdat.", "options": [
        {"text": "Ja `code`", "correct": True, "feedback": "Klopt."},
        {"text": "Nee", "correct": False, "feedback": "Niet dus."},
    ]}
    question, problems = QUESTION_TYPES["single"].parse(data, path="q.yaml", line=4, markdown=md)
    assert problems == []
    assert question.prompt_html == "<p>Is <em>dit</em> goed?</p>\n"
    assert question.options[0].html == "Ja <code>code</code>"
    assert question.options[1].feedback_html == "<p>Niet dus.</p>\n"
    assert question.explanation_html == "<p>Omdat.</p>\n" and question.line == 4


def test_parse_returns_no_question_when_there_is_an_error(md):
    data = {"id": "x", "type": "single", "prompt": "?", "options": [{"text": "a", "correct": False, "feedback": "f"}]}
    question, problems = QUESTION_TYPES["single"].parse(data, path="q.yaml", line=1, markdown=md)
    assert question is None and problems


# ---- single


def test_single_answer_from_form_and_grade(questions):
    q, qtype = questions["single"], QUESTION_TYPES["single"]
    assert qtype.answer_from_form(q, MultiDict({"q-een-goed": "a"})) == "a"
    assert qtype.answer_from_form(q, MultiDict({"q-een-goed": "z"})) is None
    assert qtype.answer_from_form(q, MultiDict()) is None
    right = qtype.grade(q, "a")
    assert (right.score, right.correct, right.chosen) == (1.0, True, ["a"])
    assert right.feedback == [("Het goede antwoord", True, "<p>Goed, dit klopt.</p>\n")]
    wrong = qtype.grade(q, "b")
    assert (wrong.score, wrong.correct, wrong.chosen) == (0.0, False, ["b"])
    assert qtype.grade(q, None).score == 0.0
    assert qtype.grade(q, ["a"]).score == 1.0  # tolerant of a stored list


def test_single_render_is_an_accessible_fieldset(ctx, questions):
    q, qtype = questions["single"], QUESTION_TYPES["single"]
    html = str(qtype.render(q, number=1, answer="b"))
    assert html.count("<fieldset") == 1 and "<legend>" in html
    assert "Vraag 1" in html and "Welk antwoord is <em>goed</em>?" in html
    for key in "abc":
        assert f'<input type="radio" id="q-een-goed-{key}" name="q-een-goed" value="{key}"' in html
        assert f'<label for="q-een-goed-{key}">' in html
    assert re.search(r'value="b"\s+checked', html)
    assert "disabled" not in html
    # Option text is Markdown with raw HTML disabled: the <b> in the file shows as text.
    assert "&lt;b&gt;vet&lt;/b&gt;" in html


def test_single_render_with_result_states_right_or_wrong_in_text(ctx, questions):
    q, qtype = questions["single"], QUESTION_TYPES["single"]
    result = qtype.grade(q, "b")
    html = str(qtype.render(q, number=2, answer="b", result=result))
    assert "Niet goed beantwoord." in html
    assert "Niet goed gekozen:" in html and "Niet goed, want dit klopt niet." in html
    assert "(jouw antwoord)" in html
    assert "Alleen het eerste antwoord is goed." in html  # the explanation
    assert html.count(" disabled") == 3
    assert 'aria-describedby="vraag-een-goed-result"' in html
    right = str(qtype.render(q, number=2, result=qtype.grade(q, "a")))
    assert "Goed beantwoord." in right and "Goed gekozen:" in right
    assert re.search(r'value="a"\s+checked', right)  # chosen option taken from the result


def test_options_are_shown_in_the_display_order_of_the_attempt(ctx, questions):
    import random

    q, qtype = questions["multiple"], QUESTION_TYPES["multiple"]

    def shown(order):
        return re.findall(r'name="q-meer-goed" value="(\w)"', str(qtype.render(q, number=1, order=order)))

    assert shown(None) == ["a", "b", "c", "d"]  # file order
    assert qtype.display_order(q, None) == {"options": ["a", "b", "c", "d"]}
    assert shown({"options": ["c", "a", "d", "b"]}) == ["c", "a", "d", "b"]
    orders = {tuple(qtype.display_order(q, random.Random(seed))["options"]) for seed in range(6)}
    assert len(orders) > 1 and all(sorted(order) == ["a", "b", "c", "d"] for order in orders)


# ---- multiple


def test_multiple_scores_the_share_of_options_judged_right(questions):
    q, qtype = questions["multiple"], QUESTION_TYPES["multiple"]
    form = MultiDict([("q-meer-goed", "c"), ("q-meer-goed", "a"), ("q-meer-goed", "x")])
    assert qtype.answer_from_form(q, form) == ["a", "c"]
    assert qtype.answer_from_form(q, MultiDict()) is None
    assert qtype.grade(q, ["a", "b"]).score == 1.0 and qtype.grade(q, ["a", "b"]).correct
    half = qtype.grade(q, ["a", "c"])  # a right, b missed, c wrongly chosen, d rightly left open
    assert half.score == 0.5 and not half.correct and half.chosen == ["a", "c"]
    assert [(text, right) for text, right, _ in half.feedback] == [
        ("Goed een", True), ("Goed twee", False), ("Fout een", False)]
    assert qtype.grade(q, None).score == 0.0
    assert qtype.grade(q, ["d"]).score == 0.25


def test_multiple_render_with_checkboxes_and_partial_result(ctx, questions):
    q, qtype = questions["multiple"], QUESTION_TYPES["multiple"]
    html = str(qtype.render(q, number=3, answer=["a", "c"], result=qtype.grade(q, ["a", "c"])))
    assert 'type="checkbox"' in html
    # A prompt of two paragraphs is not squeezed into the legend: it is tied to the fieldset instead.
    assert '<div class="question-prompt" id="vraag-meer-goed-prompt">' in html
    assert 'aria-describedby="vraag-meer-goed-prompt vraag-meer-goed-result"' in html
    assert "Gedeeltelijk goed: je score voor deze vraag is 50%." in html
    assert "Niet gekozen, maar dit antwoord is ook goed:" in html


# ---- true_false


def test_true_false(ctx, questions):
    q, qtype = questions["true_false"], QUESTION_TYPES["true_false"]
    assert [o.text for o in q.options] == ["Waar", "Niet waar"]
    assert qtype.answer_from_form(q, MultiDict({"q-waar-of-niet": "a"})) == "a"
    assert qtype.grade(q, "a").score == 1.0 and qtype.grade(q, "b").score == 0.0
    import random

    orders = {tuple(qtype.display_order(q, random.Random(s))["options"]) for s in range(5)}
    assert orders == {("a", "b")}  # never shuffled: Waar before Niet waar
    html = str(qtype.render(q, number=1, answer="b", result=qtype.grade(q, "b")))
    assert "Niet goed beantwoord." in html and "Toch wel, een planevaluatie is vóór de start." in html


# ---- matching


def test_matching_answer_from_form_and_grade(questions):
    q, qtype = questions["matching"], QUESTION_TYPES["matching"]
    form = MultiDict({"q-koppelen-a": "a", "q-koppelen-b": "c", "q-koppelen-c": "", "q-koppelen-x": "a"})
    answer = qtype.answer_from_form(q, form)
    assert answer == {"a": "a", "b": "c"}
    assert qtype.answer_from_form(q, MultiDict()) is None
    result = qtype.grade(q, answer)
    assert result.score == pytest.approx(1 / 3) and not result.correct
    assert result.chosen == ["a=a", "b=c"]
    assert [(text, right) for text, right, _ in result.feedback] == [
        ("Planevaluatie → Vóór de start", True), ("Procesevaluatie → Na afloop", False)]
    assert qtype.grade(q, {"a": "a", "b": "b", "c": "c"}).correct
    assert qtype.grade(q, ["a=a", "b=b", "c=c"]).correct  # the stored 'chosen' form works too
    assert qtype.grade(q, None).score == 0.0


def test_matching_render_has_a_labelled_select_per_left_side(ctx, questions):
    q, qtype = questions["matching"], QUESTION_TYPES["matching"]
    html = str(qtype.render(q, number=4, answer={"a": "a"}))
    for key in "abc":
        assert f'<label for="q-koppelen-{key}">' in html
        assert f'<select id="q-koppelen-{key}" name="q-koppelen-{key}"' in html
    assert re.search(r'<option value="a" selected>Vóór de start</option>', html)
    rights = re.findall(r'<option value="(\w)"', html.split("</select>")[0])
    assert rights == ["c", "b", "a"]  # without a seed: alphabetical, not the file order


def test_matching_render_with_result_per_pair(ctx, questions):
    q, qtype = questions["matching"], QUESTION_TYPES["matching"]
    answer = {"a": "a", "b": "c"}
    html = str(qtype.render(q, number=4, answer=answer, result=qtype.grade(q, answer)))
    assert html.count("Goed gekoppeld.") == 1 and html.count("Niet goed gekoppeld.") == 1
    assert "Niet ingevuld." in html
    assert "Het plan toets je voordat je begint." in html
    assert "Gedeeltelijk goed: je score voor deze vraag is 33%." in html
    assert html.count(" disabled") == 3


def test_result_from_stored_json_renders(ctx, questions):
    """The learner pages may rebuild a QuestionResult from stored JSON (lists instead of tuples)."""
    q, qtype = questions["single"], QUESTION_TYPES["single"]
    stored = QuestionResult(score=0.0, correct=False, chosen=["c"],
                            feedback=[["Nog een fout antwoord <b>vet</b>", False, "<p>Niet goed.</p>\n"]])
    html = str(qtype.render(q, number=1, result=stored))
    assert "Niet goed beantwoord." in html and "&lt;b&gt;vet&lt;/b&gt;" in html


# ---- exercises


def test_checklist_answers_missing_render_and_summary(ctx, course):
    exercise, kind = course.exercises["checklist-oefening"], EXERCISE_KINDS["checklist"]
    form = MultiDict({
        "item-probleem-scale": "deels", "item-probleem-explanation": "  We hebben een analyse.  ",
        "item-doel-scale": "misschien", "item-doel-explanation": "x" * (MAX_ANSWER_CHARS + 10),
    })
    answers = kind.answers_from_form(exercise, form)
    assert answers["probleem"] == {"scale": "deels", "explanation": "We hebben een analyse."}
    assert answers["doel"]["scale"] == "" and len(answers["doel"]["explanation"]) == MAX_ANSWER_CHARS
    assert kind.missing(exercise, answers) == {"doel": "Kies een antwoord bij deze vraag."}
    assert kind.missing(exercise, {"probleem": {"scale": "ja"}, "doel": {"scale": "nee"}}) == {}

    html = str(kind.render(exercise, {"probleem": {"scale": "deels", "explanation": "<script>x</script>"}},
                           errors={"doel": "Kies een antwoord bij deze vraag."}))
    assert "<form" not in html and "<button" not in html
    assert html.count("<fieldset") == 2
    assert "<legend><span class=\"item-number\">1.</span> Weten we welk probleem we oplossen?</legend>" in html
    for n, value in enumerate(exercise.scale, start=1):
        assert f'id="item-probleem-scale-{n}" name="item-probleem-scale" value="{value}"' in html
        assert f'<label for="item-probleem-scale-{n}">{value}</label>' in html
    assert re.search(r'value="deels"\s+checked', html)
    assert '<label for="item-probleem-explanation">Toelichting' in html
    assert "&lt;script&gt;x&lt;/script&gt;</textarea>" in html and "<script>" not in html
    assert 'id="item-probleem-help"' in html and "Deels. We hebben een analyse uit 2023." in html
    assert 'aria-describedby="item-doel-error"' in html and 'aria-invalid="true"' in html
    assert '<p class="error-message" id="item-doel-error">' in html
    disabled = str(kind.render(exercise, {}, disabled=True))
    assert disabled.count(" disabled") == len(exercise.scale) * 2 + 2

    rows = kind.summarise(exercise, answers)
    assert rows == [("Weten we welk probleem we oplossen?", "deels. Toelichting: We hebben een analyse."),
                    ("Is het doel meetbaar?", "x" * MAX_ANSWER_CHARS)]
    assert kind.summarise(exercise, {})[0][1] == "Niet ingevuld"


def test_format_answers_missing_render_and_summary(ctx, course):
    exercise, kind = course.exercises["format-oefening"], EXERCISE_KINDS["format"]
    answers = kind.answers_from_form(exercise, MultiDict({"item-probleem-text": " Weinig bereik.\r\n "}))
    assert answers == {"probleem": {"text": "Weinig bereik."}, "doel": {"text": ""}}
    assert kind.missing(exercise, answers) == {"doel": "Vul dit onderdeel in."}
    html = str(kind.render(exercise, answers, errors={"doel": "Vul dit onderdeel in."}))
    assert '<label for="item-probleem-text"><span class="item-number">1.</span> Welk probleem pak je aan?</label>' in html
    assert '<textarea id="item-probleem-text" name="item-probleem-text"' in html
    assert 'aria-describedby="item-probleem-help"' in html
    assert "<details class=\"exercise-example\">" in html and "<summary>Bekijk een voorbeeld</summary>" in html
    assert ">Weinig bereik.</textarea>" in html
    assert 'aria-describedby="item-doel-error" aria-invalid="true"' in html
    assert kind.summarise(exercise, answers) == [("Welk probleem pak je aan?", "Weinig bereik."),
                                                 ("Wat is je doel?", "Niet ingevuld")]
    assert kind.summarise(exercise, {"probleem": "not a mapping"})[0][1] == "Niet ingevuld"


def test_shipped_questions_all_render(ctx):
    """Every question of the shipped course renders with and without a result."""
    from .conftest import PROJECT_ROOT

    course, _ = load_course(PROJECT_ROOT)
    for quiz in course.quizzes.values():
        for number, question in enumerate(quiz.questions, start=1):
            qtype = QUESTION_TYPES[question.type]
            assert "<fieldset" in qtype.render(question, number=number, order=qtype.display_order(question, None))
            result = qtype.grade(question, None)
            assert "Niet goed beantwoord." in qtype.render(question, number=number, result=result)
