"""One bad file never stops the night: each is rejected with a plain reason, the rest load."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from scorecard.limits import MAX_ROW_BYTES
from scorecard.pipeline import RunOptions, run

GOOD = "respondent_id,area_code,survey_year,influence\n1,E06000023,2010,1\n2,E06000023,2010,2\n"


def sparse_xlsx(path: Path) -> Path:
    """A 5 KB workbook whose sheet declares A1:XFD1048576 (2^34 cells) around two real rows."""
    workbook = Workbook()
    workbook.active.append(["respondent_id", "area_code", "survey_year", "influence"])
    workbook.active.append(["5", "E06000023", "2010", "1"])
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
            target.writestr(item, data)
    plain.unlink()
    return path


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    ni7 = root / "raw" / "ni7"
    ni7.mkdir(parents=True)
    (ni7 / "good.csv").write_text(GOOD)
    (ni7 / "big_cell_in_header_rows.csv").write_text(GOOD.splitlines()[0] + ",org_type\n1,E06000023,2010,1," + "x" * 2_000_000 + "\n")
    rows = "".join(f"{i},E06000023,2010,1,x\n" for i in range(10, 20))
    (ni7 / "big_cell_later.csv").write_text(
        "respondent_id,area_code,survey_year,influence,org_type\n" + rows + "99,E06000023,2010,1," + "y" * 2_000_000 + "\n"
    )
    (ni7 / "binary.csv").write_bytes(bytes(range(256)) * 20)
    (ni7 / "ragged.csv").write_text(GOOD + "3,E06000023,2010,1,extra\n")
    sparse_xlsx(ni7 / "sparse.xlsx")
    (ni7 / "truncated.xlsx").write_bytes((ni7 / "sparse.xlsx").read_bytes()[:2000])
    with open(os.fsencode(ni7) + b"/bad\xffname.csv", "wb") as handle:
        handle.write(b"respondent_id,area_code,survey_year,influence\n9,E06000023,2010,1\n")
    warehouse = root / "warehouse" / "scorecard.duckdb"
    summary = run(RunOptions(raw_dir=root / "raw", warehouse=warehouse, settle_seconds=0))
    return summary, {f["file_path"]: f for f in summary.files}, warehouse


def test_the_good_files_load_and_the_run_completes(outcome):
    summary, files, warehouse = outcome
    assert files["ni7/good.csv"]["status"] == "loaded" and files["ni7/good.csv"]["rows_loaded"] == 2
    assert files["ni7/sparse.xlsx"]["status"] == "loaded" and files["ni7/sparse.xlsx"]["rows_loaded"] == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.ni7_responses").fetchone() == (3,)
        assert con.execute("SELECT status FROM audit.run_log").fetchall() == [("completed",)]
    assert (summary.files_loaded, summary.files_rejected) == (2, 6)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("ni7/big_cell_in_header_rows.csv", f"longer than {MAX_ROW_BYTES.named()}"),
        ("ni7/big_cell_later.csv", f"a row (line 12) is longer than {MAX_ROW_BYTES.named()}"),
        ("ni7/binary.csv", "not a text file: a NUL byte"),
        ("ni7/ragged.csv", "a data row has more cells than the header's 4 (line 4)"),
        ("ni7/truncated.xlsx", "not a readable .xlsx workbook"),
        ("ni7/bad\\xffname.csv", "the file name is not valid UTF-8"),
    ],
)
def test_each_bad_file_is_rejected_with_a_plain_reason(outcome, name, reason):
    _, files, _ = outcome
    assert files[name]["status"] == "rejected"
    assert reason in files[name]["message"]
    assert "xxxx" not in files[name]["message"] and "yyyy" not in files[name]["message"]  # never the offending values


def test_a_file_that_changes_while_it_is_read_is_left_for_the_next_run(tmp_path, monkeypatch):
    from scorecard.ingest import stage

    raw = tmp_path / "raw" / "ni7"
    raw.mkdir(parents=True)
    (raw / "good.csv").write_text(GOOD)
    (raw / "growing.csv").write_text(GOOD.replace("1,E06000023", "7,E06000023"))
    land = stage.land

    def land_while_appending(con, path, *args):
        if path.name == "growing.csv":
            with open(path, "a") as handle:
                handle.write("3,E06000023,2010,3\n")
        return land(con, path, *args)

    monkeypatch.setattr(stage, "land", land_while_appending)
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"
    files = {f["file_path"]: f for f in run(RunOptions(raw_dir=tmp_path / "raw", warehouse=warehouse, settle_seconds=0)).files}
    assert (
        files["ni7/growing.csv"]["status"] == "rejected" and "changed or vanished while it was read" in files["ni7/growing.csv"]["message"]
    )
    assert files["ni7/good.csv"]["status"] == "loaded"
    monkeypatch.setattr(stage, "land", land)
    again = {f["file_path"]: f for f in run(RunOptions(raw_dir=tmp_path / "raw", warehouse=warehouse, settle_seconds=0)).files}
    assert again["ni7/growing.csv"]["status"] == "loaded" and again["ni7/growing.csv"]["rows_loaded"] == 3
