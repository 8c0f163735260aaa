"""Dashboards and people: the HTML report (checked in headless Chromium), status,
and a DuckDB 1.x reader opening the published file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape

from browser import Page, chromium_path, pdf_pages
from flows.nightly import nightly
from scorecard.cli import main
from scorecard.paths import PROJECT_ROOT
from scorecard.publish import report
from scorecard.publish.report import build_report

pytestmark = pytest.mark.flow
SCREENSHOTS = PROJECT_ROOT / "warehouse" / "screenshots"  # kept by CI as artefacts


@pytest.fixture(scope="module")
def published(prefect_api, tmp_path_factory):
    from conftest import DEMO_RAW

    root = tmp_path_factory.mktemp("report")
    shutil.copytree(DEMO_RAW, root / "raw", ignore=shutil.ignore_patterns("README.md"))
    warehouse = root / "warehouse" / "scorecard.duckdb"
    summary = nightly(raw_dir=str(root / "raw"), warehouse=str(warehouse), settle_seconds=0)
    return warehouse, summary


def test_report_pages_are_self_contained(published):
    warehouse, summary = published
    reports = warehouse.parent / "reports"
    assert summary["report"] == str(reports / "index.html")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        scorecards = con.execute("SELECT framework, entity_code, year FROM marts.scorecard_totals").fetchall()
    index = (reports / "index.html").read_text()
    for framework, entity, year in scorecards:
        page = reports / "scorecards" / f"{framework}-{entity}-{year}.html"
        assert page.exists() and f'href="scorecards/{framework}-{entity}-{year}.html"' in index
    for page in reports.rglob("*.html"):
        text = page.read_text()
        assert "<script" not in text
        assert not re.search(r'(src|href)="(https?:)?//', text), page  # nothing fetched from anywhere
    # Rushcliffe has NI7 evidence only, no panel scores: no Compact scorecard page
    assert not (reports / "scorecards" / "compact_thriving_sector-E07000176-2010.html").exists()
    small = (reports / "scorecards" / "community_scorecard-10023139-2022.html").read_text()
    assert '<span class="suppressed">suppressed</span>' in small  # learner survey base of 7 shown as suppressed, not 0
    assert "../data-docs/index.html" in (reports / "quality.html").read_text()


BRISTOL_2010 = "compact_thriving_sector-E06000023-2010"


def test_a_scorecard_page_shows_significance_trends_definitions_and_its_years(published):
    warehouse, _ = published
    page = (warehouse.parent / "reports" / "scorecards" / f"{BRISTOL_2010}.html").read_text()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ni7 = con.execute(
            """SELECT value, benchmark_label, benchmark_value, significance FROM marts.measure_comparisons
               WHERE entity_code = 'E06000023' AND survey_year = 2010 AND measure = 'ni7_pct_positive' AND benchmark = 'all_surveyed_areas'"""
        ).fetchone()
        method, suppression_rule = con.execute(
            "SELECT method, suppression_rule FROM marts.measures WHERE measure = 'ni7_pct_positive'"
        ).fetchone()
        thresholds = con.execute(
            "SELECT thresholds FROM marts.indicators WHERE framework = 'compact_thriving_sector' AND evidence_measure = 'ni7_pct_positive'"
        ).fetchone()[0]
    assert ni7 == (34.8, "all surveyed areas in England", 28.1, "similar")  # the demo's NI7 2010 for Bristol
    glance = re.search(r'<table id="glance">.*?</table>', page, re.S).group()
    row = re.search(r"<tr><th scope=\"row\">.*?NI7 % positive.*?</tr>", glance, re.S).group()
    assert "34.8%" in row and '<span class="sig sig-similar">≈ similar</span> <small>28.1%</small>' in row
    assert "all surveyed areas in England" in re.search(r'<div class="legend-box" id="legend">.*?</div>', page, re.S).group()
    assert '<a href="#measure-ni7_pct_positive">' in row  # the method one click away
    assert all(str(escape(text)) in page for text in (method, suppression_rule, thresholds))  # as the templates escape
    assert '<title id="trend-ni7_pct_positive-title">NI7 % positive: trend with 95% intervals</title>' in page
    assert '<a href="compact_thriving_sector-E06000023-2009.html" rel="prev">' in page
    assert '<a href="compact_thriving_sector-E06000023-2011.html" rel="next">' in page
    assert '<span aria-current="page">2010</span>' in page


def test_every_table_has_its_csv_download_beside_it(published):
    warehouse, _ = published
    reports = warehouse.parent / "reports"
    for page in reports.rglob("*.html"):
        text = page.read_text()
        links = re.findall(r'<a href="([^"]+\.csv)" download>', text)
        assert len(links) == len(re.findall(r"<table", text)), page  # one per table
        for link in links:
            assert (page.parent / link).resolve().is_file(), link
    with duckdb.connect(str(warehouse), read_only=True) as con:
        compared = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE marts.measure_comparisons)").fetchall()]
        benchmarks = set(
            con.execute(
                "SELECT benchmark_short_label, benchmark_label FROM marts.measure_comparisons WHERE entity_code = '10001465'"
            ).fetchall()
        )
    harbourside = (reports / "downloads" / "community_scorecard-10001465-2023.compared.csv").read_bytes().decode("utf-8")
    assert harbourside.split("\r\n")[0] == "\ufeff" + ",".join(compared)  # the mart's rows as they are, nothing of the page's own
    glance = re.search(
        r'<table id="glance">.*?</thead>', (reports / "scorecards" / "community_scorecard-10001465-2023.html").read_text(), re.S
    )
    legend = re.search(r'<dl class="benchmarks">.*?</dl>', glance.string, re.S).group()
    assert len(benchmarks) >= 4 and all(
        f'<th scope="col" class="benchmark">{escape(short)}</th>' in glance.group()
        and f"<dt>{escape(short)}</dt><dd>{escape(label)}</dd>" in legend
        for short, label in benchmarks
    )  # a short heading, defined in full in the legend
    text = (reports / "downloads" / f"{BRISTOL_2010}.indicators.csv").read_bytes().decode("utf-8")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [
            c
            for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicator_scores' ORDER BY ordinal_position"
            ).fetchall()
        ]
    assert text.startswith("\ufeff" + ",".join(columns) + "\r\n") and len(text.splitlines()) == 1 + 17


def test_the_index_lists_each_entity_once_per_framework_with_its_latest_total_and_every_year(published):
    warehouse, _ = published
    index = (warehouse.parent / "reports" / "index.html").read_text()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        entities = con.execute("SELECT count(DISTINCT (framework, entity_code)) FROM marts.scorecard_totals").fetchone()[0]
        latest = con.execute(
            """SELECT total_score, max_score, year FROM marts.scorecard_totals WHERE entity_code = 'E06000023' ORDER BY year DESC LIMIT 1"""
        ).fetchone()
    assert len(re.findall(r"<tr data-region=", index)) == entities
    bristol = re.search(r'<tr data-region="E12000009"><td>Bristol, City of <small>\(E06000023\)</small>.*?</tr>', index, re.S)
    assert f"{latest[0]} / {latest[1]} <small>({latest[2]})</small>" in bristol.group()
    links = re.findall(r'href="scorecards/([^"]+)"', bristol.group())
    assert links == [f"compact_thriving_sector-E06000023-{year}.html" for year in (2009, 2010, 2011)]


def chromium_required():
    return pytest.mark.skipif(
        not chromium_path() and not os.environ.get("SCORECARD_REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (.ci/run installs it)",
    )


@chromium_required()
@pytest.mark.parametrize(
    "page, indicators, width",
    [
        ("compact_thriving_sector-E06000023-2010.html", 17, 1280),
        ("community_scorecard-10001465-2023.html", 10, 1280),
        ("compact_thriving_sector-E06000023-2010.html", 17, 390),  # a phone
        ("community_scorecard-10001465-2023.html", 10, 390),
        ("compact_thriving_sector-E09000007-2011.html", 17, 390),
    ],
)
def test_scorecard_page_in_headless_chromium(published, page, indicators, width):
    warehouse, _ = published
    path = warehouse.parent / "reports" / "scorecards" / page
    with duckdb.connect(str(warehouse), read_only=True) as con:
        framework, entity, year = page[:-5].rsplit("-", 2)
        total, maximum = con.execute(
            "SELECT total_score, max_score FROM marts.scorecard_totals WHERE framework = ? AND entity_code = ? AND year = ?",
            [framework, entity, int(year)],
        ).fetchone()
        measures = con.execute("SELECT count(DISTINCT measure) FROM marts.measure_comparisons WHERE entity_code = ?", [entity]).fetchone()[
            0
        ]
    with Page(path.as_uri(), width=width) as browser:
        assert browser.console_errors() == []
        assert browser.requests() == [path.as_uri()]  # the page itself, nothing else
        assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")  # nothing scrolls sideways but tables in their box
        assert browser.evaluate("document.querySelector('#total .value').innerText") == f"{total} / {maximum}"
        visible = browser.evaluate("""[...document.querySelectorAll('#indicators tbody tr')]
            .filter(r => r.getBoundingClientRect().height > 0 && getComputedStyle(r).visibility === 'visible').length""")
        assert visible == indicators
        assert browser.evaluate("document.querySelector('svg[role=img] title').textContent").endswith("total by year")
        titles = browser.evaluate("[...document.querySelectorAll('svg')].map(s => s.querySelector('title')?.textContent.trim() || '')")
        assert len(titles) == 1 + measures and all(titles)  # the total and a trend per measure, each titled
        ids = browser.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
        assert len(ids) == len(set(ids))
        reading = browser.evaluate(
            "document.querySelector('#catchment-reading')?.getBoundingClientRect().height > 0 && document.querySelector('#catchment-reading').innerText"
        )
        assert reading and reading.endswith(".")  # your catchment: shown, with its plain reading
        legend = browser.evaluate("[...document.querySelectorAll('#legend .sig')].map(s => s.innerText)")
        assert legend[:5] == ["✔ better", "≈ similar", "✘ worse", "▲ higher", "▼ lower"]
        shot = browser.screenshot(SCREENSHOTS / f"{page[:-5]}-{width}px.png")
    assert shot.stat().st_size > 10_000


@chromium_required()
@pytest.mark.parametrize("width", [1280, 390])
def test_index_and_quality_pages_in_headless_chromium_and_the_region_filter(published, width):
    warehouse, _ = published
    reports = warehouse.parent / "reports"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        south_west = con.execute(
            "SELECT count(DISTINCT (framework, entity_code)) FROM marts.scorecard_totals WHERE region_code = 'E12000009'"
        ).fetchone()[0]
    assert south_west > 0
    count_rows = "[...document.querySelectorAll('tr[data-region]')].filter(r => r.getBoundingClientRect().height > 0).length"
    with Page((reports / "index.html").as_uri(), width=width) as browser:
        assert browser.console_errors() == [] and browser.requests() == [(reports / "index.html").as_uri()]
        assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")
        everyone = browser.evaluate(count_rows)
        browser.evaluate("document.querySelector('#region-E12000009').click()")
        assert browser.evaluate(count_rows) == south_west < everyone
        browser.evaluate("document.querySelector('#region-all').click()")
        assert browser.evaluate(count_rows) == everyone
    with Page((reports / "quality.html").as_uri(), width=width) as browser:
        assert browser.console_errors() == [] and browser.evaluate("document.documentElement.scrollWidth <= innerWidth")


@chromium_required()
def test_the_largest_scorecard_prints_on_two_a4_pages_with_the_disputed_box_and_totals_first(published, tmp_path):
    warehouse, _ = published
    pages = (warehouse.parent / "reports" / "scorecards").glob("*.html")
    largest = max(pages, key=lambda page: (page.read_text().count("<tr"), page.stat().st_size))
    assert 'class="discussion"' in largest.read_text()  # the demo's largest has indicators in dispute
    with Page(largest.as_uri()) as browser:
        pdf = browser.pdf(tmp_path / "scorecard.pdf").read_bytes()
    assert pdf_pages(pdf) == 2  # at most two: asserting the count the demo prints
    # Laid out with the print styles at the width of A4 less its margins (186 mm), the totals and the
    # disputed box end within the first page's height (273 mm).
    with Page(largest.as_uri(), width=round(186 / 25.4 * 96)) as browser:
        browser.print_media()
        bottoms = browser.evaluate(
            "['#total', '#direction', '.discussion'].map(s => document.querySelector(s).getBoundingClientRect().bottom)"
        )
    assert max(bottoms) < 273 / 25.4 * 96


def test_status_reports_the_last_run_and_rejected_files(published, capsys):
    warehouse, summary = published
    assert main(["status", "--warehouse", str(warehouse), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["last_run"]["run_id"] == summary["run_id"]
    rejected = [f for f in facts["files"] if f["status"] == "rejected"]
    assert [f["file_path"] for f in rejected] == ["employer_survey/employer_feedback_no_ukprn.csv"]
    assert facts["top_quarantine_reasons"][0]["rows"] == 10 and facts["top_quarantine_reasons"][0]["reason"].startswith(
        "file rejected: missing required column ukprn"
    )
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    assert "rejected          employer_survey/employer_feedback_no_ukprn.csv" in capsys.readouterr().out


def test_a_duckdb_1x_reader_opens_the_published_warehouse(published, tmp_path):
    """The file is written with storage compatibility v1.1.0; prove it with DuckDB 1.1.3 installed
    from PyPI into a throwaway virtual environment."""
    warehouse, _ = published
    venv = tmp_path / "duckdb-1x"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "duckdb==1.1.3"], check=True, timeout=600
    )
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, con.execute('SELECT count(*) FROM marts.scorecard_totals').fetchone()[0], "
        "con.execute(\"SELECT pct_positive FROM marts.ni7 WHERE area_code = 'E06000023' AND survey_year = 2010\").fetchone()[0])"
    )
    out = subprocess.run([str(python), "-c", script, str(warehouse)], capture_output=True, text=True, check=True).stdout.split()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        totals = con.execute("SELECT count(*) FROM marts.scorecard_totals").fetchone()[0]
    assert out == ["1.1.3", str(totals), "34.8"]


# ---- the report is incremental: a page is written again only when what it shows changed ---------

PUBLISHED_AT = re.compile(rb"Published \d{2} \w+ \d{4} \d{2}:\d{2} UTC")
# 2008 (NI7 evidence only, no panel scores) is no scorecard: the Compact framework publishes panel years only
BRISTOL = [f"scorecards/compact_thriving_sector-E06000023-{year}.html" for year in (2009, 2010, 2011)]
HARBOURSIDE = [f"scorecards/community_scorecard-10001465-{year}.html" for year in (2022, 2023)]
KERNOW = [f"scorecards/community_scorecard-10061317-{year}.html" for year in (2022, 2023)]


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file in the folder: inode, mtime and bytes (a file written again has a new inode: pages are replaced by rename)."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
        for path in folder.rglob("*")
        if path.is_file()
    }


def rewritten(before: dict, after: dict) -> set[str]:
    return {name for name in after if name.endswith(".html") and before.get(name) != after[name]}


def pages_shown(folder: Path) -> dict[str, bytes]:
    """Every page's bytes, but for the time it was published (a page not written again keeps its own)."""
    return {path.relative_to(folder).as_posix(): PUBLISHED_AT.sub(b"Published at", path.read_bytes()) for path in folder.rglob("*.html")}


