"""End to end through the real Prefect flow (one Prefect test harness for the module)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import duckdb
import pytest

from flows.nightly import nightly

pytestmark = pytest.mark.flow

CONTRACT = {
    "audit.load_log": ["run_id", "file_path", "file_sha256", "kind", "status", "rows_read", "rows_loaded",
                       "rows_quarantined", "rows_duplicate", "message", "loaded_at"],
    "audit.quarantine": ["run_id", "file_path", "row_number", "kind", "reasons", "record"],
    "marts.ni7": ["area_code", "area_name", "survey_year", "respondents", "positive", "pct_positive", "ci_low", "ci_high", "suppressed"],
    "marts.indicator_scores": ["framework", "entity_code", "year", "indicator_id", "indicator_text", "score", "max_score", "basis",
                               "sector_score", "public_body_score", "agreed_score", "evidence_score"],
    "marts.scorecard_totals": ["framework", "entity_code", "year", "total_score", "max_score", "indicators_scored",
                               "indicators_disputed", "change", "direction_of_travel"],
}


def fetch(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def run(prefect_api, demo_raw, tmp_path):
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"

    def run_once(**options):
        return nightly(raw_dir=str(demo_raw), warehouse=str(warehouse), **options)

    run_once.warehouse = warehouse
    run_once.raw = demo_raw
    return run_once


def test_demo_run_publishes_the_contract_and_accounts_for_every_row(run):
    summary = run()
    assert (summary["files_loaded"], summary["files_skipped"], summary["files_rejected"]) == (12, 0, 1)
    assert (summary["rows_loaded"], summary["rows_quarantined"], summary["rows_duplicate"]) == (3553, 22, 1)
    warehouse = run.warehouse
    for table, columns in CONTRACT.items():
        schema, name = table.split(".")
        found = [c for (c,) in fetch(warehouse, f"SELECT column_name FROM information_schema.columns WHERE table_schema='{schema}' AND table_name='{name}' ORDER BY ordinal_position")]
        assert found[: len(columns)] == columns, table
    assert fetch(warehouse, "SELECT count(*) FROM audit.load_log WHERE rows_read <> rows_loaded + rows_quarantined + rows_duplicate") == [(0,)]
    assert fetch(warehouse, "SELECT sum(rows_read) FROM audit.load_log") == [(3576,)]
    assert fetch(warehouse, "SELECT count(*) FROM audit.quarantine") == [(22,)]
    staged = fetch(warehouse, """SELECT (SELECT count(*) FROM staging.ni7_responses) + (SELECT count(*) FROM staging.relationship_poll_responses)
        + (SELECT count(*) FROM staging.learner_survey_responses) + (SELECT count(*) FROM staging.employer_survey_responses)
        + (SELECT count(*) FROM staging.assessments)""")
    assert staged == [(3553,)]
    # lineage on every staged row
    assert fetch(warehouse, "SELECT count(*) FROM staging.ni7_responses WHERE source_file IS NULL OR row_number IS NULL OR file_sha256 IS NULL OR run_id IS NULL") == [(0,)]
    # figures from raw/README.md: Bristol NI7 2010 weighted 34.8%, Rushcliffe 2008 suppressed
    assert fetch(warehouse, "SELECT respondents, pct_positive FROM marts.ni7 WHERE area_code='E06000023' AND survey_year=2010") == [(121, 34.8)]
    assert fetch(warehouse, "SELECT suppressed, pct_positive FROM marts.ni7 WHERE area_code='E07000176' AND survey_year=2008") == [(True, None)]
    assert fetch(warehouse, "SELECT count(DISTINCT region_code) FROM marts.ni7_by_region WHERE region_code <> 'E92000001'") == [(6,)]
    assert (run.warehouse.parent / "data-docs" / "index.html").exists()
    assert not list(run.warehouse.parent.glob("*.building"))


def test_second_run_skips_everything_and_duplicates_nothing(run):
    run()
    before = fetch(run.warehouse, "SELECT * FROM marts.scorecard_totals ORDER BY ALL")
    staged_before = fetch(run.warehouse, "SELECT count(*) FROM staging.ni7_responses")
    summary = run()
    assert summary["files_loaded"] == 0 and summary["files_skipped"] == 12
    assert summary["rows_loaded"] == 0
    assert fetch(run.warehouse, "SELECT count(*) FROM staging.ni7_responses") == staged_before
    assert fetch(run.warehouse, "SELECT * FROM marts.scorecard_totals ORDER BY ALL") == before
    assert fetch(run.warehouse, "SELECT count(*) FROM audit.quarantine") == [(22,)]
    assert fetch(run.warehouse, "SELECT count(*) FROM audit.run_log") == [(2,)]


def test_changed_file_replaces_its_rows_while_a_reader_holds_the_old_warehouse(run):
    run()
    path = run.raw / "ni7" / "ni7_2008_results.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:101]), encoding="utf-8")  # header + the first 100 rows
    reader = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        old = reader.execute("SELECT count(*) FROM staging.ni7_responses WHERE source_file = 'ni7/ni7_2008_results.csv'").fetchall()
        summary = run()  # publishes while the reader is open
        assert summary["files_loaded"] == 1
        # the open reader keeps its snapshot
        assert reader.execute("SELECT count(*) FROM staging.ni7_responses WHERE source_file = 'ni7/ni7_2008_results.csv'").fetchall() == old
    finally:
        reader.close()
    new = fetch(run.warehouse, "SELECT count(*) FROM staging.ni7_responses WHERE source_file = 'ni7/ni7_2008_results.csv'")
    assert new == [(99,)]  # 100 rows minus the defect at row 37 (rows 112, 205, 301 are gone)
    assert fetch(run.warehouse, "SELECT row_number FROM audit.quarantine WHERE file_path = 'ni7/ni7_2008_results.csv'") == [(37,)]


def test_a_failed_run_leaves_the_published_warehouse_as_it_was(run, monkeypatch):
    run()
    published = sha(run.warehouse)
    (run.raw / "ni7" / "new.csv").write_text("respondent_id,area_code,survey_year,influence\n1,E06000023,2010,1\n")

    def crash_after_loading(*args, **kwargs):  # the build file already holds the new rows
        raise RuntimeError("SQL model crashed")

    with monkeypatch.context() as patch:
        patch.setattr("flows.nightly.transform", crash_after_loading)
        with pytest.raises(Exception, match="SQL model crashed"):
            run()
    assert sha(run.warehouse) == published
    assert not list(run.warehouse.parent.glob("*.building"))
    assert run()["files_loaded"] == 1  # the next run completes the work


def test_command_line_against_a_running_prefect_api(run, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    scorecard = os.path.join(os.path.dirname(sys.executable), "scorecard")
    done = subprocess.run([scorecard, "run", "--raw", str(run.raw), "--warehouse", str(run.warehouse)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "12 loaded, 0 skipped (unchanged), 1 rejected" in done.stdout
    assert "3553 loaded, 22 quarantined, 1 duplicate" in done.stdout
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    failed = subprocess.run([scorecard, "run", "--raw", str(run.raw), "--warehouse", str(blocked / "w.duckdb")], env=env, capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1
    assert "scorecard run failed" in failed.stderr
