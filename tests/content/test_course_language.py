"""The shipped course at language level B1 and tied to the Toolkit EBW: abbreviations written out on first use in
every module, no sentence over 25 words, one term for the comparison group, sources at the end of every module,
captions of at most two lines of 42 characters."""

from __future__ import annotations

import re

import pytest

from .conftest import PROJECT_ROOT

MODULES = sorted((PROJECT_ROOT / "modules").glob("[0-9][0-9]-*.md"))
ABBREVIATIONS = ("EBW", "NCTV", "WODC", "RIVM", "OOV", "MDCO", "PGA", "ROR", "ESS", "SZW", "NJi")
WORDS_ABOVE_B1 = ("programmaevaluatie", "herijken", "stakeholders", "controlegroep")
MAX_WORDS = 25
TOOLKIT = "https://www.socialestabiliteit.nl/si-toolkit"  # the Toolkit EBW


def _body(path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---", 1)[1] if text.startswith("---") else text


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links: keep their text
    text = re.sub(r"^\s*(:::.*|\|.*\||#+ .*|[-*] |\d+\. )", " ", text, flags=re.M)
    return re.sub(r"[*_`>]", "", text)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_abbreviation_is_written_out_on_first_use(path):
    text = _plain(_body(path))
    for abbreviation in ABBREVIATIONS:
        first = re.search(rf"\b{abbreviation}\b", text)
        if first is None:
            continue
        written_out = text[max(0, first.start() - 1): first.end() + 1] == f"({abbreviation})"
        assert written_out, f"{path.name}: '{abbreviation}' is used before it is written out: " \
                            f"...{text[max(0, first.start() - 60): first.end() + 20]}..."


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_sentence_over_25_words_and_no_words_above_b1(path):
    long = []
    for paragraph in re.split(r"\n\s*\n", _body(path)):
        # a list item is a unit of its own (items often end with ';' rather than '.')
        units = re.split(r"\n\s*(?:[-*]|\d+\.)\s+", "\n" + paragraph)
        for unit in units:
            for sentence in re.split(r"(?<=[.!?:;])\s+", " ".join(_plain(unit).split())):
                if len(sentence.split()) > MAX_WORDS:
                    long.append(sentence)
    text = _plain(_body(path))
    assert not long, f"{path.name}: sentences over {MAX_WORDS} words: {long[:3]}"
    lowered = text.casefold()
    assert not [w for w in WORDS_ABOVE_B1 if w in lowered], path.name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_module_ends_with_sources_on_the_toolkit(path):
    body = _body(path)
    last_page = body.rsplit("\n## ", 1)[1]
    assert "### Bronnen en verder lezen" in last_page, path.name
    sources = last_page.split("### Bronnen en verder lezen", 1)[1]
    links = re.findall(r"\]\((https://[^)]+)\)", sources)
    assert any(link.startswith(TOOLKIT) for link in links), links


def test_captions_have_at_most_two_lines_of_42_characters():
    vtt = (PROJECT_ROOT / "media" / "intro-ebw.nl.vtt").read_text(encoding="utf-8")
    cues = [block.splitlines() for block in vtt.split("\n\n") if "-->" in block]
    assert len(cues) > 20
    for cue in cues:
        timing = next(i for i, line in enumerate(cue) if "-->" in line)
        text = [line for line in cue[timing + 1:] if line.strip()]
        assert 1 <= len(text) <= 2, cue
        assert all(len(line) <= 42 for line in text), cue