@pytest.fixture
def warehouse_copy(published, tmp_path) -> Path:
    copy = tmp_path / "scorecard.duckdb"
    shutil.copy(published[0], copy)
    return copy


def test_a_second_build_with_nothing_changed_writes_nothing(published, tmp_path):
    warehouse, _ = published
    out = tmp_path / "reports"
    first = build_report(warehouse, out)
    assert first.pages[0] == out / "index.html" and out / "quality.html" in first.pages
    assert (first.rendered, first.kept, first.removed) == (len(first.pages), 0, 0)
    before = snapshot(out)
    assert ".manifest.json" in before
    second = build_report(warehouse, out)
    assert second.pages == first.pages
    assert (second.rendered, second.kept, second.removed) == (0, len(first.pages), 0)
    assert snapshot(out) == before  # not a byte, an mtime or an inode changed, the manifest's included


@pytest.mark.parametrize(
    "sql, expected",
    [
        pytest.param(
            "UPDATE marts.indicator_scores SET indicator_text = indicator_text || ' (revised)' "
            "WHERE entity_code = '10001465' AND year = 2023 AND position = 1",
            HARBOURSIDE[1:],
            id="an indicator: that scorecard's page",
        ),
        pytest.param(
            "UPDATE marts.scorecard_returns SET files = files || ', assessment/late_agreement.csv' "
            "WHERE entity_code = 'E06000023' AND year = 2010 AND assessor = 'agreed'",
            BRISTOL[1:2],
            id="panel scores returned: that scorecard's page",
        ),
        pytest.param(
            "UPDATE marts.assessment_notes SET note = note || ' (amended)' WHERE entity_code = '10001465' AND year = 2023",
            HARBOURSIDE[1:],
            id="a side's note: that scorecard's page",
        ),
        pytest.param(
            "UPDATE marts.scorecard_totals SET indicators_disputed = indicators_disputed + 1 "
            "WHERE entity_code = '10001465' AND year = 2022",
            [*HARBOURSIDE[:1], "index.html"],
            id="a count the history does not show: that page and the index",
        ),
        pytest.param(
            "UPDATE marts.scorecard_totals SET total_score = total_score - 1 WHERE entity_code = 'E06000023' AND year = 2009",
            [*BRISTOL, "index.html"],
            id="a total: every year's page of the entity (history) and the index",
        ),
        pytest.param(
            "UPDATE marts.measure_comparisons SET base = base + 1 WHERE entity_code = 'E06000023' AND survey_year = 2010",
            BRISTOL,
            id="survey evidence: every page of the entity",
        ),
        pytest.param(
            "INSERT INTO marts.entity_sources SELECT * REPLACE ('learner_survey/late.csv' AS source_file) "
            "FROM marts.entity_sources WHERE entity_code = '10001465' AND kind = 'learner_survey' LIMIT 1",
            HARBOURSIDE,
            id="a new source file: every page of the entity",
        ),
        pytest.param(
            "UPDATE marts.provider_catchment SET employment_rate = employment_rate + 0.1 WHERE ukprn = '10061317' AND survey_year = 2022",
            KERNOW,
            id="a provider's catchment: every page of the provider (each shows the year nearest at or before its own)",
        ),
        pytest.param(
            "UPDATE marts.area_context SET claimant_rate = claimant_rate + 0.1 "
            "WHERE framework = 'compact_thriving_sector' AND area_code = 'E06000023' AND year = 2010",
            BRISTOL[1:2],
            id="an area's catchment: that scorecard's page",
        ),
        pytest.param(
            "DELETE FROM marts.provider_nearest_neighbours WHERE ukprn = '10061317' AND survey_year = 2023 AND rank = 3",
            KERNOW,
            id="a nearest neighbour: every page of the provider",
        ),
        pytest.param(
            "DELETE FROM audit.quarantine WHERE file_path = 'ni7/ni7_2008_results.csv'", ["quality.html"], id="quarantine: the quality page"
        ),
    ],
)
def test_a_change_rewrites_exactly_the_pages_that_show_it(warehouse_copy, tmp_path, sql, expected):
    out = tmp_path / "reports"
    build_report(warehouse_copy, out)
    before = snapshot(out)
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(sql)
    result = build_report(warehouse_copy, out)
    assert rewritten(before, snapshot(out)) == set(expected)
    assert (result.rendered, result.kept, result.removed) == (len(expected), len(result.pages) - len(expected), 0)
    build_report(warehouse_copy, tmp_path / "from-scratch")
    assert pages_shown(out) == pages_shown(tmp_path / "from-scratch")  # nothing that changed was left out


