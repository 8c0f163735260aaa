"""`scorecard status`: what the published warehouse holds and what the last run did."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scorecard.warehouse.audit import QUARANTINE_RULES
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
            f"""SELECT reason, count(*) AS rows
               FROM (SELECT unnest({QUARANTINE_RULES}) AS reason FROM audit.quarantine)
               GROUP BY 1 ORDER BY rows DESC, reason LIMIT ?""",
            [top],
        ).fetchall()
    published = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return {
        "warehouse": str(path),
        "published_at": published.isoformat(timespec="seconds"),
        "last_run": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run.items()} if run else None,
        "files": files,
        "top_quarantine_reasons": [{"reason": reason, "rows": rows} for reason, rows in reasons],
    }
