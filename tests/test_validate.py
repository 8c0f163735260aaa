import json

import pandas as pd
import pytest

from scorecard.ingest.validate import validate_frame
from scorecard.kinds import KINDS
from scorecard.paths import EXPECTATIONS_DIR


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_suite_states_the_template(kind):
    suite = json.loads((EXPECTATIONS_DIR / f"{kind}.json").read_text())
    exists = {e["kwargs"]["column"] for e in suite["expectations"] if e["type"] == "expect_column_to_exist"}
    assert exists == set(KINDS[kind].required)
    covered = {e["kwargs"].get("column") for e in suite["expectations"]}
    coded = {c for c, domain in KINDS[kind].domains.items() if domain not in {"text"}}
    assert coded <= covered, "every coded column has a rule"
    unique = [e for e in suite["expectations"] if e["type"] == "expect_compound_columns_to_be_unique"]
    assert unique and unique[0]["kwargs"]["column_list"] == list(KINDS[kind].key)
    assert all(e["meta"]["reason"] for e in suite["expectations"])


def ni7_frame(rows):
    columns = ["row_number", *KINDS["ni7"].columns]
    frame = pd.DataFrame(rows, columns=columns).astype({c: "str" for c in columns[1:]})
    return frame


def failed_rows(failures):
    """(column, row numbers) of each failed rule."""
    return {(column, tuple(sorted(rows))) for column, rows in failures.groupby("column_name")["row_number"]}


def reasons_by_row(failures):
    return failures.drop_duplicates("row_number").set_index("row_number")["reasons"]


def test_good_rows_pass(validator):
    frame = ni7_frame(
        [[1, "a", "E06000023", "2010", "1", "1.5", None, None, "4"], [2, "b", "E10000006", "2008", None, None, None, None, None]]
    )  # abolished county, don't know
    assert validate_frame(frame, KINDS["ni7"], validator).empty


def test_every_reason_of_a_bad_row_is_listed(validator):
    frame = ni7_frame(
        [
            [1, "a", "E06000023", "2010", "1", "1", None, None, None],
            [2, None, "E06999999", "20x0", "9", "-1", None, None, "7"],
            [3, "c", "E06000023", "2010", "2", "1", None, None, None],
            [4, "c", "E06000023", "2010", "3", "1", None, None, None],
            [5, "e", "E06000023", "2010", "3", "0", None, None, None],
        ]
    )
    failures = validate_frame(frame, KINDS["ni7"], validator)
    failed = failed_rows(failures)
    assert ("respondent_id", (2,)) in failed
    assert ("area_code", (2,)) in failed
    assert ("survey_year", (2,)) in failed
    assert ("influence", (2,)) in failed
    assert ("weight", (2, 5)) in failed
    assert ("funding_satisfaction", (2,)) in failed
    assert ("respondent_id + area_code + survey_year", (3, 4)) in failed
    reasons = reasons_by_row(failures)
    assert sorted(reasons.index) == [2, 3, 4, 5]
    assert reasons[2].count(";") == 5  # six reasons for row 2
    assert "(got 'E06999999')" in reasons[2] and "(got '9')" in reasons[2]


def test_assessment_indicator_must_belong_to_its_framework(validator):
    columns = ["row_number", *KINDS["assessment"].columns]
    frame = pd.DataFrame(
        [
            [1, "compact_thriving_sector", "E06000023", "2010", "TS17", "sector", "3", None],
            [2, "compact_thriving_sector", "E06000023", "2010", "TS18", "sector", "3", None],
            [3, "no_such_framework", "E06000023", "2010", "TS01", "agreed", "4", None],
        ],
        columns=columns,
    ).astype({c: "str" for c in columns[1:]})
    reasons = reasons_by_row(validate_frame(frame, KINDS["assessment"], validator))
    assert sorted(reasons.index) == [2, 3]
    assert "not an indicator of that framework" in reasons[2]
    assert "not a known scorecard framework" in reasons[3] and "score must be" in reasons[3]


def test_assessment_entity_must_be_a_reference_area_or_a_ukprn(validator):
    columns = ["row_number", *KINDS["assessment"].columns]
    rows = [
        [1, "compact_thriving_sector", "E06000023", "2010", "TS01", "sector", "3", None],  # Bristol
        [2, "compact_thriving_sector", "E10000002", "2010", "TS01", "sector", "3", None],  # Buckinghamshire, abolished 2020
        [3, "community_scorecard", "19999999", "2024", "CS01", "agreed", "2", None],  # a UKPRN: loads (flagged if unregistered)
        [4, "compact_thriving_sector", "E06999999", "2010", "TS01", "sector", "3", None],  # shaped like a code, in no reference
        [5, "compact_thriving_sector", "E12000001", "2010", "TS01", "sector", "3", None],  # a region is not a local area
    ]
    frame = pd.DataFrame(rows, columns=columns).astype({c: "str" for c in columns[1:]})
    reasons = reasons_by_row(validate_frame(frame, KINDS["assessment"], validator))
    assert sorted(reasons.index) == [4, 5]
    assert "entity_code must be the code of an English local authority" in reasons[4] and "(got 'E06999999')" in reasons[4]