@pytest.mark.parametrize(
    "sql, framework",
    [
        pytest.param(
            "UPDATE marts.measures SET method = method || ' (revised)' WHERE measure = 'ni7_pct_positive'",
            "compact_thriving_sector",
            id="an area measure's method: every area scorecard's page",
        ),
        pytest.param(
            "UPDATE marts.indicators SET thresholds = thresholds || ' (revised)' WHERE framework = 'community_scorecard' AND position = 1",
            "community_scorecard",
            id="an indicator's evidence rule: every page of its framework",
        ),
    ],
)
def test_a_changed_definition_rewrites_the_pages_that_show_it(warehouse_copy, tmp_path, sql, framework):
    out = tmp_path / "reports"
    build_report(warehouse_copy, out)
    before = snapshot(out)
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(sql)
        pages = con.execute("SELECT framework, entity_code, year FROM marts.scorecard_totals WHERE framework = ?", [framework]).fetchall()
    build_report(warehouse_copy, out)
    assert rewritten(before, snapshot(out)) == {f"scorecards/{f}-{e}-{y}.html" for f, e, y in pages} and len(pages) > 2
    assert "(revised)" in (out / f"scorecards/{'-'.join(map(str, pages[0]))}.html").read_text()


def test_downloads_are_written_and_removed_with_their_page(warehouse_copy, tmp_path):
    out = tmp_path / "reports"
    build_report(warehouse_copy, out)
    downloads = out / "downloads"
    indicators, disputed = (downloads / f"community_scorecard-10001465-2023.{table}.csv" for table in ("indicators", "disputed"))
    assert indicators.exists() and disputed.exists()

    indicators.unlink()  # a missing download: its page is written again, with it
    before = snapshot(out)
    result = build_report(warehouse_copy, out)
    assert result.rendered == 1 and indicators.exists() and rewritten(before, snapshot(out)) == {HARBOURSIDE[1]}

    with duckdb.connect(str(warehouse_copy)) as con:  # the panel agrees: the page loses its disputed table, and the table its CSV
        con.execute(
            "UPDATE marts.indicator_scores SET basis = 'agreed' WHERE entity_code = '10001465' AND year = 2023 AND basis = 'disputed'"
        )
    build_report(warehouse_copy, out)
    assert not disputed.exists() and indicators.exists() and "disputed.csv" not in (out / HARBOURSIDE[1]).read_text()

    with duckdb.connect(str(warehouse_copy)) as con:  # the scorecard goes: so do its page and every download
        con.execute("DELETE FROM marts.scorecard_totals WHERE entity_code = '10001465' AND year = 2023")
    build_report(warehouse_copy, out)
    assert not list(downloads.glob("community_scorecard-10001465-2023.*")) and list(downloads.glob("community_scorecard-10001465-2022.*"))
    manifest = json.loads((out / ".manifest.json").read_text())
    assert not [name for name in manifest if "10001465-2023" in name]
    assert sorted(name for name in manifest if name.startswith("downloads/")) == sorted(f"downloads/{p.name}" for p in downloads.iterdir())


