"""Parquet exports of every mart, for dashboards that read files rather than the warehouse."""

from __future__ import annotations

import os
from pathlib import Path

from scorecard.warehouse.connect import connect
from scorecard.warehouse.sql_text import quote_identifier


def export_marts(published: Path, exports_dir: Path) -> list[Path]:
    """Every marts table as Parquet in exports_dir, each file replaced atomically (written beside it,
    then renamed), so a dashboard reading an export never sees half a file nor holds the run up."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(published, read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name"
            ).fetchall()
        ]
        for table in tables:
            target = exports_dir / f"{table}.parquet"
            partial = exports_dir / f".{table}.parquet.partial"
            con.execute(f"COPY (SELECT * FROM marts.{quote_identifier(table)}) TO ? (FORMAT parquet)", [str(partial)])
            os.replace(partial, target)
            written.append(target)
    return written
