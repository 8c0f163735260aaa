import json

import pytest

from conftest import DEMO_RAW, REAL_EXPORTS, write_csv
from scorecard.ingest.discover import discover_files
from scorecard.ingest.prepare import prepare_file


def test_every_demo_row_is_accounted_for(validator):
    totals = {"read": 0, "good": 0, "quarantined": 0, "duplicate": 0}
    for source in discover_files(DEMO_RAW).files:
        prepared = prepare_file(source.path, source.kind, source.file_path, validator)
        assert prepared.rows_read == prepared.rows_loaded + prepared.rows_quarantined + prepared.rows_duplicate
        totals["read"] += prepared.rows_read
        totals["good"] += prepared.rows_loaded
        totals["quarantined"] += prepared.rows_quarantined
        totals["duplicate"] += prepared.rows_duplicate
    # raw/README.md lists the deliberate defects: 14 bad rows, 1 duplicate, a rejected file of 10 rows
    # (and 8 panel rows for the provider scorecard; 1,287 survey rows of six more providers; 22 Rushcliffe poll rows)
    assert totals == {"read": 4895, "good": 4870, "quarantined": 24, "duplicate": 1}


def test_ni7_2008_demo_defects(validator):
    path = DEMO_RAW / "ni7" / "ni7_2008_results.csv"
    prepared = prepare_file(path, "ni7", "ni7/ni7_2008_results.csv", validator)
    quarantined = prepared.quarantine.set_index("row_number")
    assert sorted(quarantined.index) == [37, 112, 301]
    assert "area_code" in quarantined.loc[37, "reasons"] and "E06999999" in quarantined.loc[37, "reasons"]
    assert "influence" in quarantined.loc[112, "reasons"]
    assert "respondent_id is required" in quarantined.loc[301, "reasons"]
    assert json.loads(quarantined.loc[112, "record"])["influence"] == "Maybe"  # original value kept
    assert prepared.rows_duplicate == 1
    assert 205 not in prepared.good["row_number"].tolist()  # the repeat of row 58 is not loaded


def test_bad_rows_are_quarantined_whole_and_good_rows_untouched(tmp_path, validator):
    path = write_csv(
        tmp_path / "ni7.csv",
        ["Respondent ID", "Area code", "Survey year", "Influence", "Weight", "Email"],
        [
            ["1", "E06000023", "2010/11", "Very positive", "2", "a@example.org"],
            ["2", "E06000023", "2010", "Banana", "1", "b@example.org"],
            ["1", "E06000023", "2010/11", "Very positive", "2", "a@example.org"],
        ],
    )
    prepared = prepare_file(path, "ni7", "ni7.csv", validator)
    assert (prepared.rows_read, prepared.rows_loaded, prepared.rows_quarantined, prepared.rows_duplicate) == (3, 1, 1, 1)
    assert prepared.good.loc[0, ["survey_year", "influence", "weight"]].tolist() == ["2010", "1", "2"]
    assert prepared.personal_dropped == ["Email"] and "example.org" not in prepared.quarantine.loc[0, "record"]


@pytest.mark.parametrize("name", ["qualtrics_qualtRics_sample.csv", "surveymonkey_538_StarWars_orig_2014_CR.csv"])
def test_real_export_not_in_the_template_is_rejected_with_every_row_counted(validator, name):
    prepared = prepare_file(REAL_EXPORTS / name, "ni7", name, validator)
    assert prepared.status == "rejected"
    assert "missing required columns area_code, survey_year, influence" in prepared.message
    assert "draft-mapping" in prepared.message  # tells the analyst what to do
    assert prepared.rows_read > 0 and prepared.rows_quarantined == prepared.rows_read


def test_unreadable_file_is_rejected_not_raised(tmp_path, validator):
    path = tmp_path / "ni7.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    prepared = prepare_file(path, "ni7", "ni7.xlsx", validator)
    assert prepared.status == "rejected" and "xlsx" in prepared.message
