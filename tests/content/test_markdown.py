"""Rendering of course text: CommonMark + tables, no raw HTML, containers, anchors, external links."""

from __future__ import annotations

import pytest

from ebw_training.content.markdown import CONTAINERS, slugify


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "Tekst met <b>vet</b> en <img src=x onerror=alert(1)>.",
    "<div class=\"x\">\n\nblok\n\n</div>",
    "<!-- commentaar -->",
])
def test_raw_html_is_shown_as_text_never_rendered(md, source):
    html = md.render(source)
    for tag in ("<script", "<b>", "<img", "<div", "<!--"):
        assert tag not in html
    assert "&lt;" in html


def test_dangerous_link_schemes_are_not_linked(md):
    html = md.render("[klik](javascript:alert(1)) en [data](data:text/html,x)")
    assert "href" not in html


def test_external_links_get_rel_noopener_and_internal_links_do_not(md):
    html = md.render("[toolkit](https://www.socialestabiliteit.nl/si-toolkit) en [modules](/modules) "
                     "en [oud](http://example.nl)")
    assert '<a href="https://www.socialestabiliteit.nl/si-toolkit" rel="noopener" class="external">' in html
    assert '<a href="http://example.nl" rel="noopener" class="external">' in html
    assert '<a href="/modules">modules</a>' in html


def test_tables_render_with_column_headers(md):
    html = md.render("| Evaluatie | Wanneer |\n|---|---|\n| plan | vooraf |\n")
    assert '<table class="table">' in html
    assert '<th scope="col">Evaluatie</th>' in html and "<td>vooraf</td>" in html


@pytest.mark.parametrize("name,label", list(CONTAINERS.items()))
def test_containers_with_and_without_title(md, name, label):
    html = md.render(f"::: {name} Een *titel*\nTekst in het blok.\n:::\n\n::: {name}\nZonder titel.\n:::\n")
    assert f'<div class="container-block {name}" role="note">' in html
    assert f'<p class="container-title">{label}: Een <em>titel</em></p>' in html
    assert f'<p class="container-title">{label}</p>' in html
    assert "<p>Tekst in het blok.</p>" in html and ":::" not in html


def test_container_title_cannot_inject_html(md):
    html = md.render("::: tip <script>x</script>\nTekst.\n:::\n")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_containers_nest_with_a_longer_fence(md):
    html = md.render(":::: let-op\nBuiten.\n\n::: example\nBinnen.\n:::\n::::\n")
    assert html.count("container-block") == 2
    assert html.index("let-op") < html.index("example")


def test_headings_get_dutch_friendly_unique_anchors(md):
    html = md.render("## Één ideële aanpak?\n\n### Wat & hoe\n\n### Wat & hoe\n")
    assert '<h2 id="een-ideele-aanpak">' in html
    assert '<h3 id="wat-en-hoe">' in html and '<h3 id="wat-en-hoe-1">' in html


@pytest.mark.parametrize("text,slug", [
    ("Wat is EBW?", "wat-is-ebw"),
    ("Één, twee & drie", "een-twee-en-drie"),
    ("Ĳsselmonde", "ijsselmonde"),
    ("café's en reünie", "cafe-s-en-reunie"),
    ("!!!", "sectie"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_render_inline_has_no_paragraph(md):
    assert md.render_inline("Een *korte* tekst") == "Een <em>korte</em> tekst"
    assert md.render_inline("") == "" and md.render("") == ""


def test_render_demoted_moves_headings_down(md):
    html = md.render_demoted("## Dia 1\n\n### Deel\n", 1)
    assert html.startswith('<h3 id="dia-1">') and '<h4 id="deel">' in html


def test_parse_module_splits_pages_at_h2_only_at_top_level(md):
    source = (
        "---\nslug: x\n---\n\n## Pagina een\n\nTekst.\n\n::: tip\n## Geen nieuwe pagina\n:::\n\n"
        "Tweede kop\n----------\n\nSetext is ook een h2.\n"
    )
    parsed = md.parse_module(source)
    assert parsed.front_matter == "slug: x"
    assert parsed.front_matter_line == 2
    assert [p.title for p in parsed.pages] == ["Pagina een", "Tweede kop"]
    assert [p.line for p in parsed.pages] == [5, 13]
    assert "Geen nieuwe pagina" in parsed.pages[0].html
    assert parsed.text_before_first_page is None


def test_page_title_is_plain_text(md):
    parsed = md.parse_module("---\nslug: x\n---\n## *Waarom* `EBW`?\n\nTekst.\n")
    assert parsed.pages[0].title == "Waarom EBW?"
