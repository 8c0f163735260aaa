"""Panel packs: Excel workbooks that go out to each side pre-filled with the evidence and come back
with that side's proposed scores — and the agreement pack for the meeting, with both sides' scores
side by side and a column for the agreed score. Filled packs dropped in raw/assessment/ load as
`assessment` rows: `read_pack` turns the Scores sheet into the assessment template.

A pack records its framework, entity, year and side on its protected Instructions sheet, with a
checksum of them and of the indicator list, so an edited pack is recognised and rejected.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from scorecard.packs import AGREEMENT_HEADER, INDICATOR_LIST_ROW, MARKER, META_ROWS, SCORE_HEADER, SIDE_NAMES, SIDES, PackError, checksum
from scorecard.publish.safe_output import CellValue, append_row, file_name, inside, write_cell
from scorecard.warehouse.connect import connect

YELLOW = PatternFill("solid", fgColor="FFF2CC")


def close_matches(wanted: str, known: dict[str, str]) -> str:
    """`known` (code → name) entries close to `wanted`, by code or name: a name containing it as a
    word ("Bristol" → "Bristol, City of") or spelled nearly like it."""
    words = re.compile(rf"\b{re.escape(wanted.strip().lower())}\b") if wanted.strip() else None
    found = [code for code, name in known.items() if words and (words.search(str(name).lower()) or words.search(code.lower()))]
    by_spelling = {str(name).lower(): code for code, name in known.items()} | {code.lower(): code for code in known}
    found += [by_spelling[m] for m in difflib.get_close_matches(wanted.lower(), list(by_spelling), n=5, cutoff=0.75)]
    found = list(dict.fromkeys(found))[:8]
    if not found:
        return "nothing close to it"
    return "did you mean " + ", ".join(code if known[code] == code else f"{code} ({known[code]})" for code in found) + "?"


def pack_data(warehouse: Path, framework: str, entity: str, year: int) -> dict:
    """What a pack shows, read from marts only: an analyst querying them sees the same figures."""
    with connect(warehouse, read_only=True) as con:
        indicators = con.execute(
            "SELECT indicator_id, indicator_text, evidence_measure, framework_name FROM marts.indicators WHERE framework = ? ORDER BY position",
            [framework],
        ).df()
        if indicators.empty:
            known = [row[0] for row in con.execute("SELECT DISTINCT framework FROM marts.indicators ORDER BY 1").fetchall()]
            raise PackError(f"no framework {framework!r} in the warehouse; {close_matches(framework, {f: f for f in known})}")
        entity_row = con.execute("SELECT entity_name FROM marts.entities WHERE entity_code = ?", [entity]).fetchone()
        if entity_row is None:  # a name or a mistyped code: never an empty pack
            names = dict(con.execute("SELECT entity_code, entity_name FROM marts.entities").fetchall())
            raise PackError(f"no entity {entity!r} in the warehouse (give its area code or UKPRN); {close_matches(entity, names)}")
        scores = con.execute(
            "SELECT * FROM marts.indicator_scores WHERE framework = ? AND entity_code = ? AND year = ?", [framework, entity, year]
        ).df()
        suggestions = con.execute(
            "SELECT * FROM marts.evidence_scores WHERE framework = ? AND entity_code = ? AND year = ?", [framework, entity, year]
        ).df()
        previous = con.execute(
            """SELECT indicator_id, score FROM marts.indicator_scores WHERE framework = ? AND entity_code = ?
               AND year = (SELECT max(year) FROM marts.scorecard_totals WHERE framework = ? AND entity_code = ? AND year < ? AND indicators_scored > 0)""",
            [framework, entity, framework, entity, year],
        ).df()
        notes = con.execute(
            "SELECT indicator_id, assessor, note FROM marts.assessment_notes WHERE framework = ? AND entity_code = ? AND year = ?",
            [framework, entity, year],
        ).fetchall()
        evidence = con.execute(
            """SELECT e.*, c.benchmark_value AS region_value, c.benchmark_label AS region_name
               FROM marts.evidence_measures e
               LEFT JOIN marts.measure_comparisons c
                 ON c.entity_code = e.entity_code AND c.survey_year = e.year AND c.measure = e.measure AND c.benchmark = 'region'
               WHERE e.entity_code = ? AND e.year <= ? ORDER BY e.measure, e.year""",
            [entity, year],
        ).df()
        measures = con.execute("SELECT measure, label, unit FROM marts.measures").fetchall()
    return {
        "name": indicators["framework_name"].iloc[0],
        "entity_name": entity_row[0] or entity,
        "indicators": indicators,
        "scores": scores,
        "previous": previous,
        "suggestions": suggestions.set_index("indicator_id"),
        "evidence": evidence,
        "notes": {(indicator, assessor): note for indicator, assessor, note in notes},
        "measures": {measure: (label, unit) for measure, label, unit in measures},
    }


def evidence_in_words(row: pd.Series, evidence: pd.DataFrame, measures: dict[str, tuple[str, str]]) -> str:
    """e.g. 'NI7 % positive 24.1% (95% CI 14.9–36.6), region 19.8% (2010)': label and unit from the
    measure catalogue (marts.measures); only a percentage carries its unit after the number."""
    if pd.isna(row.get("evidence_measure")) or pd.isna(row.get("evidence_value")):
        return ""
    found = evidence[(evidence.measure == row.evidence_measure) & (evidence.year == row.evidence_year)]
    label, unit_name = measures[row.evidence_measure]
    unit = "%" if unit_name == "%" else ""
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
    assert instructions is not None  # a new Workbook always starts with one (active) worksheet
    instructions.title = "Instructions"
    write_instructions(instructions, data, framework, entity, year, side, ids)
    scores = data["scores"].set_index("indicator_id") if not data["scores"].empty else pd.DataFrame()
    previous = dict(zip(data["previous"].indicator_id, data["previous"].score, strict=True))
    sheet = workbook.create_sheet("Scores")
    header = AGREEMENT_HEADER if side == "agreed" else SCORE_HEADER
    append_row(sheet, header)
    rows = []
    for indicator in data["indicators"].itertuples():
        s = scores.loc[indicator.indicator_id] if indicator.indicator_id in scores.index else None
        e = data["suggestions"].loc[indicator.indicator_id] if indicator.indicator_id in data["suggestions"].index else None
        suggested = None if e is None or pd.isna(e.evidence_score) else int(e.evidence_score)
        words = evidence_in_words(e, data["evidence"], data["measures"]) if e is not None else ""
        last = previous.get(indicator.indicator_id)
        last = None if last is None or pd.isna(last) else int(last)
        if side == "agreed":
            sector = None if s is None or pd.isna(s.sector_score) else int(s.sector_score)
            public = None if s is None or pd.isna(s.public_body_score) else int(s.public_body_score)
            status = s.basis if s is not None else "missing"
            rows.append(
                [
                    indicator.indicator_id,
                    indicator.indicator_text,
                    status,
                    sector,
                    data["notes"].get((indicator.indicator_id, "sector")),
                    public,
                    data["notes"].get((indicator.indicator_id, "public_body")),
                    suggested,
                    None,
                    None,
                ]
            )
        else:
            rows.append([indicator.indicator_id, indicator.indicator_text, last, suggested, words, None, None])
    if side == "agreed":  # disputed first, so the meeting starts where the sides differ
        rows.sort(key=lambda r: r[2] != "disputed")
    for row in rows:
        append_row(sheet, row)
    style_scores(sheet, len(rows), score_column="I" if side == "agreed" else "F", note_column="J" if side == "agreed" else "G")
    write_evidence(workbook.create_sheet("Evidence"), data["evidence"])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = inside(out_dir, file_name([framework, entity, year, side], ".xlsx"))
    workbook.save(path)
    return path


def write_instructions(sheet, data: dict, framework: str, entity: str, year: int, side: str, ids: list[str]) -> None:
    cells: dict[str, CellValue] = {
        "A1": MARKER,
        "A2": f"{data['name']} — {data['entity_name']} ({entity}), {year}: scores proposed by {SIDE_NAMES[side]}",
        **{f"A{row}": key for key, row in META_ROWS.items()},
        "B3": framework,
        "B4": entity,
        "B5": year,
        "B6": side,
        "B7": checksum(framework, entity, year, side, ids),
        f"A{INDICATOR_LIST_ROW}": "indicators",
        f"B{INDICATOR_LIST_ROW}": ",".join(ids),
    }
    lines = [
        "How to use this pack",
        "1. Read each indicator on the Scores sheet with last year's score and what the survey evidence suggests (details on the Evidence sheet).",
        "2. Enter your proposed score, 0 to 3 points, in the yellow column, and a note saying why. Only 0, 1, 2 or 3 is accepted.",
        "3. Leave an indicator blank if you do not want to propose a score for it.",
        "4. Save the workbook and send it back; it is loaded by dropping it into raw/assessment/. Do not rename sheets or edit this page:",
        "   the framework, entity, year and side above identify the pack, and an edited pack is rejected.",
        "Scores are agreed between sector representatives and public bodies: where the two sides differ, the agreement pack lists the indicator for the meeting.",
    ]
    cells |= {f"A{10 + offset}": line for offset, line in enumerate(lines)}
    for coordinate, value in cells.items():
        write_cell(sheet[coordinate], value)
    sheet["A1"].font = Font(bold=True, size=14)
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
    valid = DataValidation(
        type="list",
        formula1='"0,1,2,3"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Score 0 to 3",
        error="Enter a whole number of points: 0, 1, 2 or 3.",
    )
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
    append_row(sheet, ["measure", "year", "value", "95% CI low", "95% CI high", "base", "suppressed", "region"])
    for row in evidence.itertuples():
        suppressed = bool(row.suppressed)
        append_row(
            sheet,
            [
                row.measure,
                int(row.year),
                None if suppressed or pd.isna(row.value) else float(row.value),
                None if pd.isna(row.ci_low) else float(row.ci_low),
                None if pd.isna(row.ci_high) else float(row.ci_high),
                int(row.base),
                "suppressed (base under 10)" if suppressed else "",
                None if pd.isna(row.region_value) else float(row.region_value),
            ],
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.protection.sheet = True
