import pytest

from conftest import DEMO_RAW
from flows.cli import main


def test_validate_lists_what_would_be_quarantined(capsys):
    assert main(["validate", str(DEMO_RAW / "ni7" / "ni7_2008_results.csv"), "--kind", "ni7"]) == 0
    out = capsys.readouterr().out
    assert "675 data rows — 671 would load, 3 would be quarantined, 1 are exact duplicates" in out
    assert "row 37: area_code must be the ONS code" in out and "(got 'E06999999')" in out


def test_validate_exits_1_when_the_file_would_be_rejected(capsys):
    assert main(["validate", str(DEMO_RAW / "employer_survey" / "employer_feedback_no_ukprn.csv"), "--kind", "employer_survey"]) == 1
    assert "whole file would be rejected — missing required column ukprn" in capsys.readouterr().out


def test_help_explains_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "run" in out and "validate" in out and "examples:" in out


def test_missing_raw_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["run", "--raw", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
