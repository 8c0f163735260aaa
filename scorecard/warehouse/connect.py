"""Open the warehouse by path, and the few writes every stage shares (append, replace, the ledger)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

# Written so DuckDB 1.x readers (often bundled in BI tools) can open the published file.
STORAGE_COMPATIBILITY = "v1.1.0"


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    config: dict[str, str | bool | int | float | list[str]] = {} if read_only else {"storage_compatibility_version": STORAGE_COMPATIBILITY}
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    try:
        yield con
    finally:
        con.close()


def loaded_files(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """file_path → sha256 of the version whose rows the warehouse holds now."""
    rows = con.execute(
        """
        SELECT file_path, arg_max(file_sha256, loaded_at)
        FROM audit.load_log WHERE status = 'loaded'
        GROUP BY file_path
        """
    ).fetchall()
    return dict(rows)


def append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    con.register("new_rows", rows)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
    con.unregister("new_rows")


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    con.register("new_rows", rows)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM new_rows")
    con.unregister("new_rows")
