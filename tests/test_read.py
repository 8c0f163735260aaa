import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

from conftest import REAL_EXPORTS, TOOLS, write_csv
from scorecard.ingest.read import UnreadableFile, read_export, sniff_delimiter, text_encoding

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


def test_cp1252_fallback_only_when_not_utf8(tmp_path):
    for encoding in ("utf-8", "cp1252"):
        (tmp_path / "text.csv").write_bytes("£5–£10".encode(encoding))
        assert text_encoding(tmp_path / "text.csv") == (encoding, False)


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


# Every real export, inspected by hand once: tool, header rows, data rows (responses).
REAL = [
    ("qualtrics_qualtRics_sample.csv", "qualtrics", "current 3-row header", "utf-8", 3, 1),
    ("qualtrics_qualtRics_sample_legacy.csv", "qualtrics", "legacy 2-row V1…V10 header", "utf-8-sig", 2, 1),
    ("qualtrics_QT_single_answer_matrix_insights2016.csv", "qualtrics", "2016 Insights 3-row header", "utf-8", 3, 5),
    ("qualtrics_QT_single_answer_matrix_legacy.csv", "qualtrics", "legacy 2-row V1…V10 header", "utf-8-sig", 2, 5),
    ("qualtrics_QT_no_basis_for_evaluation_insights2016.csv", "qualtrics", "2016 Insights 3-row header", "utf-8", 3, 15),
    ("qualtrics_QT_no_basis_for_evaluation_legacy.csv", "qualtrics", "legacy 2-row V1…V10 header", "utf-8-sig", 2, 15),
    ("qualtrics_QT_many_question_types_insights2016.csv", "qualtrics", "2016 Insights 3-row header", "utf-8", 3, 5),
    ("surveymonkey_538_steak-risk-survey.csv", "surveymonkey", "2-row header (question / option)", "utf-8", 2, 550),
    ("surveymonkey_538_StarWars_HEAD.csv", "surveymonkey", "2-row header (question / option)", "cp1252", 2, 1186),  # not valid UTF-8
    ("surveymonkey_538_StarWars_orig_2014_CR.csv", "surveymonkey", "2-row header (question / option)", "cp1252", 2, 1186),  # CR-only
    ("surveymonkey_538_thanksgiving-2015.csv", "surveymonkey", "1-row header (question - option)", "utf-8", 1, 1058),
]


def test_every_real_export_is_covered():
    assert sorted(name for name, *_ in REAL) == sorted(p.name for p in REAL_EXPORTS.glob("*.csv"))


@pytest.mark.parametrize("name, tool, variant, encoding, header_rows, data_rows", REAL)
def test_real_exports_are_recognised_and_read_whole(name, tool, variant, encoding, header_rows, data_rows):
    export = read_export(REAL_EXPORTS / name)
    assert (export.layout.tool, export.layout.variant, export.encoding, export.layout.header_rows) == (tool, variant, encoding, header_rows)
    assert len(export.frame) == data_rows
    assert export.layout.id_column in export.frame.columns  # ResponseId / RespondentID


def test_qualtrics_headers_give_tags_and_question_text():
    export = read_export(REAL_EXPORTS / "qualtrics_qualtRics_sample.csv")
    assert export.questions["Q1"] == "This is a multiple choice question."
    assert export.layout.id_column == "ResponseId"
    legacy = read_export(REAL_EXPORTS / "qualtrics_QT_single_answer_matrix_legacy.csv")
    assert [n for n in legacy.frame.columns if n.startswith("question_one")] == ["question_one", "question_one_2", "question_one_3"]
    assert legacy.frame["column_30"].isna().all()  # the trailing comma's empty, unnamed column
    assert legacy.questions["ResponseID"] == "ResponseID"  # V1 is named by its second header row
    with_time_zone = read_export(TOOLS / "qualtrics_ni7_canonical_tags.csv")
    assert with_time_zone.layout.notes == ["time zone: Europe/London"]


def test_surveymonkey_question_text_is_filled_across_its_block():
    export = read_export(REAL_EXPORTS / "surveymonkey_538_StarWars_HEAD.csv")
    seen = [n for n in export.frame.columns if n.startswith("Which of the following Star Wars films have you seen?")]
    assert len(seen) == 6 and seen[0].endswith(" - Star Wars: Episode I The Phantom Menace")


def test_qualtrics_previews_tests_and_spam_are_marked_not_respondents():
    export = read_export(REAL_EXPORTS / "qualtrics_QT_no_basis_for_evaluation_legacy.csv")  # Status 2 = Survey Test
    assert export.excluded.notna().all()
    assert export.excluded.iloc[0] == "not a respondent: Qualtrics Survey Test response"


@pytest.mark.parametrize(
    "content",
    [
        b'id,"Area\ncode",survey_year\r\n1,E06000023,2010\r\n2,E08000025,2010\r\n',  # a wrapped header title in a CRLF file
        b"id,Area code,survey_year\r\n1,E06000023,2010\n2,E08000025,2010\r\n",  # mixed line ends
        b"id,Area code,survey_year\r1,E06000023,2010\r2,E08000025,2010",  # CR only, no final line end
    ],
)
def test_line_ends_of_any_kind_read_every_row(tmp_path, content):
    (tmp_path / "e.csv").write_bytes(content)
    frame = read_export(tmp_path / "e.csv").frame
    assert frame.iloc[:, 1].tolist() == ["E06000023", "E08000025"]


def test_carriage_returns_inside_values_become_line_feeds(tmp_path):
    (tmp_path / "e.csv").write_bytes(b'id,note\r\n1,"two\r\nlines"\r\n2,"old\rmac"\r\n')
    assert read_export(tmp_path / "e.csv").frame["note"].tolist() == ["two\nlines", "old\nmac"]


def test_windows_1252_files_read_at_once_keep_their_own_rows(tmp_path):
    import duckdb

    from scorecard.pipeline import RunOptions, run

    for n in range(8):
        rows = [[f"{n}-{i}", "E06000023", "2010", "1", f"Café {n}"] for i in range(n + 1)]
        write_csv(tmp_path / "raw" / "ni7" / f"e{n}.csv", HEADER, rows, encoding="cp1252")
    run(RunOptions(raw_dir=tmp_path / "raw", warehouse=tmp_path / "w" / "s.duckdb", settle_seconds=0))
    with duckdb.connect(str(tmp_path / "w" / "s.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT source_file, count(*), min(org_type), max(org_type) FROM staging.ni7_responses GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert rows == [(f"ni7/e{n}.csv", n + 1, f"Café {n}", f"Café {n}") for n in range(8)]


def test_not_a_respondent_whatever_the_whitespace(tmp_path):
    path = TOOLS / "qualtrics_ni7_canonical_tags.csv"
    text = path.read_text(encoding="utf-8-sig").replace("Survey Preview", "Survey Preview\t")
    (tmp_path / "q.csv").write_text(text, encoding="utf-8")
    assert read_export(tmp_path / "q.csv").excluded.notna().sum() == read_export(path).excluded.notna().sum() > 0


def test_an_xlsx_row_with_only_personal_data_is_still_a_row(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["respondent_id", "area_code", "Email"])
    sheet.append(["1", "E06000023", None])
    sheet.append([None, None, "someone@example.org"])  # a response with nothing but an e-mail address
    sheet.append([None, None, None])  # an empty row: not a response
    workbook.save(tmp_path / "e.xlsx")
    export = read_export(tmp_path / "e.xlsx")
    assert export.personal_dropped == ["Email"] and len(export.frame) == 2
