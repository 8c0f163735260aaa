import pytest

from conftest import DEMO_RAW
from scorecard.cli import main


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


def test_inspect_json_is_one_object_with_the_facts(capsys):
    import json

    from conftest import TOOLS

    assert main(["inspect", str(TOOLS / "limesurvey_ni7.csv"), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert {
        k: facts[k] for k in ("tool", "encoding", "delimiter", "header_rows", "data_rows", "respondent_id_column", "not_respondents")
    } == {
        "tool": "limesurvey",
        "encoding": "utf-8-sig",
        "delimiter": ";",
        "header_rows": 1,
        "data_rows": 12,
        "respondent_id_column": "id",
        "not_respondents": 1,
    }
    assert {"name": "ipaddr", "question": "ipaddr", "personal": True} in facts["columns"]


def test_draft_mapping_matches_what_it_can_and_lists_the_rest(tmp_path, capsys):
    import yaml

    from conftest import TOOLS
    from scorecard.ingest.mapping import MappingError, parse_mapping

    output = tmp_path / "draft.yaml"
    assert (
        main(["draft-mapping", str(TOOLS / "surveymonkey_relationship_poll.csv"), "--kind", "relationship_poll", "--output", str(output)])
        == 0
    )
    assert "TODO columns.survey_year" in capsys.readouterr().out
    draft = yaml.safe_load(output.read_text())
    assert draft["columns"]["area_code"] == "Which local authority area does your organisation work in?"
    assert draft["values"]["area_code"] == {"Bristol": "E06000023", "Camden": "E09000007"}
    assert draft["values"]["side"] == {
        "Public body (council, NHS, police…)": "public_body",
        "Voluntary or community organisation": "sector",
    }
    with pytest.raises(MappingError, match="unfinished draft"):
        parse_mapping(draft, output)  # a draft with TODOs can't be used by mistake
    draft["columns"]["survey_year"] = {"value": 2012}
    parse_mapping(draft, output)
    assert (
        main(["draft-mapping", str(TOOLS / "surveymonkey_relationship_poll.csv"), "--kind", "relationship_poll", "--output", str(output)])
        == 2
    )  # no silent overwrite