def test_a_scorecard_gone_from_the_warehouse_loses_its_page(warehouse_copy, tmp_path):
    out = tmp_path / "reports"
    build_report(warehouse_copy, out)
    before = snapshot(out)
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("DELETE FROM marts.scorecard_totals WHERE entity_code = '10001465' AND year = 2023")
    result = build_report(warehouse_copy, out)
    assert result.removed == 1 and not (out / HARBOURSIDE[1]).exists() and out / HARBOURSIDE[1] not in result.pages
    assert rewritten(before, snapshot(out)) == {HARBOURSIDE[0], "index.html"}  # its history lost a year; the index a row
    assert HARBOURSIDE[1] not in json.loads((out / ".manifest.json").read_text())


def test_a_missing_page_is_written_again(published, tmp_path):
    warehouse, _ = published
    out = tmp_path / "reports"
    build_report(warehouse, out)
    (out / BRISTOL[0]).unlink()
    before = snapshot(out)
    result = build_report(warehouse, out)
    assert result.rendered == 1 and rewritten(before, snapshot(out)) == {BRISTOL[0]}


@pytest.mark.parametrize("edited", ["templates/base.html.j2", "report.py"])
def test_a_change_to_the_templates_or_the_report_code_rewrites_every_page(published, tmp_path, monkeypatch, edited):
    warehouse, _ = published
    code = tmp_path / "code"
    shutil.copytree(report.TEMPLATES, code / "templates")
    shutil.copy(report.SOURCE, code / "report.py")
    monkeypatch.setattr(report, "TEMPLATES", code / "templates")
    monkeypatch.setattr(report, "SOURCE", code / "report.py")
    out = tmp_path / "reports"
    build_report(warehouse, out)
    with (code / edited).open("a", encoding="utf-8") as file:
        file.write("{# edited #}" if edited.endswith(".j2") else "# edited\n")
    result = build_report(warehouse, out)
    assert (result.rendered, result.kept) == (len(result.pages), 0)


