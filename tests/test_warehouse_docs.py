"""The warehouse describes itself: every table, view and column of marts and audit (and the staging tables
analysts use) carries a comment, and docs/warehouse.md is what those comments say today."""

from __future__ import annotations

import pytest

from scorecard.warehouse import build as build_module
from scorecard.warehouse.build import ensure_schema, sql_files
from scorecard.warehouse.connect import connect
from scorecard.warehouse.describe import REFERENCE_FILE, missing_comments, reference
from scorecard.warehouse.transform import transform


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, frameworks):
    """Every model built (on no survey rows: the comments and columns do not depend on them)."""
    path = tmp_path_factory.mktemp("warehouse-docs") / "w.duckdb"
    with connect(path) as con:
        ensure_schema(con)
    transform(path, frameworks)
    return path


def test_every_mart_audit_and_analyst_staging_table_and_column_has_a_comment(warehouse):
    with connect(warehouse, read_only=True) as con:
        assert missing_comments(con) == []


def test_the_warehouse_reference_is_up_to_date(warehouse):
    with connect(warehouse, read_only=True) as con:
        written = reference(con)
    assert REFERENCE_FILE.read_text(encoding="utf-8") == written, (
        "docs/warehouse.md is out of date: run `python -m scorecard.warehouse.describe WAREHOUSE` on a freshly built warehouse"
    )


def test_a_comment_missing_is_named(warehouse, tmp_path):
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    with connect(copy) as con:
        con.execute("COMMENT ON COLUMN marts.ni7.pct_positive IS NULL")
        con.execute("COMMENT ON TABLE marts.measures IS NULL")
        assert missing_comments(con) == ["marts.measures", "marts.ni7.pct_positive"]


def test_models_of_merged_folders_may_not_share_a_run_order_number(tmp_path, monkeypatch):
    for folder, name in (("intermediate", "050_a.sql"), ("marts", "050_b.sql"), ("marts", "051_c.sql")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text("SELECT 1;", encoding="utf-8")
    monkeypatch.setattr(build_module, "SQL_DIR", tmp_path)
    with pytest.raises(RuntimeError, match=r"share a run-order number: intermediate/050_a\.sql, marts/050_b\.sql"):
        sql_files("intermediate", "marts")
    (tmp_path / "marts" / "050_b.sql").rename(tmp_path / "marts" / "052_b.sql")
    assert [p.name for p in sql_files("intermediate", "marts")] == ["050_a.sql", "051_c.sql", "052_b.sql"]
