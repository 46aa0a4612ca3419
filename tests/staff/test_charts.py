"""Dashboard charts are inline SVG that a strict CSP allows and that read without colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hashbank.staff.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_well_formed_svg_without_style_or_script():
    svg = bar_chart(title="Cases per day", labels=["1 Nov", "2 Nov"], series=[("cases", [3, 0])])
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert all(el.get("style") is None for el in root.iter())
    assert not any(el.tag in (f"{SVG}script", f"{SVG}style") for el in root.iter())
    assert root.find(f"{SVG}title").text == "Cases per day"
    assert "1 Nov 3" in root.find(f"{SVG}desc").text


def test_every_bar_carries_its_number_and_labels_are_escaped():
    svg = str(bar_chart(title="t", labels=["<b>"], series=[("a", [7]), ("b", [2])]))
    texts = [el.text for el in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "7" in texts and "2" in texts and "<b>" in texts  # parsed back from &lt;b&gt;
    assert "<b>" not in svg


def test_series_differ_by_pattern_not_only_colour_and_have_a_legend():
    svg = str(bar_chart(title="t", labels=["x"], series=[("acme", [1]), ("globex", [2])]))
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}pattern"))) == 1  # the second series is hatched
    assert {"acme", "globex"} <= {el.text for el in root.iter(f"{SVG}text")}


def test_empty_chart_still_renders():
    root = ET.fromstring(str(bar_chart(title="t", labels=[], series=[("x", [])])))
    assert root.find(f"{SVG}desc").text
