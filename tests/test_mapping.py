import pandas as pd
import pytest
import yaml

from conftest import TOOLS, write_csv
from scorecard.ingest.mapping import MappingError, RejectedFile, canonical_name, load_mappings, map_columns, mapping_for, parse_mapping
from scorecard.ingest.read import read_export
from scorecard.kinds import get_kind
from scorecard.paths import MAPPINGS_DIR

EXAMPLES = load_mappings(MAPPINGS_DIR / "examples")


def test_headers_match_by_canonical_name_and_extra_columns_are_dropped(tmp_path):
    path = write_csv(
        tmp_path / "e.csv", ["Respondent ID", "Area code", "Survey-Year", "INFLUENCE", "Notes"], [["1", "E06000023", "2010", "1", "x"]]
    )
    mapped = map_columns(read_export(path), get_kind("ni7"))
    assert list(mapped.frame.columns) == list(get_kind("ni7").columns)  # template order; absent optional columns empty
    assert mapped.frame.loc[0, ["respondent_id", "area_code", "survey_year", "influence"]].tolist() == ["1", "E06000023", "2010", "1"]
    assert mapped.frame["weight"].isna().all()
    assert mapped.dropped_columns == ["Notes"]


def test_missing_required_column_rejects_the_file_with_the_reason(tmp_path):
    path = write_csv(tmp_path / "e.csv", ["respondent_id", "survey_year", "overall_satisfaction"], [["1", "2023", "7"]])
    with pytest.raises(RejectedFile, match=r"missing required column ukprn .*draft-mapping"):
        map_columns(read_export(path), get_kind("employer_survey"))


def test_a_reference_that_matches_two_columns_is_refused(tmp_path):
    path = write_csv(
        tmp_path / "e.csv",
        ["Respondent ID", "respondent-id", "area_code", "survey_year", "influence"],
        [["1", "2", "E06000023", "2010", "1"]],
    )
    with pytest.raises(RejectedFile, match="matches several columns"):
        map_columns(read_export(path), get_kind("ni7"))


def test_canonical_name():
    assert canonical_name("  Overall satisfaction (0-10) ") == "overall_satisfaction_0_10"


def test_qualtrics_export_tags_set_to_canonical_names_need_no_mapping():
    export = read_export(TOOLS / "qualtrics_ni7_canonical_tags.csv")
    mapped = map_columns(export, get_kind("ni7"))
    assert mapped.sources["respondent_id"] == "ResponseId"
    assert mapped.frame["influence"].iloc[0] == "Very positive"  # labels are normalised later


@pytest.mark.parametrize(
    "fixture, kind, sources",
    [
        (
            "surveymonkey_relationship_poll.csv",
            "relationship_poll",
            {"respondent_id": "Respondent ID", "side": "Which best describes you?"},
        ),
        ("microsoft_forms_learner_survey.xlsx", "learner_survey", {"respondent_id": "ID", "ukprn": "Which college are you studying with?"}),
        ("google_forms_employer_survey.csv", "employer_survey", {"respondent_id": "Respondent ID (derived)"}),
        ("limesurvey_ni7.csv", "ni7", {"respondent_id": "id", "influence": "q1", "weight": "weight"}),
        (
            "kobotoolbox_learner_survey.csv",
            "learner_survey",
            {"respondent_id": "_uuid", "ukprn": "provider/ukprn", "recommend": "feedback/recommend"},
        ),
    ],
)
def test_worked_example_mappings(fixture, kind, sources):
    mapping = mapping_for(f"{kind}/{fixture}", kind, EXAMPLES)
    assert mapping is not None
    export = read_export(TOOLS / fixture, **mapping.read_options())
    mapped = map_columns(export, get_kind(kind), mapping)
    for column, source in sources.items():
        assert mapped.sources[column] == source
    assert mapped.frame["respondent_id"].notna().all() and mapped.frame["respondent_id"].is_unique


def test_value_translations_and_not_in_base():
    mapping = mapping_for("ni7/limesurvey_ni7.csv", "ni7", EXAMPLES)
    mapped = map_columns(read_export(TOOLS / "limesurvey_ni7.csv"), get_kind("ni7"), mapping)
    assert [None if pd.isna(v) else v for v in mapped.frame["influence"].tolist()[:6]] == [
        "1",
        "2",
        "3",
        "2",
        "4",
        None,
    ]  # A6 (don't know) → not in base
    poll = mapping_for("relationship_poll/surveymonkey_relationship_poll.csv", "relationship_poll", EXAMPLES)
    frame = map_columns(read_export(TOOLS / "surveymonkey_relationship_poll.csv"), get_kind("relationship_poll"), poll).frame
    assert set(frame["area_code"]) == {"E06000023", "E09000007"}
    assert set(frame["side"]) == {"sector", "public_body"}


def test_qualtrics_negative_recodes_are_not_in_the_base(tmp_path):
    export = read_export(TOOLS / "qualtrics_ni7_canonical_tags.csv")
    export.frame.loc[0, "influence"] = "-99"
    assert pd.isna(map_columns(export, get_kind("ni7")).frame.loc[0, "influence"])


def test_mapping_to_personal_data_is_refused():
    mapping = parse_mapping({"kind": "ni7", "files": ["ni7/*.csv"], "columns": {"respondent_id": "RecipientEmail"}}, TOOLS / "m.yaml")
    with pytest.raises(RejectedFile, match="personal data"):
        map_columns(read_export(TOOLS / "qualtrics_ni7_canonical_tags.csv"), get_kind("ni7"), mapping)


@pytest.mark.parametrize(
    "document, message",
    [
        ({"kind": "nope", "files": ["x"]}, "kind must be one of"),
        ({"kind": "ni7", "files": []}, "files must be a list"),
        ({"kind": "ni7", "files": ["ni7/*"], "columns": {"satisfaction": "Q1"}}, "not in the ni7 template"),
        ({"kind": "ni7", "files": ["ni7/*"], "date_order": "ymd"}, "date_order"),
    ],
)
def test_malformed_mappings_are_reported(tmp_path, document, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(document, tmp_path / "m.yaml")


def test_a_file_matched_by_two_mappings_is_rejected(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump({"kind": "ni7", "files": ["ni7/*.csv"]}))
    with pytest.raises(RejectedFile, match="several mappings"):
        mapping_for("ni7/x.csv", "ni7", load_mappings(tmp_path))
    with pytest.raises(RejectedFile, match="is for kind 'ni7'"):
        mapping_for("ni7/x.csv", "learner_survey", load_mappings(tmp_path)[:1])
