"""GIFT (Moodle's plain-text quiz format) to and from our quiz files (quizzes/NAME.yaml).

Mapping (docs/content-format.md, "GIFT"):
- single      <-> ``{=right#feedback ~wrong#feedback}``; a partial weight (``~%50%``) cannot be kept: the option
                  counts as wrong and a warning says so.
- multiple    <-> answers without ``=``, with weights: ``{~%50%right#fb ~%50%right#fb ~%-100%wrong#fb}``;
                  a positive weight means correct.
- true_false  <-> ``{T#feedback when wrong#feedback when right}`` (or ``F``), options 'Waar' and 'Niet waar'.
- matching    <-> ``{=left -> right =left -> right}`` (every answer starts with ``=`` and has ``->``); GIFT has no
                  feedback per pair, so ours travels in comment lines ``// ebw:feedback N: text`` that Moodle
                  ignores.
- explanation <-> general feedback ``####text`` inside the braces.
- id          <-> the title ``::id::``; on import, a title that is no id is turned into one, else q1, q2, ...
- the quiz's title, pass mark and shuffle travel in ``// ebw:title``, ``// ebw:pass_mark`` and ``// ebw:shuffle``
  comment lines; ``$CATEGORY:`` lines are read (the last part names the quiz when there is no title line).
GIFT questions our format cannot hold (numerical ``{#...}``, short answer ``{=a =b}``, essay ``{}`` and
descriptions without answers) are skipped and reported by number and title.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from markdownify import markdownify

from ..content.types import ID_PATTERN, TRUE_FALSE_TEXTS

# Escapes are swapped for private-use characters while the structure is parsed.
_ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005", ":": "\ue006"}
_NEWLINE = "\ue007"
_RESTORE = {v: k for k, v in _ESCAPES.items()} | {_NEWLINE: "\n"}
_FORMATS = ("markdown", "html", "plain", "moodle")
_FORMAT_MARKER = re.compile(r"^\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:[.,]\d+)?)%")
_TRUE_FALSE = re.compile(r"^(T|TRUE|F|FALSE)$", re.IGNORECASE)
_EBW_COMMENT = re.compile(r"^//\s*ebw:(\w+)\s*(.*)$")


class GiftError(ValueError):
    """A GIFT file that cannot be read; `line` is where the problem starts."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"regel {line}: {message}")


@dataclass
class GiftWarning:
    number: int  # the question's number in the GIFT file (1-based)
    title: str
    line: int
    message: str
    must_fix: bool = False  # the author must change the imported quiz before it can be used

    def __str__(self) -> str:
        title = f" '{self.title}'" if self.title else ""
        return f"Vraag {self.number}{title} (regel {self.line}): {self.message}"


@dataclass
class GiftImport:
    quiz: dict[str, Any]  # the quiz as it will be written to YAML
    warnings: list[GiftWarning] = field(default_factory=list)
    imported: int = 0
    skipped: int = 0


# --------------------------------------------------------------------------------------------------------------------
# Reading GIFT


def _protect(text: str) -> str:
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                index += 2
                continue
            if nxt == "n":
                out.append(_NEWLINE)
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def _html_to_markdown(text: str) -> str:
    """HTML as Moodle writes it to Markdown: emphasis, lists, links and line breaks survive, tags do not."""
    converted = markdownify(text, heading_style="ATX", bullets="-", newline_style="backslash",
                            strip=["img", "script", "style", "span", "font", "div"])
    return re.sub(r"\n{3,}", "\n\n", converted).strip()


def _clean(text: str, fmt: str) -> str:
    """Protected GIFT text to our Markdown text.

    A format marker (`[html]`, `[moodle]`, `[plain]`, `[markdown]`) at the start of this piece of text (a question
    text, an answer or a feedback) overrides the question's format, as in Moodle's own exports.
    """
    value = _restore(text).strip()
    marker = _FORMAT_MARKER.match(value)
    if marker:
        fmt, value = marker.group(1).lower(), value[marker.end():].strip()
    if fmt == "html" or (fmt == "moodle" and re.search(r"<[a-zA-Z/][^>]*>", value)):
        value = _html_to_markdown(value)
    elif fmt != "markdown":
        value = html.unescape(value) if fmt == "moodle" else value
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip()


def slugify_id(text: str) -> str:
    normalized = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in normalized if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")


@dataclass
class _Block:
    line: int
    text: str
    lines: list[tuple[int, str]]
    feedback: dict[int, str]
    group: str = ""  # '// ebw:group NAME' before the question: its topic in a question bank


