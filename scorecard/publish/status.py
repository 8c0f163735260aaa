"""`scorecard status`: what the published warehouse holds, what the last run did, and the runs before it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scorecard.warehouse.connect import connect


def warehouse_status(path: Path, top: int = 5) -> dict:
    with connect(path, read_only=True) as con:
        run = con.execute("SELECT * FROM audit.run_log ORDER BY finished_at DESC LIMIT 1").df().to_dict("records")
        run = run[0] if run else None
        files = (
            con.execute(
                """SELECT file_path, kind, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate, message
               FROM audit.load_log WHERE run_id = ? ORDER BY file_path""",
                [run["run_id"] if run else ""],
            )
            .df()
            .to_dict("records")
        )
        reasons = con.execute(
            "SELECT rule, sum(rows)::BIGINT AS rows FROM audit.quarantine_by_rule GROUP BY rule ORDER BY rows DESC, rule LIMIT ?",
            [top],
        ).fetchall()
    return {
        "warehouse": str(path),
        "published_at": published_at(path),
        "last_run": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run.items()} if run else None,
        "files": files,
        "top_quarantine_reasons": [{"reason": reason, "rows": rows} for reason, rows in reasons],
    }


def run_history(path: Path, runs: int) -> dict:
    """The last `runs` runs of audit.run_log, newest first: when (UTC), how long, and their totals."""
    with connect(path, read_only=True) as con:
        cursor = con.execute(
            """SELECT run_id, started_at, finished_at, round(epoch(finished_at - started_at), 1) AS duration_seconds,
                      files_loaded, files_skipped, files_rejected, rows_loaded, rows_quarantined, rows_duplicate,
                      status AS outcome
               FROM audit.run_log ORDER BY started_at DESC, finished_at DESC LIMIT ?""",
            [runs],
        )
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    return {
        "warehouse": str(path),
        "published_at": published_at(path),
        "runs": [
            {
                name: (value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else value)
                for name, value in zip(columns, row, strict=True)
            }
            for row in rows
        ],
    }


def published_at(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
