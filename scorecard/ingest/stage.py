"""One file through read → map → translate, into a Parquet landing file the loader validates.

Runs per file, in parallel (a Prefect task each), each on its own connection to the run's in-memory
DuckDB, whose memory limit spills to the run's scratch folder, so no file — however large — is held
in Python.
Never raises for bad input: a file that cannot be used comes back 'rejected' with the reason.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from scorecard.ingest.discover import SourceFile, file_version
from scorecard.ingest.mapping import (
    Mapping,
    RejectedFile,
    Source,
    canonical_name,
    dropped_columns,
    mapping_for,
    resolve_columns,
    translate_values,
    translates,
)
from scorecard.ingest.personal import masked_sql
from scorecard.ingest.read import Landed, ReadOptions, UnreadableFile, data_lines, land
from scorecard.kinds import Kind, get_kind
from scorecard.limits import STAGE_MEMORY_BYTES, duckdb_memory
from scorecard.warehouse.sql_text import distinct_values, quote_literal, temp_table_from

CHANGED_WHILE_READ = "the file changed or vanished while it was read; the next run reads it again"


@dataclass
class StagedFile:
    file_id: int  # this run's number for the file, part of every key while validating
    file_path: str  # as recorded in the warehouse: relative to the raw folder
    kind: str
    sha256: str
    status: str  # 'loaded' (ready to validate and load) or 'rejected'
    message: str = ""
    rows_read: int = 0
    tool: str | None = None
    # Parquet: file_id, row_number, excluded, duplicate, row_label and the template's columns as written
    landing: Path | None = None
    # Parquet: row_number, reasons, rules, record — every row of a file rejected after it was read
    rejected_rows: Path | None = None
    dropped_columns: list[str] = field(default_factory=list)
    personal_dropped: list[str] = field(default_factory=list)


_scratch_databases: dict[Path, duckdb.DuckDBPyConnection] = {}
_scratch_lock = threading.Lock()


def scratch_connection(scratch: Path) -> duckdb.DuckDBPyConnection:
    """A connection of its own (temporary tables are private to it) to the one in-memory DuckDB
    that every read of this run shares in this process: opening a database costs ~10 ms, and one
    memory limit bounds all the reads together."""
    with _scratch_lock:
        if scratch not in _scratch_databases:
            config: dict[str, str | bool | int | float | list[str]] = {
                "memory_limit": duckdb_memory(STAGE_MEMORY_BYTES),
                "temp_directory": str(scratch / "spill"),
            }
            _scratch_databases[scratch] = duckdb.connect(config=config)
        return _scratch_databases[scratch].cursor()


def close_scratch(scratch: Path) -> None:
    """Close this process's scratch database of a run (the run's reads are done)."""
    with _scratch_lock:
        database = _scratch_databases.pop(scratch, None)
    if database is not None:
        database.close()


def stage_file(source: SourceFile, file_id: int, mappings: list[Mapping], scratch: Path) -> StagedFile:
    """Read, map and translate one export into `scratch/<file_id>.parquet`, with the mapping whose
    `files` patterns match it (if any)."""
    kind = get_kind(source.kind)
    staged = StagedFile(file_id, source.file_path, kind.name, source.sha256, "loaded")
    if source.problem:
        staged.status, staged.message = "rejected", source.problem
        return staged
    mapping: Mapping | None = None
    mapping_problem: RejectedFile | None = None
    try:
        mapping = mapping_for(source.file_path, kind.name, mappings)
    except RejectedFile as problem:
        mapping_problem = problem
    options = ReadOptions(tuple(mapping.personal), mapping.date_order, mapping.postcode_lsoa) if mapping else ReadOptions()
    with scratch_connection(scratch) as con:
        try:
            landed = land(con, source.path, "landing", scratch, options)
        except UnreadableFile as error:
            # Its rows could not be told apart, so its lines are what the load log counts as read (and refused).
            staged.status, staged.message, staged.rows_read = "rejected", str(error), data_lines(source.path, error)
            return staged
        except OSError as error:  # vanished, unreadable or changed under us: the next run tries again
            staged.status, staged.message = "rejected", f"could not be read: {error.strerror or type(error).__name__}"
            return staged
        staged.rows_read, staged.tool, staged.personal_dropped = landed.rows, landed.layout.tool, landed.personal_dropped
        try:
            if mapping_problem:
                raise mapping_problem
            sources = resolve_columns(landed, landed.layout.id_column, landed.personal_dropped, kind, mapping, source.file_path, mappings)
        except RejectedFile as error:
            # Every row of a rejected file is quarantined with the file's reason, so it is accounted for.
            staged.status, staged.message = "rejected", str(error)
            staged.rejected_rows = write_rejected_rows(
                con, landed, kind, f"file rejected: {error}", scratch / f"{file_id}.rejected.parquet"
            )
            return staged
        staged.dropped_columns = dropped_columns(landed, sources)
        staged.landing = write_landing(con, landed, kind, sources, mapping, file_id, scratch / f"{file_id}.parquet")
    if changed_since_discovery(source):
        return StagedFile(file_id, source.file_path, kind.name, source.sha256, "rejected", CHANGED_WHILE_READ)
    notes = list(landed.notes)
    if staged.personal_dropped:
        notes.append(f"personal data dropped on reading: {', '.join(staged.personal_dropped)}")
    if staged.dropped_columns:
        notes.append(f"columns not in the {kind.name} template, not stored: {', '.join(staged.dropped_columns)}")
    staged.message = "; ".join(notes)
    return staged


def changed_since_discovery(source: SourceFile) -> bool:
    try:
        return file_version(source.path) != source.version
    except OSError:
        return True


def record_json(pairs: list[tuple[str, str]]) -> str:
    """SQL for a row's values as one JSON object, keys in order (missing values as null)."""
    if not pairs:
        return "'{}'::JSON"
    return f"json_object({', '.join(f'{quote_literal(key)}, {value}' for key, value in pairs)})"