def test_region_and_england_codes_are_not_local_areas(validator):
    frame = ni7_frame(
        [[1, "a", "E12000001", "2010", "1", None, None, None, None], [2, "b", "E92000001", "2010", "1", None, None, None, None]]
    )
    reasons = reasons_by_row(validate_frame(frame, KINDS["ni7"], validator))
    assert sorted(reasons.index) == [1, 2]
    assert all("a region (E12) or England (E92) code is not a local area" in reason for reason in reasons)


def test_a_key_given_twice_conflicts_only_between_otherwise_valid_rows(validator):
    columns = ["row_number", *KINDS["assessment"].columns]
    twins = [
        [1, "compact_thriving_sector", "E06000023", "2010", "TS01", "sector", "4", None],  # invalid score: quarantined for that
        [2, "compact_thriving_sector", "E06000023", "2010", "TS01", "sector", "2", None],  # its valid twin loads
        [3, "compact_thriving_sector", "E06000023", "2010", "TS02", "sector", "1", None],  # two valid answers that differ:
        [4, "compact_thriving_sector", "E06000023", "2010", "TS02", "sector", "3", None],  # a conflict, both quarantined
    ]
    frame = pd.DataFrame(twins, columns=columns).astype({c: "str" for c in columns[1:]})
    failures = validate_frame(frame, KINDS["assessment"], validator)
    reasons = reasons_by_row(failures)
    assert sorted(reasons.index) == [1, 3, 4]
    key = "framework + entity_code + year + indicator_id + assessor"
    assert "score must be" in reasons[1] and (key, (3, 4)) in failed_rows(failures)
    assert not any(column == key and {1, 2} & set(rows) for column, rows in failed_rows(failures))


def test_home_lsoa_must_be_in_the_reference(validator):
    columns = ["row_number", *KINDS["learner_survey"].columns]
    rows = [
        [1, "a", "10001465", "2023", "8", *[None] * 3, "E01014516", *[None] * 5],
        [2, "b", "10001465", "2023", "8", *[None] * 3, "E01999999", *[None] * 5],
    ]
    frame = pd.DataFrame(rows, columns=columns).astype({c: "str" for c in columns[1:]})
    reasons = reasons_by_row(validate_frame(frame, KINDS["learner_survey"], validator))
    assert sorted(reasons.index) == [2]
    assert reasons[2] == "home_lsoa must be a 2011 English LSOA in the reference data (IMD 2019) (got 'E01999999')"


def test_pre_2011_area_codes_are_stored_under_their_gss_code_where_the_area_is_unchanged(validator):
    from test_normalise import normalised_in_duckdb

    written = ["00HB", "00cn ", "37UJ", "20", "15UB", "09", "E06000023"]
    frame = pd.DataFrame(
        {"respondent_id": [f"r{i}" for i in range(len(written))], "area_code": written, "survey_year": "2008", "influence": "1"}
    )
    frame = frame.reindex(columns=KINDS["ni7"].columns).astype("str")
    stored = normalised_in_duckdb(frame, KINDS["ni7"], validator)["area_code"].tolist()
    # Bristol, Birmingham, Rushcliffe, Durham county (became one unitary); Caradon and Bedfordshire stay as written
    assert stored == ["E06000023", "E08000025", "E07000176", "E06000047", "15UB", "09", "E06000023"]
    reasons = reasons_by_row(validate_frame(frame.assign(row_number=range(1, 8)), KINDS["ni7"], validator))
    assert sorted(reasons.index) == [5, 6]
    assert "a district merged or a county split in 2009 has no single successor" in reasons[5] and "(got '15UB')" in reasons[5]


def test_the_code_as_written_is_kept_beside_the_gss_code(validator):
    from test_normalise import normalised_in_duckdb

    frame = pd.DataFrame({"respondent_id": ["a", "b"], "area_code": ["00hb", "E06000023"], "survey_year": "2008", "influence": "1"})
    stored = normalised_in_duckdb(frame.reindex(columns=KINDS["ni7"].columns).astype("str"), KINDS["ni7"], validator)
    assert stored[["area_code", "area_code_as_written"]].astype(object).where(stored.notna(), None).values.tolist() == [
        ["E06000023", "00hb"],
        ["E06000023", None],
    ]
