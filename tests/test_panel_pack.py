"""The agreement loop: packs out, filled by each side, back in through the real flow."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from conftest import DEMO_RAW
from flows.nightly import nightly
from scorecard.publish.panel_pack import write_pack

pytestmark = pytest.mark.flow
FRAMEWORK, ENTITY, YEAR = "compact_thriving_sector", "E09000007", 2012


@pytest.fixture
def loop(prefect_api, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw, ignore=shutil.ignore_patterns("README.md"))
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"

    def run():
        return nightly(raw_dir=str(raw), warehouse=str(warehouse), settle_seconds=0)

    run()
    return raw, warehouse, run


def fill(path, scores: dict[str, int], column: str, note: str | None = None):
    workbook = load_workbook(path)
    sheet = workbook["Scores"]
    for row in range(2, sheet.max_row + 1):
        indicator = sheet[f"A{row}"].value
        if indicator in scores:
            sheet[f"{column}{row}"] = scores[indicator]
            if note:
                sheet[f"{chr(ord(column) + 1)}{row}"] = note
    workbook.save(path)
    return path


def fetch(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


SECTOR = {f"TS{i:02d}": 1 + i % 3 for i in range(1, 18) if i != 10}  # TS10 left to the evidence
PUBLIC = {**SECTOR, "TS04": 3, "TS12": 0}  # the two sides differ on two indicators


def test_packs_round_trip_through_the_flow_to_agreed_scores(loop, tmp_path):
    raw, warehouse, run = loop
    out = tmp_path / "packs"
    sector = write_pack(warehouse, FRAMEWORK, ENTITY, YEAR, "sector", out)
    public = write_pack(warehouse, FRAMEWORK, ENTITY, YEAR, "public_body", out)
    assert (sector.parent, sector.name) == (out, f"{FRAMEWORK}-{ENTITY}-{YEAR}-sector.xlsx")  # safe ids keep their names
    # a second reader sees a valid workbook: sheets, the evidence in words, the drop-down's cells
    book = CalamineWorkbook.from_path(str(sector))
    assert book.sheet_names == ["Instructions", "Scores", "Evidence"]
    rows = book.get_sheet_by_name("Scores").to_python()
    assert rows[0][:6] == ["indicator_id", "indicator", "last year's score", "evidence suggests", "evidence", "your score (0-3)"]
    ts10 = next(r for r in rows if r[0] == "TS10")
    # Camden is the only surveyed area of London: its "region" figure would be its own, so none is shown
    assert ts10[3] == 2 and ts10[4] == "NI7 % positive 32.5% (95% CI 22.8–43.8) (2010)"
    validation = load_workbook(sector)["Scores"].data_validations.dataValidation[0]
    assert validation.formula1 == '"0,1,2,3"' and str(validation.sqref) == "F2:F18" and validation.showErrorMessage

    fill(sector, SECTOR, "F", "sector view")
    fill(public, PUBLIC, "F")
    shutil.copy(sector, raw / "assessment")
    shutil.copy(public, raw / "assessment")
    summary = run()
    loaded = {
        f["file_path"]: (f["status"], f["rows_read"], f["rows_loaded"]) for f in summary["files"] if f["status"] != "skipped_unchanged"
    }
    assert loaded[f"assessment/{sector.name}"] == ("loaded", 16, 16)
    assert loaded[f"assessment/{public.name}"] == ("loaded", 16, 16)
    bases = dict(
        fetch(
            warehouse, f"SELECT basis, count(*) FROM marts.indicator_scores WHERE entity_code = '{ENTITY}' AND year = {YEAR} GROUP BY ALL"
        )
    )
    assert bases == {"consensus": 14, "disputed": 2, "evidence": 1}
    before = fetch(
        warehouse, f"SELECT total_score, indicators_disputed FROM marts.scorecard_totals WHERE entity_code = '{ENTITY}' AND year = {YEAR}"
    )
    consensus_total = sum(v for k, v in SECTOR.items() if PUBLIC[k] == v) + 2  # + TS10 from NI7 (32.5% → 2)
    assert before == [(consensus_total, 2)]

    agreement = write_pack(warehouse, FRAMEWORK, ENTITY, YEAR, "agreed", out)
    rows = CalamineWorkbook.from_path(str(agreement)).get_sheet_by_name("Scores").to_python()
    assert [r[0] for r in rows[1:3]] == ["TS04", "TS12"] and rows[1][2] == "disputed"  # disputed first
    assert rows[1][3:7] == [2, "sector view", 3, ""]  # both sides' scores and notes side by side
    fill(agreement, {"TS04": 2, "TS12": 1}, "I", "agreed at the panel meeting")
    shutil.copy(agreement, raw / "assessment")
    run()
    assert fetch(
        warehouse,
        f"SELECT total_score, indicators_disputed, indicators_scored FROM marts.scorecard_totals WHERE entity_code = '{ENTITY}' AND year = {YEAR}",
    ) == [(consensus_total + 3, 0, 17)]
    page = (warehouse.parent / "reports" / "scorecards" / f"{FRAMEWORK}-{ENTITY}-{YEAR}.html").read_text()
    assert page.count("✔ returned") == 3


def test_tampered_packs_are_quarantined_or_rejected_with_sheet_and_row(loop, tmp_path):
    raw, warehouse, run = loop
    out = tmp_path / "packs"

    def pack(side, name):
        path = write_pack(warehouse, FRAMEWORK, ENTITY, YEAR, side, out)
        return path.rename(path.with_name(name))

    bad_score = fill(pack("sector", "score5.xlsx"), {**SECTOR, "TS03": 5}, "F")
    deleted = pack("public_body", "deleted.xlsx")
    workbook = load_workbook(deleted)
    workbook["Scores"].delete_rows(5)  # TS04's row
    workbook.save(deleted)
    fill(deleted, PUBLIC, "F")
    edited = fill(pack("sector", "edited.xlsx"), SECTOR, "F")
    workbook = load_workbook(edited)
    workbook["Instructions"]["B4"] = "E06000023"  # another area
    workbook.save(edited)
    renamed = fill(pack("public_body", "renamed.xlsx"), PUBLIC, "F")
    workbook = load_workbook(renamed)
    workbook["Scores"].title = "My scores"
    workbook.save(renamed)
    for path in (bad_score, deleted, edited, renamed):
        shutil.copy(path, raw / "assessment")
    files = {f["file_path"]: f for f in run()["files"]}

    assert (files["assessment/score5.xlsx"]["rows_loaded"], files["assessment/score5.xlsx"]["rows_quarantined"]) == (15, 1)
    assert fetch(warehouse, "SELECT reasons FROM audit.quarantine WHERE file_path = 'assessment/score5.xlsx'") == [
        ("Scores sheet, row 4: score must be a whole number from 0 to 3 (got '5')",)
    ]
    assert files["assessment/deleted.xlsx"]["status"] == "loaded" and files["assessment/deleted.xlsx"]["rows_loaded"] == 15
    assert "indicator row(s) TS04 deleted" in files["assessment/deleted.xlsx"]["message"]
    assert files["assessment/edited.xlsx"]["status"] == "rejected"
    assert (
        "Instructions sheet, rows 3-8: the pack's framework, entity, year or side were edited" in files["assessment/edited.xlsx"]["message"]
    )
    assert (
        files["assessment/renamed.xlsx"]["status"] == "rejected"
        and "Scores sheet is missing" in files["assessment/renamed.xlsx"]["message"]
    )
    # nothing else lost: the good rows of the damaged packs are in, nothing from the rejected ones
    assert fetch(
        warehouse,
        f"SELECT assessor, count(*) FROM staging.assessments WHERE entity_code = '{ENTITY}' AND year = {YEAR} GROUP BY ALL ORDER BY 1",
    ) == [("public_body", 15), ("sector", 15)]


def test_a_pack_for_a_framework_that_no_longer_exists(loop, tmp_path):
    raw, warehouse, _run = loop
    path = fill(write_pack(warehouse, FRAMEWORK, ENTITY, YEAR, "sector", tmp_path), SECTOR, "F")
    shutil.copy(path, raw / "assessment")
    scorecards = tmp_path / "scorecards"
    scorecards.mkdir()
    shutil.copy(DEMO_RAW.parent / "scorecards" / "community_scorecard.yaml", scorecards)  # the Compact file is gone
    summary = nightly(raw_dir=str(raw), warehouse=str(warehouse), settle_seconds=0, scorecards_dir=str(scorecards), full_refresh=True)
    pack_file = next(f for f in summary["files"] if f["file_path"] == f"assessment/{path.name}")
    assert pack_file["rows_quarantined"] == 16 and pack_file["rows_loaded"] == 0
    reasons = fetch(
        warehouse,
        f"SELECT DISTINCT regexp_replace(reasons, 'row [0-9]+', 'row N') FROM audit.quarantine WHERE file_path = 'assessment/{path.name}'",
    )
    assert reasons == [
        (
            "Scores sheet, row N: framework is not a known scorecard framework (see scorecards/) (got 'compact_thriving_sector'); indicator_id is not an indicator of that framework",
        )
    ]
