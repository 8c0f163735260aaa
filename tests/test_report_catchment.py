"""The report's "Your catchment" section on the demo: a provider's and an area's local profile beside
England and the region, a suppressed rural share, the plain reading, nearest neighbours, each measure's
own source files, and hostile values escaped on the page and formula-safe in the CSV."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from scorecard.publish.catchment import period_text, plain_reading
from scorecard.publish.report import build_report

KERNOW_2023 = "community_scorecard-10061317-2023"
BRISTOL_2010 = "compact_thriving_sector-E06000023-2010"
CAMDEN_2022 = "community_scorecard-10023139-2022"


@pytest.fixture(scope="module")
def demo(demo_warehouse) -> Path:
    """The demo run's folder: its warehouse and the report the run wrote beside it."""
    return demo_warehouse.parent


def page(demo: Path, name: str) -> str:
    return (demo / "reports" / "scorecards" / f"{name}.html").read_text(encoding="utf-8")


def section(text: str) -> str:
    return re.search(r'<section class="catchment[^"]*" aria-labelledby="catchment">.*?</section>', text, re.S).group()


def profile_row(text: str, label: str) -> list[str]:
    """The cells of one figure's row of the profile table, tags stripped."""
    table = re.search(r'<table id="catchment-profile">.*?</table>', text, re.S).group()
    row = next(r for r in re.findall(r"<tr>.*?</tr>", table, re.S) if label in r)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def test_a_rural_provider_shows_its_class_and_its_rural_learners_with_interval_and_base(demo):
    kernow = section(page(demo, KERNOW_2023))
    assert "Cornwall (E06000052), unitary authority, South West" in kernow
    assert "Mainly Rural (broad class: Predominantly Rural)" in kernow and "derived from 2011" not in kernow
    label, value, interval, *_ = profile_row(kernow, "Surveyed learners living in rural neighbourhoods")
    assert (value, interval) == ("52.7%", "44.7% to 60.7%") and "of 146 learners with a known home LSOA" in label
    assert profile_row(kernow, "Employment rate")[1:] == ["76.1%", "72.1% to 80.1%", "Jan–Dec 2023", "76.0%", "78.8%"]
    assert profile_row(kernow, "classed rural")[1:] == ["60.1%", "–", "", "17.0% computed", "30.2% computed"]
    assert "149 learners and 33 employers surveyed; 50–149 learners surveyed" in kernow
    assert "whose home district is also Predominantly Rural" in kernow  # the similar-place peers' class
    neighbours = re.findall(
        r"<tr><td class=\"num\">(\d)</td><td>([^<]+) <small>\((\d+)\)</small></td><td class=\"num\">([\d.]+)</td></tr>", kernow
    )
    assert neighbours == [
        ("1", "Breckland Community Learning (demo)", "10068732", "0.94"),
        ("2", "Moorland Sixth Form College (demo)", "10005810", "1.41"),
        ("3", "Lakes and Furness Skills (demo)", "10064420", "1.71"),
    ]


def test_the_plain_reading_is_made_from_the_figures(demo):
    assert (
        '<p class="reading" id="catchment-reading">Mainly rural district; employment rate similar to England; 9.6% of learners from the most deprived fifth of neighbourhoods.</p>'
        in page(demo, KERNOW_2023)
    )
    # Bristol 2010: 74.3% (71.6–77.0) against England's 70.3%, outside the interval
    assert '<p class="reading" id="catchment-reading">Urban district of cities and towns; employment rate above England.</p>' in page(
        demo, BRISTOL_2010
    )


def test_an_area_page_shows_its_class_and_employment_with_period_beside_england_and_region(demo):
    bristol = section(page(demo, BRISTOL_2010))
    assert "Urban with City and Town (broad class: Predominantly Urban)" in bristol
    assert profile_row(bristol, "Employment rate")[1:] == ["74.3%", "71.6% to 77.0%", "Jan–Dec 2010", "70.3%", "73.7%"]
    assert profile_row(bristol, "Median weekly pay")[1:4] == ["£397.90", "£374.50 to £421.30", "April 2010"]
    assert "Surveyed learners" not in bristol and "Nearest neighbours" not in bristol  # a provider's only
    notts = section(page(demo, "compact_thriving_sector-E10000024-2011"))
    assert "Urban with Significant Rural (broad class: Urban with Significant Rural); derived from 2011 populations" in notts


