import pandas as pd
import pytest

from flows.kinds import get_kind
from flows.mapping import RejectedFile, canonical_name, map_columns


def test_headers_match_by_canonical_name_and_extra_columns_are_dropped():
    frame = pd.DataFrame(columns=["Respondent ID", "Area code", "Survey-Year", "INFLUENCE", "Email", "Name"], dtype="str")
    mapped = map_columns(frame, get_kind("ni7"))
    assert list(mapped.frame.columns) == ["respondent_id", "area_code", "survey_year", "influence"]
    assert mapped.dropped_columns == ["Email", "Name"]


def test_missing_required_column_rejects_the_file_with_the_reason():
    frame = pd.DataFrame(columns=["respondent_id", "survey_year", "overall_satisfaction"], dtype="str")
    with pytest.raises(RejectedFile, match="missing required column ukprn"):
        map_columns(frame, get_kind("employer_survey"))


def test_a_column_given_twice_is_rejected():
    frame = pd.DataFrame([["1", "2", "E06000023", "2010", "1"]], columns=["respondent_id", "Respondent id", "area_code", "survey_year", "influence"])
    with pytest.raises(RejectedFile, match="appears twice"):
        map_columns(frame, get_kind("ni7"))


def test_canonical_name():
    assert canonical_name("  Overall satisfaction (0-10) ") == "overall_satisfaction_0_10"
