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
    "audit.load_log": [
        "run_id",
        "file_path",
        "file_sha256",
        "kind",
        "status",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "rows_duplicate",
        "message",
        "loaded_at",
    ],
    "audit.quarantine": ["run_id", "file_path", "row_number", "kind", "reasons", "record"],
    "marts.ni7": ["area_code", "area_name", "survey_year", "respondents", "positive", "pct_positive", "ci_low", "ci_high", "suppressed"],
    "marts.indicator_scores": [
        "framework",
        "entity_code",
        "year",
        "indicator_id",
        "indicator_text",
        "score",
        "max_score",
        "basis",
        "sector_score",
        "public_body_score",
        "agreed_score",
        "evidence_score",
    ],
    "marts.scorecard_totals": [
        "framework",
        "entity_code",
        "year",
        "total_score",
        "max_score",
        "indicators_scored",
        "indicators_disputed",
        "change",
        "direction_of_travel",
    ],
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
        return nightly(raw_dir=str(demo_raw), warehouse=str(warehouse), **{"settle_seconds": 0, **options})

    run_once.warehouse = warehouse
    run_once.raw = demo_raw
    return run_once


def test_demo_run_publishes_the_contract_and_accounts_for_every_row(run):
    summary = run()
    assert (summary["files_loaded"], summary["files_skipped"], summary["files_rejected"]) == (16, 0, 1)
    assert (summary["rows_loaded"], summary["rows_quarantined"], summary["rows_duplicate"]) == (4870, 24, 1)
    warehouse = run.warehouse
    for table, columns in CONTRACT.items():
        schema, name = table.split(".")
        found = [
            c
            for (c,) in fetch(
                warehouse,
                f"SELECT column_name FROM information_schema.columns WHERE table_schema='{schema}' AND table_name='{name}' ORDER BY ordinal_position",
            )
        ]
        assert found[: len(columns)] == columns, table
    assert fetch(warehouse, "SELECT count(*) FROM audit.load_log WHERE rows_read <> rows_loaded + rows_quarantined + rows_duplicate") == [
        (0,)
    ]
    assert fetch(warehouse, "SELECT sum(rows_read) FROM audit.load_log") == [(4895,)]
    assert fetch(warehouse, "SELECT count(*) FROM audit.quarantine") == [(24,)]
    staged = fetch(
        warehouse,
        """SELECT (SELECT count(*) FROM staging.ni7_responses) + (SELECT count(*) FROM staging.relationship_poll_responses)
        + (SELECT count(*) FROM staging.learner_survey_responses) + (SELECT count(*) FROM staging.employer_survey_responses)
        + (SELECT count(*) FROM staging.assessments)""",
    )
    assert staged == [(4870,)]
    # lineage on every staged row
    assert fetch(
        warehouse,
        "SELECT count(*) FROM staging.ni7_responses WHERE source_file IS NULL OR row_number IS NULL OR file_sha256 IS NULL OR run_id IS NULL",
    ) == [(0,)]
    # figures from raw/README.md: Bristol NI7 2010 weighted 34.8%, Rushcliffe 2008 suppressed
    assert fetch(warehouse, "SELECT respondents, pct_positive FROM marts.ni7 WHERE area_code='E06000023' AND survey_year=2010") == [
        (121, 34.8)
    ]
    assert fetch(warehouse, "SELECT suppressed, pct_positive FROM marts.ni7 WHERE area_code='E07000176' AND survey_year=2008") == [
        (True, None)
    ]
    assert fetch(warehouse, "SELECT count(DISTINCT region_code) FROM marts.ni7_by_region WHERE region_code <> 'E92000001'") == [(6,)]
    assert (run.warehouse.parent / "data-docs" / "index.html").exists()
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:  # the run summary, as the Prefect UI shows it
        artifact = client.read_latest_artifacts()
    summaries = [a for a in artifact if a.key == "scorecard-run-summary"]
    assert summaries and "**Rows**: 4870 loaded, 24 quarantined, 1 duplicate" in summaries[0].data
    assert not list(run.warehouse.parent.glob("*.building"))