def test_a_suppressed_rural_share_is_shown_as_suppressed_never_a_value(demo):
    camden = section(page(demo, CAMDEN_2022))  # 7 learners with a known LSOA in 2022
    label, value, interval, *_ = profile_row(camden, "Surveyed learners living in rural neighbourhoods")
    assert (value, interval) == ("suppressed", "–") and "of 7 learners" in label
    assert "most deprived fifth" not in camden  # its deprivation reach is suppressed too: left out of the reading
    csv = (demo / "reports" / "downloads" / f"{CAMDEN_2022}.catchment.csv").read_text(encoding="utf-8-sig")
    rural = next(line for line in csv.splitlines() if line.startswith("pct_learners_rural,"))
    assert rural.split(",")[2:5] == ["", "", ""] and ",true,7," in rural


def test_each_measure_definition_lists_its_own_source_files(demo):
    harbourside = page(demo, "community_scorecard-10001465-2023")
    with duckdb.connect(str(demo / "scorecard.duckdb"), read_only=True) as con:
        files = dict(
            con.execute(
                "SELECT kind, list(source_file ORDER BY source_file) FROM marts.entity_sources WHERE entity_code = '10001465' GROUP BY kind"
            ).fetchall()
        )
    learner = re.search(
        r'<dt id="measure-learner_satisfaction">.*?</dd>\s*<dd><span class="term">Files \(learner_survey\):</span>(.*?)</dd>',
        harbourside,
        re.S,
    ).group(1)
    assert re.findall(r"<code>([^<]+)</code>", learner) == files["learner_survey"]
    assert not set(files["employer_survey"]) & set(re.findall(r"<code>([^<]+)</code>", learner))


def test_hostile_catchment_values_are_escaped_and_formula_safe(demo, tmp_path):
    warehouse = tmp_path / "scorecard.duckdb"
    shutil.copy(demo / "scorecard.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "UPDATE marts.provider_catchment SET area_name = '<img src=x onerror=alert(1)>', employment_rate_period = '=HYPERLINK(\"x\")' WHERE ukprn = '10061317'"
        )
    build_report(warehouse, tmp_path / "reports")
    text = page(tmp_path, KERNOW_2023)
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    csv = (tmp_path / "reports" / "downloads" / f"{KERNOW_2023}.catchment.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv


def test_periods_in_words():
    assert period_text("2023-01-01/P1Y") == "Jan–Dec 2023"
    assert period_text("2022-04-01/P1Y") == "Apr 2022–Mar 2023"
    assert period_text("2023-04-19") == "April 2023"
    assert period_text("2010") == "2010" and period_text(None) == ""


@pytest.mark.parametrize(
    ("england", "deprived", "reading"),
    [
        (77.0, None, "Largely rural district; employment rate below England"),
        (72.5, None, "Largely rural district; employment rate similar to England"),
        (
            70.0,
            {"suppressed": False, "pct_most_deprived_20": 28.0},
            "Largely rural district; employment rate above England; 28.0% of learners from the most deprived fifth of neighbourhoods",
        ),
        (None, {"suppressed": True, "pct_most_deprived_20": None}, "Largely rural district"),
    ],
)
def test_the_plain_reading_compares_employment_only_outside_the_interval(england, deprived, reading):
    profile = {
        "area_type": "unitary authority",
        "ruc_class": "Largely Rural",
        "employment_rate": 73.0,
        "employment_rate_ci_low": 71.0,
        "employment_rate_ci_high": 75.0,
    }
    assert plain_reading(profile, {"employment_rate": england} if england is not None else None, deprived) == reading