def test_a_build_that_dies_half_way_leaves_its_pages_to_the_next(warehouse_copy, tmp_path, monkeypatch):
    """Pages are rewritten before the manifest: one written by a build that died must not be taken for
    current by the next build even when the data has gone back to what the manifest was written from."""
    out = tmp_path / "reports"
    build_report(warehouse_copy, out)
    change = "UPDATE marts.scorecard_totals SET total_score = total_score {} 1 WHERE entity_code = '10001465' AND year = 2022"
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(change.format("+"))
    render = report.render

    def render_one_page_then_die(*args, **kwargs):
        monkeypatch.setattr(report, "render", dying)
        render(*args, **kwargs)

    def dying(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "render", render_one_page_then_die)
    with pytest.raises(KeyboardInterrupt):
        build_report(warehouse_copy, out)
    monkeypatch.setattr(report, "render", render)
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(change.format("-"))
    build_report(warehouse_copy, out)
    build_report(warehouse_copy, tmp_path / "from-scratch")
    assert pages_shown(out) == pages_shown(tmp_path / "from-scratch")


def test_a_page_name_is_a_safe_file_name_in_the_scorecards_folder():
    assert report.page_name(("compact_thriving_sector", "E09000007", 2012)) == "scorecards/compact_thriving_sector-E09000007-2012.html"
    for framework, entity in [("../../../../tmp/x/TRAV", "E09000007"), ("tiny", "/etc/passwd"), ("a\\b", "c\x00d"), ("..", "")]:
        name = report.page_name((framework, entity, 2012))
        assert re.fullmatch(r"scorecards/[A-Za-z0-9_]+-[A-Za-z0-9_]+-2012\.html", name), name


def test_a_build_in_batches_of_one_entity_writes_what_one_batch_writes(published, tmp_path, monkeypatch):
    warehouse, _ = published
    build_report(warehouse, tmp_path / "whole")
    monkeypatch.setattr(report, "ENTITIES_PER_BATCH", 1)
    batched = build_report(warehouse, tmp_path / "batched")
    assert batched.rendered == len(batched.pages) > 3

    def files(folder: Path) -> dict[str, str]:
        stamp = re.compile(r"\d{2} \w+ \d{4} \d{2}:\d{2} UTC")  # when the page was written
        return {
            str(path.relative_to(folder)): stamp.sub("", path.read_text(encoding="utf-8"))
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }

    assert files(tmp_path / "batched") == files(tmp_path / "whole")