def test_second_run_skips_everything_and_duplicates_nothing(run):
    run()
    report = run.warehouse.parent / "reports" / "index.html"
    written = report.stat().st_mtime_ns
    before = fetch(run.warehouse, "SELECT * FROM marts.scorecard_totals ORDER BY ALL")
    staged_before = fetch(run.warehouse, "SELECT count(*) FROM staging.ni7_responses")
    summary = run()
    assert summary["files_loaded"] == 0 and summary["files_skipped"] == 16
    assert summary["rows_loaded"] == 0
    assert fetch(run.warehouse, "SELECT count(*) FROM staging.ni7_responses") == staged_before
    assert fetch(run.warehouse, "SELECT * FROM marts.scorecard_totals ORDER BY ALL") == before
    assert fetch(run.warehouse, "SELECT count(*) FROM audit.quarantine") == [(24,)]
    assert fetch(run.warehouse, "SELECT count(*) FROM audit.run_log") == [(2,)]
    assert report.stat().st_mtime_ns == written  # nothing the marts depend on changed: report and exports kept


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


def test_a_file_still_being_written_is_left_for_the_next_run(run):
    run()
    fresh = run.raw / "ni7" / "arriving.csv"
    fresh.write_text("respondent_id,area_code,survey_year,influence\n1,E06000023,2010,1\n")  # modified just now
    summary = run(settle_seconds=60)
    assert summary["settling"] == ["ni7/arriving.csv"] and summary["files_loaded"] == 0
    assert "ni7/arriving.csv" not in {f["file_path"] for f in summary["files"]}
    assert run()["files_loaded"] == 1  # once it has settled (here: settle_seconds=0) it loads


def test_a_failed_run_leaves_the_published_warehouse_as_it_was(run, monkeypatch):
    run()
    published = sha(run.warehouse)
    (run.raw / "ni7" / "new.csv").write_text("respondent_id,area_code,survey_year,influence\n1,E06000023,2010,1\n")

    def crash_after_loading(*args, **kwargs):  # the build file already holds the new rows
        raise RuntimeError("SQL model crashed")

    with monkeypatch.context() as patch:
        patch.setattr("scorecard.pipeline.transform", crash_after_loading)
        with pytest.raises(Exception, match="SQL model crashed"):
            run()
    assert sha(run.warehouse) == published
    assert not list(run.warehouse.parent.glob("*.building"))
    assert run()["files_loaded"] == 1  # the next run completes the work


