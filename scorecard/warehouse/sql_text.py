"""Values and names written into SQL text, quoted, and small tables handed to DuckDB from pandas."""

from __future__ import annotations

import duckdb
import pandas as pd


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_table(name: str) -> str:
    """`schema.table` or `table`, each part quoted (names containing dots are not supported)."""
    return ".".join(quote_identifier(part) for part in name.split("."))


def temp_table_from(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> str:
    """`frame` as the temporary table `table` of `con`."""
    con.register(f"{table}_frame", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_frame")
    con.unregister(f"{table}_frame")
    return table


def distinct_values(con: duckdb.DuckDBPyConnection, value: str, source: str) -> pd.Series:
    """The distinct non-null values of the SQL expression `value` over `source`, as text: a value
    table's keys, so a Python rule runs once per distinct value rather than once per row."""
    return con.execute(f"SELECT DISTINCT {value} AS written FROM {source} WHERE {value} IS NOT NULL").df()["written"].astype("str")
