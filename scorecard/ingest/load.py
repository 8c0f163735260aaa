"""Load staged files into the build warehouse, kind by kind, inside DuckDB: validate every new
file of a kind in one pass, then `INSERT … SELECT` the good rows into staging (with lineage), the
quarantined rows into audit.quarantine and one line per file into audit.load_log.

One writer: the flow calls this once per run, in one transaction. A file's earlier version is
replaced whole (its rows and its quarantine), also when the new version is rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from scorecard.ingest.discover import SourceFile
from scorecard.ingest.stage import StagedFile
from scorecard.ingest.validate import (
    BATCH,
    VERDICTS,
    KindValidation,
    Validator,
    batch_statistics,
    good_select,
    quarantine_select,
    validate_batch,
)
from scorecard.kinds import KINDS, Kind
from scorecard.limits import LOAD_MEMORY_BYTES, duckdb_memory
from scorecard.warehouse.connect import append_rows, connect
from scorecard.warehouse.sql_text import quote_literal


@dataclass
class LoadResult:
    log: pd.DataFrame  # this run's audit.load_log rows
    validations: list[KindValidation]  # per kind validated, for Data Docs


def parquet_list(paths: list[Path]) -> str:
    return "[" + ", ".join(quote_literal(str(path)) for path in paths) + "]"


def register_files(con: duckdb.DuckDBPyConnection, staged: list[StagedFile]) -> None:
    frame = pd.DataFrame(
        {"file_id": [f.file_id for f in staged], "file_path": [f.file_path for f in staged], "file_sha256": [f.sha256 for f in staged]}
    )
    con.register("load_files_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE load_files AS SELECT * FROM load_files_frame")
    con.unregister("load_files_frame")


def remove_earlier_versions(con: duckdb.DuckDBPyConnection, kind: Kind) -> None:
    con.execute(f"DELETE FROM {kind.staging_table} WHERE source_file IN (SELECT file_path FROM load_files)")
    con.execute("DELETE FROM audit.quarantine WHERE file_path IN (SELECT file_path FROM load_files)")


def load_rejected(con: duckdb.DuckDBPyConnection, kind: Kind, rejected: list[StagedFile], run_id: str) -> None:
    for file in rejected:
        if file.rejected_rows is None:
            continue  # rejected before any row was read
        con.execute(
            f"INSERT INTO audit.quarantine BY NAME SELECT ? AS run_id, ? AS file_path, row_number, ? AS kind, reasons, rules, record "
            f"FROM read_parquet({quote_literal(str(file.rejected_rows))})",
            [run_id, file.file_path, kind.name],
        )


def load_valid(
    con: duckdb.DuckDBPyConnection, kind: Kind, files: list[StagedFile], validator: Validator, run_id: str
) -> tuple[dict[int, dict], KindValidation]:
    """Validate and load the readable files of one kind; return file_id → row counts, and the validation."""
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {BATCH} AS SELECT * FROM read_parquet({parquet_list([f.landing for f in files if f.landing])})"
    )
    rules = validator.rules(kind.name)
    validate_batch(con, kind, rules, validator.legacy_areas)
    con.execute(
        f"INSERT INTO {kind.staging_table} BY NAME "
        f"SELECT g.* EXCLUDE (file_id), f.file_path AS source_file, f.file_sha256, ? AS run_id "
        f"FROM ({good_select()}) g JOIN load_files f USING (file_id)",
        [run_id],
    )
    con.execute(
        f"INSERT INTO audit.quarantine BY NAME SELECT ? AS run_id, f.file_path, q.row_number, ? AS kind, q.reasons, q.rules, q.record "
        f"FROM ({quarantine_select(kind)}) q JOIN load_files f USING (file_id)",
        [run_id, kind.name],
    )
    counts = con.execute(
        f"""
        SELECT file_id, sum(duplicate) AS duplicate, sum(quarantined) AS quarantined FROM (
            SELECT file_id, count(*) FILTER (WHERE duplicate) AS duplicate, 0 AS quarantined FROM {BATCH} GROUP BY file_id
            UNION ALL
            SELECT file_id, 0, count(*) FROM {VERDICTS} GROUP BY file_id
        ) GROUP BY file_id
        """
    ).fetchall()
    validation = KindValidation(kind.name, [file.file_path for file in files], batch_statistics(con, rules))
    return {file_id: {"duplicate": duplicate, "quarantined": quarantined} for file_id, duplicate, quarantined in counts}, validation


def load_log_row(
    file: StagedFile | SourceFile,
    run_id: str,
    loaded_at: dt.datetime,
    status: str,
    message: str,
    read: int = 0,
    quarantined: int = 0,
    duplicate: int = 0,
) -> dict:
    return {
        "run_id": run_id,
        "file_path": file.file_path,
        "file_sha256": file.sha256,
        "kind": file.kind,
        "status": status,
        "rows_read": read,
        "rows_loaded": read - quarantined - duplicate,
        "rows_quarantined": quarantined,
        "rows_duplicate": duplicate,
        "message": message,
        "loaded_at": loaded_at,
    }


def load_staged(
    con: duckdb.DuckDBPyConnection, staged: list[StagedFile], skipped: list[tuple[SourceFile, str]], run_id: str, validator: Validator
) -> LoadResult:
    """Load every staged file (replacing what an earlier version of it left) and write the run's
    load log, on an open connection (the caller owns the transaction)."""
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows, validations = [], []
    for kind in KINDS.values():
        of_kind = [file for file in staged if file.kind == kind.name]
        if not of_kind:
            continue
        register_files(con, of_kind)
        remove_earlier_versions(con, kind)
        rejected = [file for file in of_kind if file.status == "rejected"]
        load_rejected(con, kind, rejected, run_id)
        rows += [load_log_row(f, run_id, loaded_at, "rejected", f.message, f.rows_read, f.rows_read) for f in rejected]
        readable = [file for file in of_kind if file.status == "loaded"]
        if readable:
            outcome, validation = load_valid(con, kind, readable, validator, run_id)
            validations.append(validation)
            for file in readable:
                counts = outcome.get(file.file_id, {"duplicate": 0, "quarantined": 0})
                rows.append(
                    load_log_row(
                        file, run_id, loaded_at, "loaded", file.message, file.rows_read, counts["quarantined"], counts["duplicate"]
                    )
                )
    rows += [load_log_row(source, run_id, loaded_at, "skipped_unchanged", reason) for source, reason in skipped]
    log = pd.DataFrame(rows)
    if len(log):
        append_rows(con, "audit.load_log", log)
    return LoadResult(log=log, validations=validations)


def load_files(
    build: Path, staged: list[StagedFile], skipped: list[tuple[SourceFile, str]], run_id: str, validator: Validator
) -> LoadResult:
    """Load the run's staged files into the build warehouse in one transaction."""
    with connect(build) as con:
        con.execute(f"SET memory_limit = {quote_literal(duckdb_memory(LOAD_MEMORY_BYTES))}")
        con.execute("BEGIN TRANSACTION")
        result = load_staged(con, staged, skipped, run_id, validator)
        con.execute("COMMIT")
    return result
