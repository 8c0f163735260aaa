"""Data Docs: no markup from a file name, no request to another host when opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser import Page, chromium_path
from scorecard.ingest.data_docs import offline
from scorecard.pipeline import RunOptions, run

HOSTILE_NAME = "<img src=x onerror=alert(1)>.csv"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data-docs")
    ni7 = root / "raw" / "ni7"
    ni7.mkdir(parents=True)
    (ni7 / HOSTILE_NAME).write_text("respondent_id,area_code,survey_year,influence\n1,E06000023,2010,1\n2,E06000023,2010,9\n")
    (ni7 / "ni7_2011.csv").write_text("respondent_id,area_code,survey_year,influence\n1,E06000023,2011,2\n")
    summary = run(RunOptions(raw_dir=root / "raw", warehouse=root / "warehouse" / "scorecard.duckdb", settle_seconds=0))
    assert summary.data_docs
    return Path(summary.data_docs).parent


def test_no_page_holds_markup_from_a_file_name(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 2
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "onerror" not in text and "<img src=x" not in text


def test_no_page_loads_anything_from_another_host(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8").lower()
        for marker in ("<script src=", "cdn.", "unpkg.com", "amazonaws.com", "googleapis"):
            assert marker not in text, (page.name, marker)


def test_the_index_lists_this_run_and_links_to_each_page(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "ni7" in index and "failed: rows quarantined" in index  # the influence of 9
    link = index.split('<a href="', 1)[1].split('"', 1)[0]
    assert (site / link).is_file()


def test_offline_keeps_the_page_and_uses_the_local_logo():
    page = (
        '<html><head><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/b.css"/>'
        '<script src="https://code.jquery.com/jquery.js"></script><script>$(x)</script></head>'
        '<body><img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1">'
        '<img src="//tracker.example/p.gif"><style>.a{background:url("https://x.example/i.png")} @import url(//x.example/c.css);</style><table><tr><td>kept</td></tr></table></body></html>'
    )
    result = offline(page, Path("validations/ni7/run/time/ni7-1-files.html"))
    assert "<td>kept</td>" in result
    assert 'src="../../../../static/images/logo-long.png"' in result
    assert "http" not in result and "tracker" not in result and "$(x)" not in result


@pytest.mark.skipif(
    not chromium_path() and not os.environ.get("SCORECARD_REQUIRE_BROWSER"),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
def test_opening_the_pages_requests_only_local_files(site):
    pages = [site / "index.html", *sorted((site / "validations").rglob("*.html"))[:1]]
    for page in pages:
        with Page(page.as_uri()) as browser:
            requests = browser.requests()
            assert requests and all(url.startswith("file://") for url in requests), requests
            assert browser.console_errors() == []
            assert browser.evaluate("document.body.innerText.length") > 100
