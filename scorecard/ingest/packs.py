"""Filled panel packs dropped in raw/assessment/ load as `assessment` rows: `read_pack` turns the
Scores sheet into the assessment template."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook

from scorecard.ingest.excel import excel_cell_text
from scorecard.limits import MAX_ROWS
from scorecard.packs import AGREEMENT_HEADER, INDICATOR_LIST_ROW, MARKER, META_ROWS, SCORE_HEADER, PackError, checksum


@dataclass
class Pack:
    framework: str
    entity: str
    year: str
    side: str
    frame: pd.DataFrame  # assessment template columns (text), one row per filled Scores row
    sheet_rows: list[int]  # the Scores sheet row of each frame row
    notes: list[str]


def is_pack(path: Path) -> bool:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:
        return False
    try:
        return "Instructions" in workbook.sheetnames and workbook["Instructions"]["A1"].value == MARKER
    finally:
        workbook.close()


def read_pack(path: Path) -> Pack:
    """The pack's Scores rows, streamed (a workbook is never loaded whole: read.py has checked its
    size), within the rows-per-file limit."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return pack_rows(workbook)
    finally:
        workbook.close()


def pack_rows(workbook: Workbook) -> Pack:
    meta = workbook["Instructions"]
    framework, entity, year, side, stamp = (str(meta[f"B{row}"].value or "").strip() for row in META_ROWS.values())
    ids = str(meta[f"B{INDICATOR_LIST_ROW}"].value or "").split(",")
    if stamp != checksum(framework, entity, year, side, ids):
        raise PackError(
            "Instructions sheet, rows 3-8: the pack's framework, entity, year or side were edited; "
            "generate a new pack with `scorecard panel-pack` rather than editing one"
        )
    if "Scores" not in workbook.sheetnames:
        raise PackError(f"the Scores sheet is missing (sheets: {', '.join(workbook.sheetnames)}); was it renamed?")
    sheet = workbook["Scores"]
    sheet.reset_dimensions()  # trust the cells, not the declared size
    rows = sheet.iter_rows(values_only=True)
    header = [str(value or "").strip() for value in next(rows, ())]
    expected = AGREEMENT_HEADER if side == "agreed" else SCORE_HEADER
    if header[: len(expected)] != expected:
        raise PackError(f"Scores sheet, row 1: columns were changed (expected {', '.join(expected)})")
    score_at, note_at = expected.index(expected[-2]), expected.index("note")
    records, sheet_rows, seen = [], [], []
    max_rows = MAX_ROWS.value()
    for number, cells in enumerate(rows, start=2):
        if number - 1 > max_rows:
            raise PackError(f"Scores sheet: more than {max_rows:,} rows: over {MAX_ROWS.named(max_rows)}")
        row = (*cells, *(None,) * (len(expected) - len(cells)))  # a streamed row ends at its last cell
        indicator = row[0]
        if indicator is None:
            continue
        seen.append(str(indicator))
        score, note = row[score_at], row[note_at]
        if score is None and note is None:
            continue  # this side proposes nothing for the indicator
        records.append(
            {
                "framework": framework,
                "entity_code": entity,
                "year": year,
                "indicator_id": str(indicator),
                "assessor": side,
                "score": None if score is None else str(score),
                "note": note,
            }
        )
        sheet_rows.append(number)
    missing = [i for i in ids if i not in seen]
    notes = [f"Scores sheet: indicator row(s) {', '.join(missing)} deleted from the pack"] if missing else []
    frame = pd.DataFrame(records, columns=["framework", "entity_code", "year", "indicator_id", "assessor", "score", "note"])
    frame = frame.map(excel_cell_text).astype("str")
    return Pack(framework, entity, year, side, frame, sheet_rows, notes)
