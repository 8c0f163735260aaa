"""Dashboards and people: Parquet exports, the HTML report (checked in headless Chromium), status,
and a DuckDB 1.x reader opening the published file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from browser import Page, chromium_path
from scorecard.cli import main
from flows.nightly import nightly
from scorecard.paths import PROJECT_ROOT

pytestmark = pytest.mark.flow
SCREENSHOTS = PROJECT_ROOT / "warehouse" / "screenshots"  # kept by CI as artefacts


@pytest.fixture(scope="module")
def published(prefect_api, tmp_path_factory):
    import shutil

    from conftest import DEMO_RAW

    root = tmp_path_factory.mktemp("report")
    shutil.copytree(DEMO_RAW, root / "raw", ignore=shutil.ignore_patterns("README.md"))
    warehouse = root / "warehouse" / "scorecard.duckdb"
    summary = nightly(raw_dir=str(root / "raw"), warehouse=str(warehouse), settle_seconds=0)
    return warehouse, summary


def test_every_mart_is_exported_as_parquet_row_for_row(published):
    warehouse, _ = published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()]
        assert len(marts) >= 16
        for table in marts:
            parquet = warehouse.parent / "exports" / f"{table}.parquet"
            assert parquet.exists(), table
            for left, right in ((f"marts.{table}", f"read_parquet('{parquet}')"), (f"read_parquet('{parquet}')", f"marts.{table}")):
                assert con.execute(f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT ALL SELECT * FROM {right})").fetchone() == (0,), table
    assert not list((warehouse.parent / "exports").glob(".*partial"))


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
    rushcliffe = (reports / "scorecards" / "compact_thriving_sector-E07000176-2010.html").read_text()
    assert '<span class="suppressed">suppressed</span>' in rushcliffe  # NI7 2008 base of 7 shown as suppressed, not 0
    assert "../data-docs/index.html" in (reports / "quality.html").read_text()


@pytest.mark.skipif(not chromium_path() and not os.environ.get("SCORECARD_REQUIRE_BROWSER"), reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("page, indicators, width", [
    ("compact_thriving_sector-E06000023-2010.html", 17, 1200),
    ("community_scorecard-10001465-2023.html", 10, 1200),
    ("compact_thriving_sector-E09000007-2011.html", 17, 390),  # a phone
])
def test_scorecard_page_in_headless_chromium(published, page, indicators, width):
    warehouse, _ = published
    path = warehouse.parent / "reports" / "scorecards" / page
    with duckdb.connect(str(warehouse), read_only=True) as con:
        framework, entity, year = page[:-5].rsplit("-", 2)
        total, maximum = con.execute("SELECT total_score, max_score FROM marts.scorecard_totals WHERE framework = ? AND entity_code = ? AND year = ?",
                                     [framework, entity, int(year)]).fetchone()
    with Page(path.as_uri(), width=width) as browser:
        assert browser.console_errors() == []
        assert browser.requests() == [path.as_uri()]  # the page itself, nothing else
        assert browser.evaluate("document.querySelector('#total .value').innerText") == f"{total} / {maximum}"
        visible = browser.evaluate("""[...document.querySelectorAll('#indicators tbody tr')]
            .filter(r => r.getBoundingClientRect().height > 0 && getComputedStyle(r).visibility === 'visible').length""")
        assert visible == indicators
        assert browser.evaluate("document.querySelector('svg[role=img] title').textContent").endswith("total by year")
        shot = browser.screenshot(SCREENSHOTS / f"{page[:-5]}-{width}px.png")
    assert shot.stat().st_size > 10_000


def test_status_reports_the_last_run_and_rejected_files(published, capsys):
    warehouse, summary = published
    assert main(["status", "--warehouse", str(warehouse), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["last_run"]["run_id"] == summary["run_id"]
    rejected = [f for f in facts["files"] if f["status"] == "rejected"]
    assert [f["file_path"] for f in rejected] == ["employer_survey/employer_feedback_no_ukprn.csv"]
    assert facts["top_quarantine_reasons"][0]["rows"] == 10 and facts["top_quarantine_reasons"][0]["reason"].startswith("file rejected: missing required column ukprn")
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    assert "rejected          employer_survey/employer_feedback_no_ukprn.csv" in capsys.readouterr().out


def test_a_duckdb_1x_reader_opens_the_published_warehouse(published, tmp_path):
    """The file is written with storage compatibility v1.1.0; prove it with DuckDB 1.1.3 installed
    from PyPI into a throwaway virtual environment."""
    warehouse, _ = published
    venv = tmp_path / "duckdb-1x"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "duckdb==1.1.3"], check=True, timeout=600)
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, con.execute('SELECT count(*) FROM marts.scorecard_totals').fetchone()[0], "
        "con.execute(\"SELECT pct_positive FROM marts.ni7 WHERE area_code = 'E06000023' AND survey_year = 2010\").fetchone()[0])"
    )
    out = subprocess.run([str(python), "-c", script, str(warehouse)], capture_output=True, text=True, check=True).stdout.split()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        totals = con.execute("SELECT count(*) FROM marts.scorecard_totals").fetchone()[0]
    assert out == ["1.1.3", str(totals), "34.8"]
