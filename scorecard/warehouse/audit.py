"""The audit schema's retention."""

from __future__ import annotations

import datetime as dt

import duckdb


def purge_quarantine(con: duckdb.DuckDBPyConnection, loaded_before: dt.datetime) -> int:
    """Delete the quarantined records of runs that started before `loaded_before`; how many went.
    Their counts stay in audit.load_log. Records of a run missing from audit.run_log are kept."""
    (purged,) = con.execute(
        "DELETE FROM audit.quarantine WHERE run_id IN (SELECT run_id FROM audit.run_log WHERE started_at < ?)", [loaded_before]
    ).fetchone() or (0,)
    return int(purged)
