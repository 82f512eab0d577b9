"""The SVG charts: valid, accessible, escaped, and drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from ebw_training.core.formatting import month
from ebw_training.reporting import charts
from ebw_training.reporting.queries import MunicipalityBar

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_municipality_chart_is_an_accessible_image(app_ctx):
    bars = [MunicipalityBar("GM0363", "Amsterdam", 4, 3), MunicipalityBar("GM0518", "'s-Gravenhage", 2, 0),
            MunicipalityBar("GM9998", "<script>alert(1)</script>", 1, 1)]
    svg = parse(charts.municipality_chart(bars))
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id and svg.find(f"{SVG}desc").get("id") == desc_id
    description = svg.find(f"{SVG}desc").text
    assert "Amsterdam: 3 van 4 afgerond (75,0 %)" in description
    assert "<script>" not in str(charts.municipality_chart(bars))  # escaped, and still valid XML
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]
    track = float(next(r.get("width") for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-track"))
    assert widths == [track * 0.75, track]  # 75 % and 100 %; 0 % draws no bar
    assert "style" not in str(charts.municipality_chart(bars))


def test_month_chart_scales_columns_and_labels_months(app_ctx):
    months = [(date(2026, 11, 1), 2), (date(2026, 12, 1), 0), (date(2027, 1, 1), 4)]
    svg = parse(charts.month_chart(months))
    assert svg.get("role") == "img"
    heights = [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]
    assert len(heights) == 2 and heights[1] == 2 * heights[0]
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert {"nov", "dec", "jan", "2026", "2027"} <= set(labels)
    assert "nov 2026: 2" in svg.find(f"{SVG}desc").text


def test_empty_charts_say_so(app_ctx):
    assert "Geen gegevens" in parse(charts.municipality_chart([])).find(f"{SVG}desc").text
    assert "Nog geen afgeronde trainingen" in parse(charts.month_chart([])).find(f"{SVG}desc").text


def test_month_names_follow_the_interface_language(app_ctx):
    from flask_babel import force_locale

    months = [(date(2026, 3, 1), 1), (date(2026, 10, 1), 2)]
    with force_locale("en"):
        labels = {text.text for text in parse(charts.month_chart(months)).iter(f"{SVG}text")}
        assert {"Mar", "Oct"} <= labels and not {"mrt", "okt"} & labels
        assert month(date(2026, 10, 1)) == "Oct 2026"
    with force_locale("nl"):
        labels = {text.text for text in parse(charts.month_chart(months)).iter(f"{SVG}text")}
        assert {"mrt", "okt"} <= labels
        assert month(date(2026, 10, 1)) == "okt 2026"