def _blocks(source: str) -> tuple[list[_Block], dict[str, str], list[tuple[int, str]]]:
    """Split into question blocks (separated by blank lines), quiz settings and $CATEGORY lines."""
    settings: dict[str, str] = {}
    categories: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    pending_feedback: dict[int, str] = {}  # '// ebw:feedback' lines belong to the next question
    pending_group = ""  # and so does '// ebw:group'

    def close() -> None:
        nonlocal current, pending_feedback, pending_group
        if current:
            blocks.append(_Block(current[0][0], "\n".join(t for _, t in current), current, pending_feedback,
                                 pending_group))
            pending_feedback = {}
            pending_group = ""
        current = []

    for number, raw in enumerate(source.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            close()
            continue
        if stripped.startswith("//"):
            match = _EBW_COMMENT.match(stripped)
            if match:
                key, value = match.group(1), match.group(2)
                if key == "feedback":
                    fb = re.match(r"^(\d+):\s?(.*)$", value)
                    if fb:
                        pending_feedback[int(fb.group(1))] = _restore(_protect(fb.group(2)))
                elif key == "group":
                    pending_group = value.strip()
                elif not blocks and not current:
                    settings[key] = value.strip()
            continue
        if stripped.startswith("$CATEGORY:") and not current:
            categories.append((number, _restore(_protect(stripped[len("$CATEGORY:"):])).strip()))
            continue
        current.append((number, raw))
    close()
    return blocks, settings, categories


def _line_of_offset(block: _Block, protected: str, offset: int) -> int:
    return block.line + protected[:offset].count("\n")


def _split_answers(body: str) -> list[tuple[str, str]]:
    """'=a#fb ~b' -> [('=', 'a#fb'), ('~', 'b')] on the protected answer text."""
    parts = []
    for match in re.finditer(r"([~=])([^~=]*)", body):
        parts.append((match.group(1), match.group(2)))
    return parts


def _weight_text(text: str) -> tuple[float | None, str]:
    text = text.strip()
    match = _WEIGHT.match(text)
    if not match:
        return None, text
    return float(match.group(1).replace(",", ".")), text[match.end():]


def _feedback_split(text: str) -> tuple[str, str]:
    if "#" in text:
        answer, feedback = text.split("#", 1)
        return answer, feedback
    return text, ""


def parse_gift(source: str, *, name: str = "") -> GiftImport:
    """Read GIFT text into a quiz mapping; raises GiftError (with a line number) on broken GIFT."""
    source = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks, settings, categories = _blocks(source)
    result = GiftImport(quiz={})
    questions: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    for number, block in enumerate(blocks, start=1):
        protected = _protect(block.text)
        rest = protected.strip()
        title = ""
        if rest.startswith("::"):
            end = rest.find("::", 2)
            if end < 0:
                raise GiftError(block.line, "De titel begint met '::' maar wordt niet afgesloten met '::'.")
            title = _restore(rest[2:end]).strip()
            rest = rest[end + 2:]
        rest = rest.lstrip()
        fmt = "moodle"
        format_match = re.match(r"^\[(\w+)\]", rest)
        if format_match and format_match.group(1).lower() in _FORMATS:
            fmt = format_match.group(1).lower()
            rest = rest[format_match.end():]
        start = rest.find("{")
        offset_base = protected.find(rest) if rest else 0

        def warn(message: str, _n: int = number, _t: str = title, _l: int = block.line, must_fix=False) -> None:
            result.warnings.append(GiftWarning(_n, _t, _l, message, must_fix))

        if start < 0:
            if "}" in rest:
                raise GiftError(block.line, "Er staat een '}' zonder '{' ervoor. Bedoel je '\\}'?")
            warn("een beschrijving zonder antwoorden kan niet in een toets; niet geïmporteerd.")
            result.skipped += 1
            continue
        finish = rest.find("}", start)
        if finish < 0:
            line = _line_of_offset(block, protected, offset_base + start)
            raise GiftError(line, "Er staat een '{' zonder '}' erna: de antwoorden worden niet afgesloten.")
        if "{" in rest[start + 1:finish]:
            line = _line_of_offset(block, protected, offset_base + start)
            raise GiftError(line, "Er staat een '{' binnen de antwoorden. Schrijf '\\{' voor een gewone accolade.")
        before, body, after = rest[:start], rest[start + 1:finish], rest[finish + 1:]
        if "{" in after or "}" in after:
            line = _line_of_offset(block, protected, offset_base + finish)
            raise GiftError(line, "Een vraag heeft maar één blok antwoorden tussen '{' en '}'.")
        prompt = _clean(before, fmt)
        trailing = _clean(after, fmt)
        body = body.strip()
        explanation = ""
        if "####" in body:
            body, general = body.split("####", 1)
            explanation = _clean(general, fmt)
            body = body.strip()

        question: dict[str, Any] | None
        if not body:
            warn("een open vraag (essay, '{}') kan niet in ons toetsformaat; niet geïmporteerd.")
            question = None
        elif body.startswith("#"):
            warn("een numerieke vraag ('{#...}') kan niet in ons toetsformaat; niet geïmporteerd.")
            question = None
        elif _TRUE_FALSE.match(_feedback_split(body)[0].strip()):
            value, feedback = _feedback_split(body)
            wrong_fb, _, right_fb = feedback.partition("#")
            truth = value.strip().upper().startswith("T")
            waar_fb, niet_waar_fb = (right_fb, wrong_fb) if truth else (wrong_fb, right_fb)
            question = {"type": "true_false", "options": [
                {"text": TRUE_FALSE_TEXTS[0], "correct": truth, "feedback": _clean(waar_fb, fmt)},
                {"text": TRUE_FALSE_TEXTS[1], "correct": not truth, "feedback": _clean(niet_waar_fb, fmt)},
            ]}
        elif body[0] not in "~=":
            line = _line_of_offset(block, protected, offset_base + start)
            raise GiftError(line, "Elk antwoord begint met '=' (goed) of '~' (fout); hier staat tekst zonder "
                                  "een van die tekens. Bedoel je '\\=' of '\\~' in een tekst?")
        elif "->" in body and all(marker == "=" for marker, _ in _split_answers(body)):
            question = _parse_matching(block, protected, body, fmt, warn)
        elif "~" not in body:
            warn("een kort-antwoordvraag ('{=antwoord}') kan niet in ons toetsformaat; niet geïmporteerd.")
            question = None
        else:
            question = _parse_choice(body, fmt, warn)
        if question is None:
            result.skipped += 1
            continue
        if trailing:
            warn(f"na de antwoorden staat nog tekst ('{trailing}'), zoals bij een ontbrekend-woordvraag in Moodle. "
                 "Die tekst is niet in de vraag gezet: schrijf de vraag zo dat hij zonder die tekst klopt.",
                 must_fix=True)
        qid = _question_id(title, number, used_ids)
        used_ids.add(qid)
        ordered: dict[str, Any] = {"id": qid, "type": question["type"]}
        if block.group:
            ordered["group"] = block.group
        ordered.update({"prompt": prompt, "options": question["options"]})
        if question.get("distractors"):
            ordered["distractors"] = question["distractors"]
        if question["type"] == "matching" and block.feedback:
            for index, option in enumerate(ordered["options"], start=1):
                if block.feedback.get(index):
                    option["feedback"] = block.feedback[index]
        if explanation:
            ordered["explanation"] = explanation
        questions.append(ordered)
        result.imported += 1

    title = settings.get("title") or (categories[-1][1].rstrip("/").split("/")[-1] if categories else "") or name
    quiz: dict[str, Any] = {"title": title.strip() or "Toets"}
    pass_mark = settings.get("pass_mark")
    try:
        quiz["pass_mark"] = float(pass_mark) if pass_mark else 0.7
    except ValueError:
        quiz["pass_mark"] = 0.7
    quiz["shuffle"] = settings.get("shuffle", "false").lower() == "true"
    if settings.get("draw", "").isdigit():
        quiz["draw"] = int(settings["draw"])
    quiz["questions"] = questions
    result.quiz = quiz
    return result


def _question_id(title: str, number: int, used: set[str]) -> str:
    base = title if ID_PATTERN.match(title or "") else slugify_id(title or "")
    base = base or f"q{number}"
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def _parse_matching(block: _Block, protected: str, body: str, fmt: str, warn) -> dict[str, Any]:
    """Pairs `=left -> right`; an answer without a left side (`= -> Chat`) is a distractor."""
    options = []
    distractors = []
    for marker, text in _split_answers(body):
        if marker != "=" or "->" not in text:
            where = protected.find(marker + text)
            line = block.line + protected[: max(where, 0)].count("\n")
            raise GiftError(line, "Bij een koppelvraag begint elk paar met '=' en heeft het de vorm "
                                  "'=links -> rechts'.")
        left, right = text.split("->", 1)
        right, feedback = _feedback_split(right)
        if not _clean(left, fmt):
            distractors.append(_clean(right, fmt))
            continue
        option = {"text": _clean(left, fmt), "match": _clean(right, fmt)}
        if feedback.strip():
            option["feedback"] = _clean(feedback, fmt)
        options.append(option)
    question: dict[str, Any] = {"type": "matching", "options": options}
    if distractors:
        question["distractors"] = distractors
    return question


def _parse_choice(body: str, fmt: str, warn) -> dict[str, Any]:
    answers = _split_answers(body)
    single = any(marker == "=" for marker, _ in answers)
    options = []
    for marker, raw in answers:
        weight, text = _weight_text(raw)
        text, feedback = _feedback_split(text)
        text = _clean(text, fmt)
        if single:
            correct = marker == "=" or weight == 100
            if weight is not None and 0 < weight < 100:
                warn(f"de gedeeltelijke score ({weight:g}%) bij '{text}' kan niet bij één goed antwoord; "
                     "dit antwoord telt als fout.")
        else:
            correct = weight is not None and weight > 0
        options.append({"text": text, "correct": correct, "feedback": _clean(feedback, fmt)})
    return {"type": "single" if single else "multiple", "options": options}


# --------------------------------------------------------------------------------------------------------------------
# Writing GIFT


def escape_gift(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _weight(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text


def quiz_to_gift(quiz: dict[str, Any], *, source: str = "") -> str:
    """Our quiz (as read from YAML and checked) to GIFT text."""
    lines = [f"// {quiz['title']}"]
    if source:
        lines.append(f"// Uit de EBW Leeromgeving: {source}. Moodle leest de regels '// ebw:' als commentaar.")
    lines += [
        f"// ebw:title {quiz['title']}",
        f"// ebw:pass_mark {_weight(float(quiz.get('pass_mark', 0.7)))}",
        f"// ebw:shuffle {'true' if quiz.get('shuffle') else 'false'}",
        *([f"// ebw:draw {int(quiz['draw'])}"] if quiz.get("draw") else []),
        "",
        f"$CATEGORY: $course$/top/{escape_gift(str(quiz['title']).replace('/', '-'))}",
        "",
    ]
    for question in quiz["questions"]:
        lines.extend(_question_to_gift(question))
        lines.append("")
    return "\n".join(lines)


def _question_to_gift(q: dict[str, Any]) -> list[str]:
    out: list[str] = [f"// ebw:group {q['group']}"] if q.get("group") else []
    qtype = q["type"]
    options = q["options"]
    if qtype == "matching":
        for index, option in enumerate(options, start=1):
            if option.get("feedback"):
                feedback = option["feedback"].replace("\\", "\\\\").replace("\n", "\\n")
                out.append(f"// ebw:feedback {index}: {feedback}")
    head = f"::{q['id']}::[markdown]{escape_gift(q['prompt'])}"
    explanation = f"####{escape_gift(q['explanation'])}" if q.get("explanation") else ""
    if qtype == "true_false":
        right = next(o for o in options if o["correct"])
        wrong = next(o for o in options if not o["correct"])
        letter = "T" if right["text"] == TRUE_FALSE_TEXTS[0] else "F"
        out.append(f"{head}{{{letter}#{escape_gift(wrong['feedback'])}#{escape_gift(right['feedback'])}"
                   f"{explanation}}}")
        return out
    out.append(head + "{")
    if qtype == "matching":
        for option in options:
            out.append(f"  ={escape_gift(option['text'])} -> {escape_gift(option['match'])}")
        for distractor in q.get("distractors") or []:
            out.append(f"  = -> {escape_gift(distractor)}")
    elif qtype == "single":
        for option in options:
            marker = "=" if option["correct"] else "~"
            if option["text"].startswith("%"):  # would read as a weight: state the weight explicitly
                marker += "%100%" if option["correct"] else "%0%"
            out.append(f"  {marker}{escape_gift(option['text'])}#{escape_gift(option['feedback'])}")
    elif qtype == "multiple":
        n_right = sum(1 for o in options if o["correct"])
        for option in options:
            weight = _weight(100 / n_right) if option["correct"] else "-100"
            out.append(f"  ~%{weight}%{escape_gift(option['text'])}#{escape_gift(option['feedback'])}")
    else:  # pragma: no cover - the registry has no other types yet
        raise ValueError(f"vraagtype {qtype} kan niet naar GIFT")
    if explanation:
        out.append(f"  {explanation}")
    out.append("}")
    return out
