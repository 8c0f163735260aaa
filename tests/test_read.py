import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

from conftest import REAL_EXPORTS, write_csv
from flows.read import UnreadableFile, decode, read_export, sniff_delimiter

HEADER = ["respondent_id", "area_code", "survey_year", "influence", "org_type"]
ROWS = [["1", "E06000023", "2010", "Very positive", "Café network"], ["2", "E08000025", "2010/11", "Don’t know", ""]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_csv_encodings_delimiters_and_line_ends(tmp_path, encoding, delimiter, newline):
    path = write_csv(tmp_path / "export.csv", HEADER, ROWS, delimiter, encoding, newline)
    export = read_export(path)
    assert export.delimiter == delimiter
    assert export.encoding == encoding
    assert list(export.frame.columns) == HEADER
    assert export.frame.loc[0, "org_type"] == "Café network"
    assert export.frame.loc[1, "influence"] == "Don’t know"
    assert pd.isna(export.frame.loc[1, "org_type"])
    assert len(export.frame) == 2


def test_quoted_delimiters_do_not_fool_the_sniffer():
    assert sniff_delimiter('"a;b";"c,d";e') == ";"
    assert sniff_delimiter('a,"b;c;d;e",f') == ","


def test_cp1252_fallback_only_when_not_utf8():
    assert decode("£5–£10".encode("utf-8")) == ("£5–£10", "utf-8")
    assert decode("£5–£10".encode("cp1252")) == ("£5–£10", "cp1252")


def test_values_are_kept_as_written(tmp_path):
    path = write_csv(tmp_path / "e.csv", ["respondent_id", "weight"], [["007", "1.50"], ["NA", " 2 "]])
    frame = read_export(path).frame
    assert frame["respondent_id"].tolist() == ["007", "NA"]  # no int conversion, 'NA' is not missing
    assert frame["weight"].tolist() == ["1.50", " 2 "]


def test_xlsx_cells_become_text(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["respondent_id", "survey_year", "weight", "influence", "submitted"])
    sheet.append([101, 2010, 1.25, "Positive", dt.datetime(2010, 11, 3, 9, 30)])
    sheet.append([102, 2010.0, None, None, None])
    sheet.append([None, None, None, None, None])  # an empty row is not a response
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    export = read_export(path)
    assert export.encoding is None and export.delimiter is None
    assert export.frame["respondent_id"].tolist() == ["101", "102"]
    assert export.frame["survey_year"].tolist() == ["2010", "2010"]
    assert export.frame.loc[0, "weight"] == "1.25"
    assert export.frame.loc[0, "submitted"] == "2010-11-03 09:30:00"
    assert export.frame.loc[1, ["weight", "influence"]].isna().all()  # blank cells are missing, not "nan"


def test_unreadable_files_raise_with_a_reason(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(UnreadableFile, match="empty"):
        read_export(tmp_path / "empty.csv")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UnreadableFile, match="xlsx"):
        read_export(tmp_path / "broken.xlsx")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(UnreadableFile, match="unsupported"):
        read_export(tmp_path / "notes.pdf")


@pytest.mark.parametrize(
    "name, encoding, rows",
    [
        ("qualtrics_qualtRics_sample_legacy.csv", "utf-8-sig", 2),
        ("qualtrics_QT_no_basis_for_evaluation_insights2016.csv", "utf-8", 17),
        ("surveymonkey_538_StarWars_HEAD.csv", "cp1252", 1187),  # not valid UTF-8
        ("surveymonkey_538_StarWars_orig_2014_CR.csv", "cp1252", 1187),  # CR-only line ends
        ("surveymonkey_538_steak-risk-survey.csv", "utf-8", 551),
    ],
)
def test_real_exports_are_read_whole(name, encoding, rows):
    export = read_export(REAL_EXPORTS / name)
    assert export.encoding == encoding
    assert len(export.frame) == rows  # data lines below the first header row
