"""Publishing the warehouse safely: paths with quotes, failures after publishing said as they are, a
damaged warehouse named with its way back, the previous published file kept, and quarantine kept
only for its retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from pathlib import Path

import duckdb
import pytest

from scorecard.pipeline import PlainSteps, PublishedWithFailures, RunOptions, RunSummary, run, write_run_log
from scorecard.publish.exports import export_marts
from scorecard.warehouse.build import WarehouseUnreadable, previous_path, start_build
from scorecard.warehouse.connect import connect

HEADER = "respondent_id,area_code,survey_year,influence\n"
# The second row's influence (9) is outside 1-4: it is quarantined.
ONE_GOOD_ONE_QUARANTINED = HEADER + "1,E06000023,2010,1\n2,E06000023,2010,9\n"


def raw_folder(root: Path) -> Path:
    ni7 = root / "raw" / "ni7"
    ni7.mkdir(parents=True)
    (ni7 / "survey.csv").write_text(ONE_GOOD_ONE_QUARANTINED)
    return root / "raw"


def run_once(raw: Path, warehouse: Path, **options) -> RunSummary:
    return run(RunOptions(raw_dir=raw, warehouse=warehouse, settle_seconds=0, **options), steps=PlainSteps(workers=1))


def fetch(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- paths holding a quote ------------------------------------------------------------------------


def test_export_marts_writes_into_a_folder_named_with_a_quote(tmp_path):
    folder = tmp_path / "o'brien"
    folder.mkdir()
    warehouse = folder / "scorecard.duckdb"
    with connect(warehouse) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.\"it's\" AS SELECT 'a'')--' AS value")
    written = export_marts(warehouse, folder / "exports")
    assert [path.name for path in written] == ["it's.parquet", "it's.csv"]
    with duckdb.connect() as con:
        assert con.execute("SELECT value FROM read_parquet(?)", [str(written[0])]).fetchall() == [("a')--",)]


def test_a_warehouse_in_a_folder_named_with_a_quote_publishes_exports_and_report(tmp_path):
    warehouse = tmp_path / "o'brien" / "scorecard.duckdb"
    summary = run_once(raw_folder(tmp_path), warehouse)
    assert (summary.rows_loaded, summary.rows_quarantined) == (1, 1)
    assert fetch(warehouse, "SELECT run_id FROM audit.run_log") == [(summary.run_id,)]
    assert {path.name for path in (warehouse.parent / "exports").glob("*.parquet")} >= {"ni7.parquet"}
    assert (warehouse.parent / "reports" / "index.html").is_file() and summary.pages_rendered


# ---- a failure after publishing -------------------------------------------------------------------


def test_exports_folder_that_is_a_file_says_the_warehouse_was_published(tmp_path):
    raw, warehouse = raw_folder(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    exports = warehouse.parent / "exports"
    exports.write_text("not a folder")

    with pytest.raises(PublishedWithFailures) as failure:
        run_once(raw, warehouse)

    run_id = failure.value.summary.run_id
    message = str(failure.value)
    assert message.startswith(f"published {warehouse} (run {run_id}); Parquet and CSV exports not written to {exports}: ")
    assert f"; report rebuilt in {warehouse.parent / 'reports'}" in message
    assert "unchanged" not in message
    assert repr(failure.value) == f"PublishedWithFailures({message!r})"  # what Prefect logs
    assert str(pickle.loads(pickle.dumps(failure.value))) == message  # as a Prefect state holds it
    assert fetch(warehouse, "SELECT run_id FROM audit.run_log") == [(run_id,)]
    assert (warehouse.parent / "reports" / "index.html").is_file()

    exports.unlink()  # the cause fixed, the next run writes the exports it could not
    summary = run_once(raw, warehouse)
    assert summary.files_skipped == 1 and (exports / "ni7.parquet").is_file()
    assert (exports / ".inputs-fingerprint").is_file()


def test_a_retried_publish_writes_the_run_log_row_once(tmp_path):
    build = start_build(tmp_path / "scorecard.duckdb", "run-1")
    summary = RunSummary(run_id="run-1", warehouse=str(tmp_path / "scorecard.duckdb"), raw_dir=str(tmp_path))
    started_at = dt.datetime(2024, 1, 1)
    write_run_log(build, summary, started_at)
    write_run_log(build, summary, started_at)
    assert fetch(build, "SELECT run_id FROM audit.run_log") == [("run-1",)]


# ---- a damaged warehouse, and the previous published file -----------------------------------------


def test_each_publish_keeps_the_outgoing_warehouse_as_previous(tmp_path):
    raw, warehouse = raw_folder(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    first = run_once(raw, warehouse)
    assert not previous_path(warehouse).exists()  # nothing was replaced
    first_published = sha(warehouse)

    second = run_once(raw, warehouse)
    assert sha(previous_path(warehouse)) == first_published
    assert fetch(previous_path(warehouse), "SELECT run_id FROM audit.run_log") == [(first.run_id,)]
    assert fetch(warehouse, "SELECT run_id FROM audit.run_log ORDER BY started_at") == [(first.run_id,), (second.run_id,)]

    second_published = sha(warehouse)
    run_once(raw, warehouse)
    assert sha(previous_path(warehouse)) == second_published  # the older one replaced
    assert sorted(path.name for path in warehouse.parent.glob("scorecard.duckdb*")) == [
        "scorecard.duckdb",
        "scorecard.duckdb.lock",
        "scorecard.duckdb.previous",
    ]
    assert not list(warehouse.parent.glob(".scorecard.duckdb.*"))  # no build or staging file left


@pytest.mark.parametrize(
    "damage, duckdb_says",
    [
        (lambda data: b"garbage" * 100, "not a valid DuckDB database file"),
        (lambda data: data[:5000], "Could not read enough bytes"),
    ],
    ids=["garbage", "cut-short"],
)
def test_a_damaged_warehouse_is_named_with_its_way_back_and_full_refresh_recovers(tmp_path, damage, duckdb_says):
    raw, warehouse = raw_folder(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    first = run_once(raw, warehouse)
    run_once(raw, warehouse)
    last_good_backup = sha(previous_path(warehouse))
    warehouse.write_bytes(damage(warehouse.read_bytes()))
    damaged = sha(warehouse)

    with pytest.raises(WarehouseUnreadable) as failure:
        run_once(raw, warehouse)
    message = str(failure.value)
    assert message.startswith(f"the published warehouse {warehouse} cannot be opened (")
    assert duckdb_says in message and ".building" not in message  # DuckDB's words, about the published file
    assert "`scorecard run --full-refresh`" in message
    assert f"kept with its audit history as {previous_path(warehouse)}" in message
    assert sha(warehouse) == damaged and sha(previous_path(warehouse)) == last_good_backup
    assert not list(warehouse.parent.glob(".scorecard.duckdb.*"))

    recovered = run_once(raw, warehouse, full_refresh=True)
    assert (recovered.files_loaded, recovered.rows_loaded, recovered.rows_quarantined) == (1, 1, 1)
    assert fetch(warehouse, "SELECT run_id FROM audit.run_log") == [(recovered.run_id,)]
    assert sha(previous_path(warehouse)) == last_good_backup  # the damaged file did not replace it
    assert fetch(previous_path(warehouse), "SELECT run_id FROM audit.run_log") == [(first.run_id,)]


def test_a_damaged_warehouse_without_a_previous_file_does_not_offer_one(tmp_path):
    raw, warehouse = raw_folder(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    warehouse.write_bytes(b"\x00" * 4096)
    with pytest.raises(WarehouseUnreadable, match="--full-refresh") as failure:
        run_once(raw, warehouse)
    assert ".previous" not in str(failure.value)


# ---- quarantine retention -------------------------------------------------------------------------


def age_runs(warehouse: Path, days: int) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"UPDATE audit.run_log SET started_at = started_at - INTERVAL {days} DAY")


def test_quarantined_records_are_purged_after_their_retention_and_the_summary_says_how_many(tmp_path):
    raw, warehouse = raw_folder(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    first = run_once(raw, warehouse)
    assert first.rows_quarantined == 1 and first.quarantine_purged == 0
    age_runs(warehouse, 300)

    kept = run_once(raw, warehouse)  # 300 days old, within the default 365
    assert kept.quarantine_purged == 0
    assert fetch(warehouse, "SELECT run_id FROM audit.quarantine") == [(first.run_id,)]

    purged = run_once(raw, warehouse, keep_quarantine_days=299)
    assert purged.quarantine_purged == 1
    assert "1 record(s) past their retention purged" in purged.markdown()
    assert fetch(warehouse, "SELECT count(*) FROM audit.quarantine") == [(0,)]
    assert fetch(warehouse, "SELECT quarantine_purged FROM audit.run_log ORDER BY started_at") == [(0,), (0,), (1,)]
    # The counts stay: the load log still says the file had a quarantined row.
    assert fetch(warehouse, "SELECT rows_quarantined FROM audit.load_log WHERE status = 'loaded'") == [(1,)]


def test_a_warehouse_from_before_the_purge_column_gains_it(tmp_path):
    warehouse = tmp_path / "scorecard.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA audit")
        con.execute(
            "CREATE TABLE audit.run_log (run_id VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, "
            "status VARCHAR NOT NULL, raw_dir VARCHAR NOT NULL, files_loaded INTEGER NOT NULL, files_skipped INTEGER NOT NULL, "
            "files_rejected INTEGER NOT NULL, rows_loaded INTEGER NOT NULL, rows_quarantined INTEGER NOT NULL, "
            "rows_duplicate INTEGER NOT NULL)"
        )
        con.execute("INSERT INTO audit.run_log VALUES ('old', '2020-01-01', '2020-01-01', 'completed', 'raw', 1, 0, 0, 5, 0, 0)")
    build = start_build(warehouse, "next")
    assert fetch(build, "SELECT run_id, quarantine_purged FROM audit.run_log") == [("old", 0)]


def test_a_negative_retention_is_refused_naming_the_limit(tmp_path):
    with pytest.raises(ValueError, match=r"keep_quarantine_days \(the quarantine retention\) must be 0 or more days, not -1"):
        run_once(raw_folder(tmp_path), tmp_path / "scorecard.duckdb", keep_quarantine_days=-1)
