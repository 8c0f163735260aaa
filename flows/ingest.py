"""One file through read → map → normalise → validate, with nothing lost.

Plain Python (no Prefect): the nightly flow runs `prepare_file` as a task per file, and
`scorecard validate` runs it directly. The result accounts for every data row of the file:
rows_read = good + quarantined + duplicate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.kinds import get_kind
from flows.mapping import RejectedFile, canonical_name, map_columns
from flows.normalise import normalise_frame
from flows.read import UnreadableFile, file_sha256, read_export
from flows.validate import Validator, quarantine_reasons

QUARANTINE_COLUMNS = ["run_id", "file_path", "row_number", "kind", "reasons", "record"]


@dataclass
class PreparedFile:
    file_path: str  # as recorded in the warehouse: relative to the raw folder
    kind: str
    sha256: str
    status: str  # 'loaded' (ready to load), 'rejected', or 'skipped_unchanged' (not read this run)
    message: str = ""
    rows_read: int = 0
    rows_duplicate: int = 0
    good: pd.DataFrame = field(default_factory=pd.DataFrame)  # canonical columns + row_number
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)  # row_number, reasons, record
    dropped_columns: list[str] = field(default_factory=list)

    @property
    def rows_quarantined(self) -> int:
        return len(self.quarantine)

    @property
    def rows_loaded(self) -> int:
        return len(self.good)


def records_as_json(frame: pd.DataFrame) -> pd.Series:
    """Each row's original values as one JSON object (vectorised through pandas' JSON writer)."""
    if len(frame.columns) == 0:
        return pd.Series("{}", dtype="str", index=frame.index)
    if frame.empty:
        return pd.Series([], dtype="str", index=frame.index)
    lines = frame.to_json(orient="records", lines=True, force_ascii=False).replace("\\/", "/").splitlines()
    return pd.Series(lines, index=frame.index, dtype="str")


def prepare_file(path: Path, kind_name: str, file_path: str, validator: Validator, sha256: str | None = None) -> PreparedFile:
    """Read, map, normalise and validate one export. Never raises for bad input: a file that cannot
    be used at all comes back 'rejected' with the reason."""
    kind = get_kind(kind_name)
    sha256 = sha256 or file_sha256(path)
    prepared = PreparedFile(file_path=file_path, kind=kind.name, sha256=sha256, status="loaded")
    try:
        export = read_export(path)
    except UnreadableFile as error:
        prepared.status, prepared.message = "rejected", str(error)
        return prepared
    prepared.rows_read = len(export.frame)
    try:
        mapped = map_columns(export.frame, kind)
    except RejectedFile as error:
        # Every row of a rejected file is quarantined with the file's reason, so it is accounted for.
        prepared.status, prepared.message = "rejected", str(error)
        kept = [header for header in export.frame.columns if canonical_name(header) in kind.columns]
        prepared.quarantine = pd.DataFrame(
            {
                "row_number": pd.RangeIndex(1, prepared.rows_read + 1),
                "reasons": f"file rejected: {error}",
                "record": records_as_json(export.frame[kept]).to_numpy(),
            }
        )
        return prepared
    prepared.dropped_columns = mapped.dropped_columns

    original = mapped.frame.reindex(columns=list(kind.columns))  # absent optional columns → missing
    original.insert(0, "row_number", pd.RangeIndex(1, len(original) + 1))
    # An exact repeat of an earlier row of the file (every column of the export, not just the
    # template's) is counted, not loaded and not validated.
    duplicate = export.frame.duplicated(keep="first").to_numpy()
    prepared.rows_duplicate = int(duplicate.sum())
    original = original[~duplicate]

    normalised = normalise_frame(original.drop(columns="row_number"), kind)
    normalised.insert(0, "row_number", original["row_number"])
    failures = validator.validate(normalised, kind.name)
    reasons = quarantine_reasons(failures, original)

    bad = normalised["row_number"].isin(reasons.index)
    prepared.good = normalised[~bad].reset_index(drop=True)
    quarantined = original[bad.to_numpy()]
    prepared.quarantine = pd.DataFrame(
        {
            "row_number": quarantined["row_number"].to_numpy(),
            "reasons": reasons.reindex(quarantined["row_number"]).to_numpy(),
            "record": records_as_json(quarantined.drop(columns="row_number")).to_numpy(),
        }
    )
    if prepared.dropped_columns:
        prepared.message = f"columns not in the {kind.name} template, not stored: {', '.join(prepared.dropped_columns)}"
    return prepared


def staging_rows(prepared: PreparedFile, run_id: str) -> pd.DataFrame:
    good = prepared.good.copy()
    good["source_file"] = prepared.file_path
    good["file_sha256"] = prepared.sha256
    good["run_id"] = run_id
    return good


def quarantine_rows(prepared: PreparedFile, run_id: str) -> pd.DataFrame:
    rows = prepared.quarantine.copy()
    rows.insert(0, "run_id", run_id)
    rows.insert(1, "file_path", prepared.file_path)
    rows.insert(3, "kind", prepared.kind)
    return rows[QUARANTINE_COLUMNS]


def load_log_row(prepared: PreparedFile, run_id: str, loaded_at) -> dict:
    return {
        "run_id": run_id,
        "file_path": prepared.file_path,
        "file_sha256": prepared.sha256,
        "kind": prepared.kind,
        "status": prepared.status,
        "rows_read": prepared.rows_read,
        "rows_loaded": prepared.rows_loaded,
        "rows_quarantined": prepared.rows_quarantined,
        "rows_duplicate": prepared.rows_duplicate,
        "message": prepared.message,
        "loaded_at": loaded_at,
    }


def describe_record(record: str) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in json.loads(record).items() if value is not None)
