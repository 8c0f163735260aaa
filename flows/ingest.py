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
from flows.mapping import Mapping, RejectedFile, canonical_name, map_columns, mapping_for
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
    personal_dropped: list[str] = field(default_factory=list)
    tool: str | None = None
    validation: object = None  # Great Expectations' suite result, for the run's Data Docs

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


def prepare_file(
    path: Path,
    kind_name: str,
    file_path: str,
    validator: Validator,
    sha256: str | None = None,
    mappings: list[Mapping] = (),
) -> PreparedFile:
    """Read, map, normalise and validate one export, with the mapping whose `files` patterns match
    `file_path` (if any). Never raises for bad input: a file that cannot be used at all comes back
    'rejected' with the reason."""
    kind = get_kind(kind_name)
    sha256 = sha256 or file_sha256(path)
    prepared = PreparedFile(file_path=file_path, kind=kind.name, sha256=sha256, status="loaded")
    try:
        mapping, mapping_problem = mapping_for(file_path, kind.name, list(mappings)), None
    except RejectedFile as problem:
        mapping, mapping_problem = None, problem
    try:
        export = read_export(path, **(mapping.read_options() if mapping else {}))
    except UnreadableFile as error:
        prepared.status, prepared.message = "rejected", str(error)
        return prepared
    prepared.rows_read = len(export.frame)
    prepared.tool = export.layout.tool
    try:
        if mapping_problem:
            raise mapping_problem
        mapped = map_columns(export, kind, mapping)
    except RejectedFile as error:
        # Every row of a rejected file is quarantined with the file's reason, so it is accounted for.
        prepared.status, prepared.message = "rejected", str(error)
        kept = [name for name in export.frame.columns if canonical_name(name) in kind.columns]
        prepared.quarantine = pd.DataFrame(
            {
                "row_number": pd.RangeIndex(1, prepared.rows_read + 1),
                "reasons": f"file rejected: {error}",
                "record": records_as_json(export.frame[kept]).to_numpy(),
            }
        )
        return prepared
    prepared.dropped_columns = mapped.dropped_columns
    prepared.personal_dropped = export.personal_dropped

    original = mapped.frame
    original.insert(0, "row_number", pd.RangeIndex(1, len(original) + 1))
    # Rows the tool marks as not respondents (previews, tests, spam, unsubmitted) are quarantined
    # with that reason and go no further.
    not_respondent = export.excluded.notna().to_numpy()
    # An exact repeat of an earlier response of the file (every kept column of the export, not just
    # the template's) is counted, not loaded and not validated.
    duplicate = export.frame.duplicated(keep="first").to_numpy() & ~not_respondent
    prepared.rows_duplicate = int(duplicate.sum())
    candidates = original[~duplicate & ~not_respondent]

    normalised = normalise_frame(candidates.drop(columns="row_number"), kind)
    normalised.insert(0, "row_number", candidates["row_number"])
    failures, prepared.validation = validator.validate(normalised, kind.name)
    reasons = pd.concat([
        pd.Series(export.excluded[not_respondent].to_numpy(), index=original["row_number"][not_respondent], dtype="str"),
        quarantine_reasons(failures, candidates),
    ]).sort_index()

    if export.row_labels:  # e.g. "Scores sheet, row 7: score must be …"
        labels = pd.Series(export.row_labels, index=original["row_number"].to_numpy(), dtype="str")
        reasons = labels.reindex(reasons.index) + ": " + reasons
    bad = normalised["row_number"].isin(reasons.index)
    prepared.good = normalised[~bad].reset_index(drop=True)
    quarantined = original[original["row_number"].isin(reasons.index).to_numpy()]
    prepared.quarantine = pd.DataFrame(
        {
            "row_number": quarantined["row_number"].to_numpy(),
            "reasons": reasons.reindex(quarantined["row_number"]).to_numpy(),
            "record": records_as_json(quarantined.drop(columns="row_number")).to_numpy(),
        }
    )
    notes = list(export.notes)
    if prepared.personal_dropped:
        notes.append(f"personal data dropped on reading: {', '.join(prepared.personal_dropped)}")
    if prepared.dropped_columns:
        notes.append(f"columns not in the {kind.name} template, not stored: {', '.join(prepared.dropped_columns)}")
    prepared.message = "; ".join(notes)
    return prepared


def staging_rows(prepared: PreparedFile, run_id: str) -> pd.DataFrame:
    good = prepared.good.copy()
    good["source_file"] = prepared.file_path
    good["file_sha256"] = prepared.sha256
    good["run_id"] = run_id
    return good


def quarantine_rows(prepared: PreparedFile, run_id: str) -> pd.DataFrame:
    if prepared.quarantine.empty:  # also a file rejected before any row was read
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    return prepared.quarantine.assign(run_id=run_id, file_path=prepared.file_path, kind=prepared.kind)[QUARANTINE_COLUMNS]


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
