"""Load prepared files into the build warehouse: staging rows with lineage, quarantine, load log.

One writer: the flow calls this once per run with every prepared file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from flows.discover import SourceFile
from flows.ingest import PreparedFile, load_log_row, quarantine_rows, staging_rows
from flows.warehouse import append_rows, connect, replace_file_rows


def load_files(
    build: Path,
    prepared: list[PreparedFile],
    skipped: list[tuple[SourceFile, str]],
    run_id: str,
) -> pd.DataFrame:
    """Write every prepared file (replacing what an earlier version of it left) and the run's load
    log in one transaction; return this run's load_log rows."""
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    unchanged = [
        PreparedFile(file_path=source.file_path, kind=source.kind, sha256=source.sha256, status="skipped_unchanged", message=reason)
        for source, reason in skipped
    ]
    log = pd.DataFrame([load_log_row(file, run_id, loaded_at) for file in prepared + unchanged])
    with connect(build) as con:
        con.execute("BEGIN TRANSACTION")
        for file in prepared:
            replace_file_rows(con, file.kind, file.file_path, staging_rows(file, run_id), quarantine_rows(file, run_id))
        if len(log):
            append_rows(con, "audit.load_log", log)
        con.execute("COMMIT")
    return log
