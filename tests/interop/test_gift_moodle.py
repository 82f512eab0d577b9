"""GIFT as Moodle writes it: the examples of Moodle's GIFT format documentation (retyped) and a Moodle export with
format markers and HTML."""

from __future__ import annotations

import yaml

from ebw_training.interop.gift import parse_gift, quiz_to_gift

# Retyped from Moodle's documentation page "GIFT format" (the examples of each question type).
MOODLE_DOC_EXAMPLES = """\
// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// essay
::Q8:: How are you? {}

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

Grant is buried in Grant's tomb.{F}

The sun rises in the east.{T}

Match the following countries with their corresponding capitals. {
    =Canada -> Ottawa
    =Italy  -> Rome
    =Japan  -> Tokyo
    =India  -> New Delhi
    }

What's the answer to this multiple-choice question? {
~wrong answer#feedback comment on the wrong answer
~another wrong answer#feedback comment on this wrong answer
=right answer#Very good!}

Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}

What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

How many pegs in a pentagram? {
  ~3 # Wrong
  =5 # Right
  #### A pentagram has five points.
}
"""


def _by_prompt(quiz: dict) -> dict[str, dict]:
    return {q["prompt"]: q for q in quiz["questions"]}


def test_moodle_documentation_examples():
    result = parse_gift(MOODLE_DOC_EXAMPLES)
    questions = _by_prompt(result.quiz)
    assert questions["1+1=2"]["type"] == "true_false"
    assert [o["correct"] for o in questions["1+1=2"]["options"]] == [True, False]
    spectrum = questions["What's between orange and green in the spectrum?"]
    assert spectrum["id"] == "q2"
    assert [(o["text"], o["correct"], o["feedback"]) for o in spectrum["options"]] == [
        ("yellow", True, "right; good!"), ("red", False, "wrong, it's yellow"), ("blue", False, "wrong, it's yellow")]
    assert questions["Which animal eats which food?"]["options"] == [
        {"text": "cat", "match": "cat food"}, {"text": "dog", "match": "dog food"}]
    capitals = questions["Match the following countries with their corresponding capitals."]
    assert [o["match"] for o in capitals["options"]] == ["Ottawa", "Rome", "Tokyo", "New Delhi"]
    assert questions["Grant is buried in Grant's tomb."]["options"][1]["correct"] is True  # {F}: "Niet waar"
    entombed = questions["What two people are entombed in Grant's tomb?"]
    assert entombed["type"] == "multiple"
    assert [o["correct"] for o in entombed["options"]] == [False, True, True, False]
    assert questions["How many pegs in a pentagram?"]["explanation"] == "A pentagram has five points."
    # Missing word: the text after the braces is reported, not glued into the prompt.
    assert "Grant is" in questions
    trailing = [w for w in result.warnings if w.must_fix]
    assert [(w.line, "in Grant's tomb." in w.message) for w in trailing] == [(22, True)]
    # Short answer (Q3), numeric (Q5) and essay (Q8) cannot be held: skipped and said.
    skipped = {w.title for w in result.warnings if "niet geïmporteerd" in w.message}
    assert skipped == {"Q3", "Q5", "Q8"} and result.skipped == 3


# A question bank as Moodle's GIFT export writes it: format markers before the question text, answers and feedback.
MOODLE_EXPORT = """\
// question: 4021  name: Fasen
::Fasen::[html]<p>Welke fase komt <strong>eerst</strong>?<br>Kies één antwoord.</p>{
\t=[html]<p>De <em>planevaluatie</em></p>#[html]<p>Goed, zie <a href\\="https\\://example.nl/toolkit">de toolkit</a>.</p>
\t~[plain]De effectevaluatie#[moodle]Nee, die komt <b>na</b> afloop.
\t####[html]<ul><li>eerst het plan</li><li>dan de uitvoering</li></ul>
}

// question: 4022  name: Koppel
::Koppel::[html]<p>Koppel de evaluatie aan het moment.</p>{
\t=[html]Planevaluatie -> vooraf
\t=[html]Effectevaluatie -> achteraf
\t=Procesevaluatie -> tijdens
\t= -> nooit
\t= -> [html]<i>elke dag</i>
}
"""


def test_format_markers_are_removed_and_html_becomes_markdown():
    result = parse_gift(MOODLE_EXPORT)
    first, matching = result.quiz["questions"]
    assert first["prompt"] == "Welke fase komt **eerst**?\\\nKies één antwoord."
    planning, effect = first["options"]
    assert planning["text"] == "De *planevaluatie*"
    assert planning["feedback"] == "Goed, zie [de toolkit](https://example.nl/toolkit)."
    assert effect["text"] == "De effectevaluatie" and effect["feedback"] == "Nee, die komt **na** afloop."
    assert first["explanation"] == "- eerst het plan\n- dan de uitvoering"
    dumped = yaml.safe_dump(result.quiz, allow_unicode=True)
    assert "<" not in dumped and "[html]" not in dumped and "[plain]" not in dumped
    # Right-hand answers without a left side are distractors, not options with empty text.
    assert matching["options"] == [{"text": "Planevaluatie", "match": "vooraf"},
                                   {"text": "Effectevaluatie", "match": "achteraf"},
                                   {"text": "Procesevaluatie", "match": "tijdens"}]
    assert matching["distractors"] == ["nooit", "*elke dag*"]


def test_distractors_are_written_back_to_gift():
    quiz = parse_gift(MOODLE_EXPORT).quiz
    again = parse_gift(quiz_to_gift(quiz)).quiz
    assert again["questions"][1]["distractors"] == ["nooit", "*elke dag*"]
    assert again["questions"][1]["options"] == quiz["questions"][1]["options"]


def test_imported_distractors_pass_check_content_and_round_trip_through_yaml(tmp_path):
    from ebw_training.interop.quiz_files import check_quiz_text, quiz_to_yaml, read_quiz

    matching = parse_gift(MOODLE_EXPORT).quiz["questions"][1]
    quiz = {"title": "Koppelen", "pass_mark": 0.7, "shuffle": True, "questions": [matching]}
    text = quiz_to_yaml(quiz)
    assert [p for p in check_quiz_text(text, "koppel.yaml") if p.is_error] == []
    path = tmp_path / "koppel.yaml"
    path.write_text(text, encoding="utf-8")
    again, _problems = read_quiz(path)
    assert again["questions"][0]["distractors"] == ["nooit", "*elke dag*"]
