"""Markdown for course text: CommonMark + tables, no raw HTML, containers and heading anchors.

One configured renderer is built per load; everything is rendered once at start-up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

# Container name -> the Dutch label shown above its text.
CONTAINERS: dict[str, str] = {"tip": "Tip", "example": "Voorbeeld", "let-op": "Let op"}

_EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def slugify(text: str) -> str:
    """Dutch-friendly anchor: 'Één ideële aanpak?' -> 'een-ideele-aanpak' (accents dropped, ĳ -> ij)."""
    normalized = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in normalized if not unicodedata.combining(ch))
    ascii_text = ascii_text.lower().replace("&", " en ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "sectie"


def _render_container(md: MarkdownIt, name: str, label: str):
    def render(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        if token.nesting == 1:
            title = token.info.strip()[len(name):].strip()
            title_html = ""
            if title:
                title_html = ": " + md.renderInline(title)
            return (
                f'<div class="container-block {name}" role="note">\n'
                f'<p class="container-title">{escape(label)}{title_html}</p>\n'
            )
        return "</div>\n"

    return render


def _link_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if _EXTERNAL.match(href):
        token.attrSet("rel", "noopener")
        token.attrJoin("class", "external")
    return self.renderToken(tokens, idx, options, env)


def _table_open(self, tokens, idx, options, env) -> str:
    # Focusable so keyboard users can scroll a wide table; a named region so screen readers say what it is.
    return '<div class="table-wrap" tabindex="0" role="region" aria-label="Tabel (scrollbaar)">\n<table class="table">\n'


def _table_close(self, tokens, idx, options, env) -> str:
    return "</table>\n</div>\n"


def _th_open(self, tokens, idx, options, env) -> str:
    tokens[idx].attrSet("scope", "col")
    return self.renderToken(tokens, idx, options, env)


def build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(front_matter_plugin)
    for name, label in CONTAINERS.items():
        md.use(container_plugin, name=name, render=_render_container(md, name, label))
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify, permalink=False)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("th_open", _th_open)
    return md


@dataclass
class RawPage:
    title: str
    anchor: str
    html: Markup
    line: int  # of the "## " heading
    empty: bool


@dataclass
class ParsedModule:
    front_matter: str | None
    front_matter_line: int  # line of the first YAML line (below the opening ---)
    pages: list[RawPage] = field(default_factory=list)
    text_before_first_page: int | None = None  # line of text that is on no page
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, warning) about the Markdown


class ContentMarkdown:
    """The renderer handed to question types and exercise kinds (`markdown=` in their parse)."""

    def __init__(self) -> None:
        self.md = build_markdown()

    def _env(self) -> dict:
        return {}

    def render(self, text: str | None) -> Markup:
        """Block Markdown to safe HTML ('' for empty text)."""
        if not text:
            return Markup("")
        return Markup(self.md.render(str(text), self._env()))  # nosec B704 # markdown-it escapes (html=False)

    def render_inline(self, text: str | None) -> Markup:
        """One line of Markdown (emphasis, links, code) without a surrounding <p>."""
        if not text:
            return Markup("")
        return Markup(self.md.renderInline(str(text).strip(), self._env()))  # nosec B704 # html=False

    def render_demoted(self, text: str | None, levels: int) -> Markup:
        """Block Markdown with every heading `levels` lower (a transcript's '## ' becomes h3 under a page's h2)."""
        if not text:
            return Markup("")
        env = self._env()
        tokens = self.md.parse(str(text), env)
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + levels, 6)}"
        return Markup(self.md.renderer.render(tokens, self.md.options, env))  # nosec B704 # html=False

    def parse_module(self, source: str) -> ParsedModule:
        """Split a module file into its front matter and pages; line numbers are the file's own."""
        env = self._env()
        tokens = self.md.parse(source, env)
        parsed = ParsedModule(front_matter=None, front_matter_line=0)
        starts: list[int] = []
        for index, token in enumerate(tokens):
            if token.type == "front_matter" and index == 0:
                parsed.front_matter = token.content
                parsed.front_matter_line = (token.map[0] if token.map else 0) + 2
            elif token.type == "heading_open" and token.level == 0 and token.tag == "h2":
                starts.append(index)
            elif token.type == "heading_open" and token.tag == "h1":
                parsed.notes.append((_line(token), "Gebruik geen '# '-kop in de lestekst: de titel van de module "
                                                   "komt uit de front matter. Gebruik '## ' voor een nieuwe pagina "
                                                   "en '### ' voor een kopje binnen een pagina."))
            elif token.type == "inline" and token.content.lstrip().startswith(":::"):
                first_line = token.content.strip().split("\n", 1)[0]
                name = first_line.lstrip(":").strip().split(" ", 1)[0]
                known = ", ".join(CONTAINERS)
                if name:
                    parsed.notes.append((_line(token), f"Onbekend blok '::: {name}': gebruik {known}. "
                                                       "Nu staat de regel als gewone tekst op de pagina."))
                else:
                    parsed.notes.append((_line(token), "Losse regel ':::' zonder begin van een blok "
                                                       f"({known}). Nu staat die als gewone tekst op de pagina."))
        first = starts[0] if starts else len(tokens)
        for token in tokens[:first]:
            if token.type != "front_matter" and token.map is not None:
                parsed.text_before_first_page = token.map[0] + 1
                break
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
            heading, inline = tokens[start], tokens[start + 1]
            body = tokens[start + 3:end]
            html = self.md.renderer.render(body, self.md.options, env) if body else ""
            parsed.pages.append(
                RawPage(
                    title=_plain_text(inline),
                    anchor=str(heading.attrGet("id") or slugify(inline.content)),
                    html=Markup(html),  # nosec B704 # rendered by markdown-it with html=False
                    line=_line(heading),
                    empty=not body,
                )
            )
        return parsed


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def _plain_text(inline: Token) -> str:
    """The text of a heading without Markdown marks ('*Waarom* EBW?' -> 'Waarom EBW?')."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip() or inline.content.strip()