def write_rejected_rows(con: duckdb.DuckDBPyConnection, landed: Landed, kind: Kind, reason: str, target: Path) -> Path:
    # the rows are kept as written, but never a value that looks like personal data
    kept = [(name, masked_sql(landed.cell(name))) for name in landed.names if canonical_name(name) in kind.columns]
    con.execute(
        f"COPY (SELECT row_number, {quote_literal(reason)} AS reasons, [{quote_literal(reason)}] AS rules, {record_json(kept)} AS record "
        f"FROM {landed.table}) TO {quote_literal(str(target))} (FORMAT parquet)"
    )
    return target


def write_landing(
    con: duckdb.DuckDBPyConnection,
    landed: Landed,
    kind: Kind,
    sources: dict[str, Source],
    mapping: Mapping | None,
    file_id: int,
    target: Path,
) -> Path:
    """The template's columns as written (after the mapping's label translations), with the flags
    the loader needs: not a respondent (`excluded`), and an exact repeat of an earlier row of the
    file (`duplicate`, over every kept column of the export, not just the template's)."""
    joins, columns = [], []
    for column in kind.columns:
        source = sources.get(column)
        if source is None:
            columns.append(f"NULL::VARCHAR AS {column}")
            continue
        value = f"l.{landed.cell(source.column)}" if source.column is not None else f"{quote_literal(str(source.constant))}::VARCHAR"
        if translates(column, kind, landed.layout.tool, mapping):
            table = translation_table(con, column, value, landed, kind, mapping)
            joins.append(f"LEFT JOIN {table} ON {table}.written = {value}")
            columns.append(f"CASE WHEN {value} IS NULL THEN NULL ELSE {table}.translated END AS {column}")
        else:
            columns.append(f"{value} AS {column}")
    cells = [f"l.{landed.cell(name)}" for name in landed.names]
    repeat = f"row_number() OVER (PARTITION BY {', '.join(cells)} ORDER BY l.row_number) > 1" if cells else "false"
    con.execute(
        f"COPY (SELECT {file_id} AS file_id, l.row_number, l.excluded, l.excluded IS NULL AND {repeat} AS duplicate, l.row_label, "
        f"{', '.join(columns)} FROM {landed.table} l {' '.join(joins)}) "
        f"TO {quote_literal(str(target))} (FORMAT parquet, COMPRESSION uncompressed)"  # scratch: read once, soon deleted
    )
    return target


def translation_table(con: duckdb.DuckDBPyConnection, column: str, value: str, landed: Landed, kind: Kind, mapping: Mapping | None) -> str:
    """A table written → translated for each distinct value of one column (translated once each)."""
    written = distinct_values(con, value, f"{landed.table} l")
    translated = translate_values(written, column, kind, landed.layout.tool, mapping)
    return temp_table_from(con, f"translate_{column}", pd.DataFrame({"written": written, "translated": translated.astype("str")}))