def test_command_line_against_a_running_prefect_api(run, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    scorecard = os.path.join(os.path.dirname(sys.executable), "scorecard")
    done = subprocess.run(
        [scorecard, "run", "--raw", str(run.raw), "--warehouse", str(run.warehouse)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "16 loaded, 0 skipped (unchanged), 1 rejected" in done.stdout
    assert "4870 loaded, 24 quarantined, 1 duplicate" in done.stdout
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    failed = subprocess.run(
        [scorecard, "run", "--raw", str(run.raw), "--warehouse", str(blocked / "w.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert failed.returncode == 1
    assert "scorecard run failed" in failed.stderr


TOOL_FILES = {
    "qualtrics_ni7_canonical_tags.csv": "ni7",  # no mapping: export tags are the canonical names
    "limesurvey_ni7.csv": "ni7",
    "surveymonkey_relationship_poll.csv": "relationship_poll",
    "microsoft_forms_learner_survey.xlsx": "learner_survey",
    "kobotoolbox_learner_survey.csv": "learner_survey",
    "google_forms_employer_survey.csv": "employer_survey",
}
PERSONAL_VALUES = ["@example.org", "192.0.2.", "Ashworth", "Alice", "Kwarteng", "51.4545", "-2.5879", "52.93", "NG2 "]


@pytest.fixture
def tool_run(prefect_api, tmp_path):
    import shutil

    from conftest import TOOLS
    from scorecard.paths import MAPPINGS_DIR

    raw = tmp_path / "raw"
    for name, kind in TOOL_FILES.items():
        (raw / kind).mkdir(parents=True, exist_ok=True)
        shutil.copy(TOOLS / name, raw / kind / name)
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"

    def run_once():
        return nightly(raw_dir=str(raw), warehouse=str(warehouse), mappings_dir=str(MAPPINGS_DIR / "examples"), settle_seconds=0)

    run_once.raw, run_once.warehouse = raw, warehouse
    return run_once


def test_every_tool_layout_loads_end_to_end_into_the_marts(tool_run):
    summary = tool_run()
    outcome = {f["file_path"]: (f["status"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) for f in summary["files"]}
    assert outcome == {
        "ni7/qualtrics_ni7_canonical_tags.csv": ("loaded", 12, 11, 1),  # one Survey Preview
        "ni7/limesurvey_ni7.csv": ("loaded", 12, 11, 1),  # one response never submitted
        "relationship_poll/surveymonkey_relationship_poll.csv": ("loaded", 12, 12, 0),
        "learner_survey/microsoft_forms_learner_survey.xlsx": ("loaded", 12, 12, 0),
        "learner_survey/kobotoolbox_learner_survey.csv": ("loaded", 12, 12, 0),
        "employer_survey/google_forms_employer_survey.csv": ("loaded", 12, 12, 0),
    }
    w = tool_run.warehouse
    assert fetch(w, "SELECT reasons FROM audit.quarantine ORDER BY file_path") == [
        ("incomplete response: LimeSurvey submitdate is empty",),
        ("not a respondent: Qualtrics Survey Preview response",),
    ]
    # Qualtrics labels: 10 answers in the base (one don't know), 6 positive; LimeSurvey codes A1…A6 with weights
    assert fetch(w, "SELECT area_code, survey_year, respondents, positive, pct_positive FROM marts.ni7 ORDER BY area_code") == [
        ("E06000023", 2012, 10, 6, 60.0),
        ("E09000007", 2012, 10, 7, 75.0),
    ]
    assert fetch(
        w, "SELECT entity_code, base, suppressed FROM marts.evidence_measures WHERE measure = 'relationship_good_pct_agree' ORDER BY 1"
    ) == [("E06000023", 6, True), ("E09000007", 6, True)]
    assert fetch(w, "SELECT side, count(*) FROM staging.relationship_poll_responses GROUP BY side ORDER BY side") == [
        ("public_body", 4),
        ("sector", 8),
    ]
    assert fetch(
        w,
        "SELECT ukprn, survey_year, count(*), min(confidence_before), max(confidence_now) FROM staging.learner_survey_responses GROUP BY ALL ORDER BY 1",
    ) == [("10001465", 2024, 6, 1, 5), ("10004927", 2024, 6, 1, 5), ("10007924", 2023, 12, None, None)]
    assert fetch(w, "SELECT count(DISTINCT respondent_id), bool_and(respondent_id LIKE 'gf-%') FROM staging.employer_survey_responses") == [
        (12, True)
    ]
    # KoboToolbox home postcodes reduced to LSOAs through the mapping's postcode lookup, then dropped
    assert fetch(
        w, "SELECT count(home_lsoa), min(home_lsoa) FROM staging.learner_survey_responses WHERE source_file LIKE '%kobotoolbox%'"
    ) == [(12, "E01028354")]


def test_no_personal_data_reaches_the_warehouse_or_the_reports(tool_run):
    tool_run()
    with duckdb.connect(str(tool_run.warehouse), read_only=True) as con:
        tables = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()
        text = "\n".join(con.execute(f"SELECT * FROM {table}").df().to_csv() for (table,) in tables)
    docs = "\n".join(p.read_text(errors="ignore") for p in (tool_run.warehouse.parent / "data-docs").rglob("*.html"))
    for value in PERSONAL_VALUES:
        assert value not in text, value
        assert value not in docs, value


def test_google_forms_ids_are_stable_across_re_exports(tool_run):
    tool_run()
    ids = fetch(tool_run.warehouse, "SELECT row_number, respondent_id FROM staging.employer_survey_responses ORDER BY 1")
    path = tool_run.raw / "employer_survey" / "google_forms_employer_survey.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # the same answers, saved again
    summary = tool_run()
    assert summary["files_loaded"] == 1
    assert fetch(tool_run.warehouse, "SELECT row_number, respondent_id FROM staging.employer_survey_responses ORDER BY 1") == ids


def test_one_bad_file_never_stops_the_flow(prefect_api, tmp_path):
    raw = tmp_path / "raw" / "ni7"
    raw.mkdir(parents=True)
    (raw / "good.csv").write_text("respondent_id,area_code,survey_year,influence\n1,E06000023,2010,1\n2,E06000023,2010,2\n")
    (raw / "big_cell.csv").write_text(
        "respondent_id,area_code,survey_year,influence,org_type\n1,E06000023,2010,1," + "x" * 2_000_000 + "\n"
    )
    (raw / "binary.csv").write_bytes(bytes(range(256)) * 40)
    summary = nightly(raw_dir=str(tmp_path / "raw"), warehouse=str(tmp_path / "warehouse" / "scorecard.duckdb"), settle_seconds=0)
    files = {f["file_path"]: (f["status"], f["rows_loaded"]) for f in summary["files"]}
    assert files == {"ni7/good.csv": ("loaded", 2), "ni7/big_cell.csv": ("rejected", 0), "ni7/binary.csv": ("rejected", 0)}
    assert fetch(tmp_path / "warehouse" / "scorecard.duckdb", "SELECT status FROM audit.run_log") == [("completed",)]
