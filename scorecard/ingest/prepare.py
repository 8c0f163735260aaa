"""Check one export without loading it: the same read, map, normalise and validate steps as the
nightly run, in a scratch folder and an in-memory DuckDB, with the outcome as pandas frames.

`scorecard validate` uses it; so do tests. The result accounts for every data row of the file:
rows_read = good + quarantined + duplicate.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from scorecard.ingest.discover import SourceFile, file_version
from scorecard.ingest.load import parquet_list
from scorecard.ingest.mapping import Mapping, RejectedFile, mapping_for, mappings_missing_the_file, resolve_columns, translates
from scorecard.ingest.personal import MASKED, PERSONAL_VALUE_PATTERN
from scorecard.ingest.read import UnreadableFile, file_sha256, read_export
from scorecard.ingest.stage import close_scratch, stage_file
from scorecard.ingest.validate import BATCH, Validator, good_select, quarantine_select, validate_batch
from scorecard.kinds import get_kind
from scorecard.warehouse.sql_text import quote_literal


@dataclass
class PreparedFile:
    file_path: str
    kind: str
    sha256: str
    status: str  # 'loaded' (would load) or 'rejected'
    message: str = ""
    rows_read: int = 0
    rows_duplicate: int = 0
    good: pd.DataFrame = field(default_factory=pd.DataFrame)  # row_number + the template's columns, normalised text
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)  # row_number, reasons, record
    dropped_columns: list[str] = field(default_factory=list)
    personal_dropped: list[str] = field(default_factory=list)
    tool: str | None = None

    @property
    def rows_quarantined(self) -> int:
        return len(self.quarantine)

    @property
    def rows_loaded(self) -> int:
        return len(self.good)


def prepare_file(
    path: Path, kind_name: str, file_path: str, validator: Validator, sha256: str | None = None, mappings: Sequence[Mapping] = ()
) -> PreparedFile:
    """Read, map, normalise and validate one export. Never raises for bad input: a file that
    cannot be used at all comes back 'rejected' with the reason."""
    kind = get_kind(kind_name)
    source = SourceFile(path, file_path, kind.name, sha256 or file_sha256(path), version=file_version(path))
    with tempfile.TemporaryDirectory(prefix="scorecard-check-") as scratch, duckdb.connect() as con:
        staged = stage_file(source, 0, list(mappings), Path(scratch))
        close_scratch(Path(scratch))
        prepared = PreparedFile(
            file_path,
            kind.name,
            source.sha256,
            staged.status,
            staged.message,
            staged.rows_read,
            dropped_columns=staged.dropped_columns,
            personal_dropped=staged.personal_dropped,
            tool=staged.tool,
        )
        if staged.rejected_rows is not None:
            prepared.quarantine = con.execute(
                f"SELECT row_number, reasons, record FROM read_parquet({quote_literal(str(staged.rejected_rows))}) ORDER BY row_number"
            ).df()
        if staged.landing is None:
            return prepared
        con.execute(f"CREATE TEMP VIEW {BATCH} AS SELECT * FROM read_parquet({parquet_list([staged.landing])})")
        validate_batch(con, kind, validator.rules(kind.name), validator.legacy_areas)
        prepared.good = con.execute(f"SELECT * EXCLUDE (file_id) FROM ({good_select()}) ORDER BY row_number").df()
        prepared.quarantine = con.execute(
            f"SELECT row_number, reasons, record::VARCHAR AS record FROM ({quarantine_select(kind)}) ORDER BY row_number"
        ).df()
        duplicates = con.execute(f"SELECT count(*) FROM {BATCH} WHERE duplicate").fetchone()
        prepared.rows_duplicate = duplicates[0] if duplicates else 0
    return prepared


def near_miss_mappings(prepared: PreparedFile, path: Path, kind_name: str, file_path: str, mappings: Sequence[Mapping]) -> list[Mapping]:
    """For a file rejected for missing columns with no mapping applied: the mappings whose columns
    fit it although their `files` patterns missed it."""
    if not prepared.message.startswith("missing required column") or mapping_for(file_path, kind_name, list(mappings)):
        return []
    return mappings_missing_the_file(read_export(path), get_kind(kind_name), file_path, mappings)


def records_as_written(quarantine: pd.DataFrame, path: Path, kind_name: str, file_path: str, mappings: Sequence[Mapping]) -> list[str]:
    """The quarantined rows' records with each value the mapping translated put back as the file
    wrote it (`A1`, not `sector`), masked where it looks like personal data, as the stored record is."""
    records = quarantine["record"].tolist()
    kind = get_kind(kind_name)
    try:
        mapping = mapping_for(file_path, kind.name, list(mappings))
        if mapping is None or quarantine.empty:
            return records
        export = read_export(path, **mapping.read_options())
        sources = resolve_columns(export, export.layout.id_column, export.personal_dropped, kind, mapping)
    except (RejectedFile, UnreadableFile, OSError):
        return records
    translated = {c: s.column for c, s in sources.items() if s.column is not None and translates(c, kind, export.layout.tool, mapping)}
    if not translated:
        return records
    rows = quarantine["row_number"].to_numpy() - 1
    written = export.frame.iloc[rows][list(translated.values())].set_axis(list(translated), axis=1)
    looks_personal = written.apply(lambda column: column.str.contains(PERSONAL_VALUE_PATTERN, regex=True).fillna(False).astype(bool))
    written = written.mask(looks_personal, MASKED)
    as_written = []
    for record, (_, values) in zip(records, written.iterrows(), strict=True):  # the rows shown, at most --limit
        fields = json.loads(record)
        fields.update({column: None if pd.isna(value) else value for column, value in values.items()})
        as_written.append(json.dumps(fields, ensure_ascii=False))
    return as_written


def describe_record(record: str) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in json.loads(record).items() if value is not None)
