"""Our quiz files (quizzes/NAME.yaml) as plain data: read and checked like check-content does, and written
back in the layout of the hand-written quizzes. The GIFT import writes, and the GIFT export reads, through these."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..content.markdown import ContentMarkdown
from ..content.problems import Problem
from ..content.types import QUESTION_TYPES
from ..content.validate import check_duplicate_ids, check_question_type, check_quiz_fields
from ..content.yamlutil import line_of, load_yaml


def read_quiz(path: Path, rel: str | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A quiz file as plain data in our field order, checked like check-content does; None on errors."""
    rel = rel or path.as_posix()
    data, problems = load_yaml(path.read_text(encoding="utf-8").lstrip("\ufeff"), rel)
    if data is None:
        return None, problems or [Problem(rel, 1, "Het bestand is leeg.")]
    problems = problems + check_quiz_fields(data, rel)
    md = ContentMarkdown()
    questions = []
    raw_questions = data.get("questions") if isinstance(data, dict) and isinstance(data.get("questions"), list) else []
    ids = []
    for index, raw in enumerate(raw_questions):
        line = line_of(raw_questions, index)
        found = check_question_type(raw, rel, line)
        problems += found
        if found:
            continue
        question, found = QUESTION_TYPES[raw["type"]].parse(raw, path=rel, line=line, markdown=md)
        problems += found
        if question is None:
            continue
        ids.append((question.id, line))
        questions.append(question_dict(question))
    problems += check_duplicate_ids(ids, rel)
    if any(p.is_error for p in problems):
        return None, problems
    quiz = {"title": str(data["title"]).strip(), "pass_mark": float(data.get("pass_mark", 0.7)),
            "shuffle": bool(data.get("shuffle", True))}
    if data.get("draw"):
        quiz["draw"] = data["draw"]
    quiz["questions"] = questions
    return quiz, problems


def question_dict(question) -> dict[str, Any]:
    """A parsed Question as the plain mapping our YAML holds (for comparing and writing)."""
    options = []
    for option in question.options:
        if question.type == "matching":
            item = {"text": option.text, "match": option.match}
            if option.feedback:
                item["feedback"] = option.feedback
        else:
            item = {"text": option.text, "correct": option.correct, "feedback": option.feedback}
        options.append(item)
    out: dict[str, Any] = {"id": question.id, "type": question.type}
    if question.group:
        out["group"] = question.group
    out.update({"prompt": question.prompt, "options": options})
    if question.distractors:
        out["distractors"] = list(question.distractors)
    if question.explanation:
        out["explanation"] = question.explanation
    return out


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the hand-written quiz files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def quiz_to_yaml(quiz: dict[str, Any]) -> str:
    text = yaml.dump(quiz, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=False, indent=2)
    # A blank line between questions, as in the hand-written quizzes.
    return re.sub(r"\n(  - id: )", r"\n\n\1", text).replace("questions:\n\n", "questions:\n")


def check_quiz_text(text: str, rel: str) -> list[Problem]:
    """Problems check-content would report for this quiz text (used after an import)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quiz.yaml"
        path.write_text(text, encoding="utf-8")
        _quiz, problems = read_quiz(path, rel)
    return problems
