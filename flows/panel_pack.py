"""Panel packs: Excel workbooks that go out to each side pre-filled with the evidence and come back
with that side's proposed scores — and the agreement pack for the meeting, with both sides' scores
side by side and a column for the agreed score. Filled packs dropped in raw/assessment/ load as
`assessment` rows: `read_pack` turns the Scores sheet into the assessment template.

A pack records its framework, entity, year and side on its protected Instructions sheet, with a
checksum of them and of the indicator list, so an edited pack is recognised and rejected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from flows.read import excel_cell_text
from flows.report import MEASURE_LABELS
from flows.warehouse import connect

MARKER = "Community scorecard panel pack"
SIDES = ("sector", "public_body", "agreed")
SIDE_NAMES = {"sector": "sector representatives", "public_body": "public bodies", "agreed": "the panel (agreed scores)"}
META_ROWS = {"framework": 3, "entity": 4, "year": 5, "side": 6, "checksum": 7}  # Instructions!B<row>
INDICATOR_LIST_ROW = 8
SCORE_HEADER = ["indicator_id", "indicator", "last year's score", "evidence suggests", "evidence", "your score (0-3)", "note"]
AGREEMENT_HEADER = ["indicator_id", "indicator", "status", "sector score", "sector note", "public bodies' score",
                    "public bodies' note", "evidence suggests", "agreed score (0-3)", "note"]
YELLOW = PatternFill("solid", fgColor="FFF2CC")


class PackError(ValueError):
    """A file that is a panel pack cannot be used as one (rejected whole, with the reason)."""


def checksum(framework: str, entity: str, year: int, side: str, indicators: list[str]) -> str:
    text = "|".join([framework, entity, str(year), side, ",".join(indicators)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---- writing -------------------------------------------------------------------------------------

def pack_data(warehouse: Path, framework: str, entity: str, year: int) -> dict:
    with connect(warehouse, read_only=True) as con:
        indicators = con.execute(
            "SELECT indicator_id, indicator_text, evidence_measure FROM staging.framework_indicators WHERE framework = ? ORDER BY position",
            [framework],
        ).df()
        if indicators.empty:
            raise PackError(f"no framework {framework!r} in the warehouse")
        name = con.execute("SELECT any_value(framework_name) FROM staging.framework_indicators WHERE framework = ?", [framework]).fetchone()[0]
        entity_name = con.execute(
            "SELECT coalesce((SELECT area_name FROM staging.areas WHERE area_code = ?), (SELECT provider_name FROM staging.provider_register WHERE ukprn = ?), ?)",
            [entity, entity, entity],
        ).fetchone()[0]
        scores = con.execute(
            "SELECT * FROM marts.indicator_scores WHERE framework = ? AND entity_code = ? AND year = ?", [framework, entity, year]
        ).df()
        suggestions = con.execute(
            "SELECT * FROM staging.evidence_scores WHERE framework = ? AND entity_code = ? AND year = ?", [framework, entity, year]
        ).df()
        previous = con.execute(
            """SELECT indicator_id, score FROM marts.indicator_scores WHERE framework = ? AND entity_code = ?
               AND year = (SELECT max(year) FROM marts.scorecard_totals WHERE framework = ? AND entity_code = ? AND year < ? AND indicators_scored > 0)""",
            [framework, entity, framework, entity, year],
        ).df()
        notes = con.execute(
            "SELECT indicator_id, assessor, note FROM staging.assessment_scores WHERE framework = ? AND entity_code = ? AND year = ? AND note IS NOT NULL",
            [framework, entity, year],
        ).fetchall()
        evidence = con.execute(
            """SELECT e.*, r.pct_positive AS region_value, r.region_name
               FROM marts.evidence_measures e
               LEFT JOIN staging.areas a ON a.area_code = e.entity_code
               LEFT JOIN marts.ni7_by_region r ON e.measure = 'ni7_pct_positive' AND r.region_code = a.region_code AND r.survey_year = e.year
               WHERE e.entity_code = ? AND e.year <= ? ORDER BY e.measure, e.year""",
            [entity, year],
        ).df()
    return {"name": name, "entity_name": entity_name, "indicators": indicators, "scores": scores, "previous": previous,
            "suggestions": suggestions.set_index("indicator_id"),
            "evidence": evidence, "notes": {(indicator, assessor): note for indicator, assessor, note in notes}}


def evidence_in_words(row: pd.Series, evidence: pd.DataFrame) -> str:
    """e.g. 'ni7 pct positive 24.1% (95% CI 14.9–36.6), region 19.8% (2010)'."""
    if pd.isna(row.get("evidence_measure")) or pd.isna(row.get("evidence_value")):
        return ""
    found = evidence[(evidence.measure == row.evidence_measure) & (evidence.year == row.evidence_year)]
    label = MEASURE_LABELS.get(row.evidence_measure, row.evidence_measure.replace("_", " "))
    unit = "%" if "pct" in row.evidence_measure else ""
    text = f"{label} {row.evidence_value:g}{unit}"
    if not found.empty and pd.notna(found.iloc[0].ci_low):
        text += f" (95% CI {found.iloc[0].ci_low:g}–{found.iloc[0].ci_high:g})"
    if not found.empty and pd.notna(found.iloc[0].region_value):
        text += f", region {found.iloc[0].region_value:g}{unit}"
    return text + f" ({int(row.evidence_year)})"


def write_pack(warehouse: Path, framework: str, entity: str, year: int, side: str, out_dir: Path) -> Path:
    if side not in SIDES:
        raise PackError(f"side must be one of {', '.join(SIDES)}")
    data = pack_data(warehouse, framework, entity, year)
    ids = data["indicators"]["indicator_id"].tolist()
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    write_instructions(instructions, data, framework, entity, year, side, ids)
    scores = data["scores"].set_index("indicator_id") if not data["scores"].empty else pd.DataFrame()
    previous = dict(zip(data["previous"].indicator_id, data["previous"].score))
    sheet = workbook.create_sheet("Scores")
    header = AGREEMENT_HEADER if side == "agreed" else SCORE_HEADER
    sheet.append(header)
    rows = []
    for indicator in data["indicators"].itertuples():
        s = scores.loc[indicator.indicator_id] if indicator.indicator_id in scores.index else None
        e = data["suggestions"].loc[indicator.indicator_id] if indicator.indicator_id in data["suggestions"].index else None
        suggested = None if e is None or pd.isna(e.evidence_score) else int(e.evidence_score)
        words = evidence_in_words(e, data["evidence"]) if e is not None else ""
        last = previous.get(indicator.indicator_id)
        last = None if last is None or pd.isna(last) else int(last)
        if side == "agreed":
            sector = None if s is None or pd.isna(s.sector_score) else int(s.sector_score)
            public = None if s is None or pd.isna(s.public_body_score) else int(s.public_body_score)
            status = s.basis if s is not None else "missing"
            rows.append([indicator.indicator_id, indicator.indicator_text, status, sector, data["notes"].get((indicator.indicator_id, "sector")),
                         public, data["notes"].get((indicator.indicator_id, "public_body")), suggested, None, None])
        else:
            rows.append([indicator.indicator_id, indicator.indicator_text, last, suggested, words, None, None])
    if side == "agreed":  # disputed first, so the meeting starts where the sides differ
        rows.sort(key=lambda r: r[2] != "disputed")
    for row in rows:
        sheet.append(row)
    style_scores(sheet, len(rows), score_column="I" if side == "agreed" else "F", note_column="J" if side == "agreed" else "G")
    write_evidence(workbook.create_sheet("Evidence"), data["evidence"])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{framework}-{entity}-{year}-{side}.xlsx"
    workbook.save(path)
    return path


def write_instructions(sheet, data: dict, framework: str, entity: str, year: int, side: str, ids: list[str]) -> None:
    sheet["A1"] = MARKER
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"{data['name']} — {data['entity_name']} ({entity}), {year}: scores proposed by {SIDE_NAMES[side]}"
    for key, row in META_ROWS.items():
        sheet[f"A{row}"] = key
    sheet["B3"], sheet["B4"], sheet["B5"], sheet["B6"] = framework, entity, year, side
    sheet["B7"] = checksum(framework, entity, year, side, ids)
    sheet[f"A{INDICATOR_LIST_ROW}"], sheet[f"B{INDICATOR_LIST_ROW}"] = "indicators", ",".join(ids)
    lines = [
        "How to use this pack",
        "1. Read each indicator on the Scores sheet with last year's score and what the survey evidence suggests (details on the Evidence sheet).",
        "2. Enter your proposed score, 0 to 3 points, in the yellow column, and a note saying why. Only 0, 1, 2 or 3 is accepted.",
        "3. Leave an indicator blank if you do not want to propose a score for it.",
        "4. Save the workbook and send it back; it is loaded by dropping it into raw/assessment/. Do not rename sheets or edit this page:",
        "   the framework, entity, year and side above identify the pack, and an edited pack is rejected.",
        "Scores are agreed between sector representatives and public bodies: where the two sides differ, the agreement pack lists the indicator for the meeting.",
    ]
    for offset, line in enumerate(lines):
        sheet[f"A{10 + offset}"] = line
    sheet["A10"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 60
    sheet.protection.sheet = True  # no password: a guard against accidents, not a lock


def style_scores(sheet, rows: int, score_column: str, note_column: str) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"A": 12, "B": 70, "C": 14, "D": 14, "E": 45, "F": 16, "G": 40, "H": 16, "I": 18, "J": 40}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    valid = DataValidation(type="list", formula1='"0,1,2,3"', allow_blank=True, showErrorMessage=True,
                           errorTitle="Score 0 to 3", error="Enter a whole number of points: 0, 1, 2 or 3.")
    sheet.add_data_validation(valid)
    valid.add(f"{score_column}2:{score_column}{rows + 1}")
    for row in range(2, rows + 2):
        sheet[f"B{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        for column in (score_column, note_column):
            sheet[f"{column}{row}"].protection = Protection(locked=False)
            sheet[f"{column}{row}"].fill = YELLOW
    sheet.freeze_panes = "C2"
    sheet.protection.sheet = True


def write_evidence(sheet, evidence: pd.DataFrame) -> None:
    sheet.append(["measure", "year", "value", "95% CI low", "95% CI high", "base", "suppressed", "region"])
    for row in evidence.itertuples():
        suppressed = bool(row.suppressed)
        sheet.append([row.measure, int(row.year), None if suppressed or pd.isna(row.value) else float(row.value),
                      None if pd.isna(row.ci_low) else float(row.ci_low), None if pd.isna(row.ci_high) else float(row.ci_high),
                      int(row.base), "suppressed (base under 10)" if suppressed else "", None if pd.isna(row.region_value) else float(row.region_value)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.protection.sheet = True


# ---- reading back ----------------------------------------------------------------------------------

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
    workbook = load_workbook(path, data_only=True)
    meta = workbook["Instructions"]
    framework, entity, year, side, stamp = (str(meta[f"B{row}"].value or "").strip() for row in META_ROWS.values())
    ids = str(meta[f"B{INDICATOR_LIST_ROW}"].value or "").split(",")
    if stamp != checksum(framework, entity, year, side, ids):
        raise PackError("Instructions sheet, rows 3-8: the pack's framework, entity, year or side were edited; "
                        "generate a new pack with `scorecard panel-pack` rather than editing one")
    if "Scores" not in workbook.sheetnames:
        raise PackError(f"the Scores sheet is missing (sheets: {', '.join(workbook.sheetnames)}); was it renamed?")
    sheet = workbook["Scores"]
    header = [str(c.value or "").strip() for c in sheet[1]]
    expected = AGREEMENT_HEADER if side == "agreed" else SCORE_HEADER
    if header[: len(expected)] != expected:
        raise PackError(f"Scores sheet, row 1: columns were changed (expected {', '.join(expected)})")
    score_at, note_at = expected.index(expected[-2]), expected.index("note")
    records, sheet_rows, seen = [], [], []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        indicator = row[0]
        if indicator is None:
            continue
        seen.append(str(indicator))
        score, note = row[score_at], row[note_at]
        if score is None and note is None:
            continue  # this side proposes nothing for the indicator
        records.append({"framework": framework, "entity_code": entity, "year": year, "indicator_id": str(indicator),
                        "assessor": side, "score": None if score is None else str(score), "note": note})
        sheet_rows.append(number)
    missing = [i for i in ids if i not in seen]
    notes = [f"Scores sheet: indicator row(s) {', '.join(missing)} deleted from the pack" ] if missing else []
    frame = pd.DataFrame(records, columns=["framework", "entity_code", "year", "indicator_id", "assessor", "score", "note"])
    frame = frame.map(excel_cell_text).astype("str")
    return Pack(framework, entity, year, side, frame, sheet_rows, notes)
