import duckdb
import pandas as pd
import pytest

from scorecard.ingest.normalise import (
    NORMALISERS,
    SQL_NORMALISERS,
    normalise_agreement,
    normalise_category,
    normalise_influence,
    normalise_scale,
    normalise_year,
)
from scorecard.ingest.validate import BATCH, CANDIDATES, validate_batch
from scorecard.kinds import get_kind


def values(series):
    return [None if pd.isna(value) else value for value in series]


def test_influence_labels_become_codes_in_any_case_and_apostrophe():
    raw = pd.Series(
        [
            " Very positive",
            "POSITIVE",
            "Neither positive nor negative",
            "no influence",
            "Negative ",
            "very  negative",
            "Don’t know",
            "don't KNOW",
            "",
            None,
            "3",
            "2.0",
            "Maybe",
        ],
        dtype="str",
    )
    assert values(normalise_influence(raw)) == ["1", "2", "3", "3", "4", "5", None, None, None, None, "3", "2", "Maybe"]


def test_agreement_labels_and_unknown_values_left_for_validation():
    raw = pd.Series(
        ["Strongly agree", "agree", "Neither agree nor disagree", "Disagree", "strongly disagree", "Not sure", "6"], dtype="str"
    )
    assert values(normalise_agreement(raw)) == ["5", "4", "3", "2", "1", None, "6"]


def test_academic_years_become_start_year():
    raw = pd.Series(["2010", "2010/11", "2010-11", " 2010 - 2011", "2010.0", "20x0", "10/11"], dtype="str")
    assert values(normalise_year(raw)) == ["2010", "2010", "2010", "2010", "2010", "20x0", "10/11"]


def test_scales_and_categories():
    assert values(normalise_scale(pd.Series(["7", "7.0", " 10", "Don't know", "seven"], dtype="str"))) == ["7", "7", "10", None, "seven"]
    assert values(normalise_category(pd.Series(["Public body", "SECTOR", "public-body"], dtype="str"))) == [
        "public_body",
        "sector",
        "public_body",
    ]


def normalised_in_duckdb(frame, kind, validator):
    """The batch's rows as the loader normalises them (validate_batch's candidate rows)."""
    batch = frame.assign(file_id=0, row_number=range(1, len(frame) + 1), excluded=None, duplicate=False, row_label=None)
    with duckdb.connect() as con:
        con.register("rows", batch)
        con.execute(f"CREATE TEMP TABLE {BATCH} AS SELECT * FROM rows")
        validate_batch(con, kind, validator.rules(kind.name), validator.legacy_areas)
        return con.execute(f"SELECT * EXCLUDE (file_id) FROM {CANDIDATES} ORDER BY row_number").df().set_index("row_number")


def test_the_loader_normalises_every_column_by_its_domain(validator):
    kind = get_kind("ni7")
    frame = pd.DataFrame(
        {
            "respondent_id": [" a1 "],
            "area_code": ["e06000023"],
            "survey_year": ["2008/09"],
            "influence": ["Positive"],
            "weight": [" 1.5"],
            "org_type": [" Charity "],
            "income_band": [None],
            "funding_satisfaction": ["Agree"],
        },
        dtype="str",
    )
    normalised = normalised_in_duckdb(frame, kind, validator)
    assert normalised.iloc[0].tolist()[:6] == ["a1", "E06000023", "2008", "2", "1.5", "Charity"]
    assert normalised.loc[1, "funding_satisfaction"] == "4"


def test_normalising_distinct_values_once_gives_the_same_result(validator):
    kind = get_kind("ni7")
    raw = pd.Series(["Agree", None, "agree ", "Don't know", "Agree", "7.0", None, "Maybe"] * 50, dtype="str")
    frame = pd.DataFrame({column: pd.Series(pd.NA, index=raw.index, dtype="str") for column in kind.columns})
    frame["funding_satisfaction"] = raw
    in_duckdb = normalised_in_duckdb(frame, kind, validator)["funding_satisfaction"].astype("str")
    assert values(in_duckdb) == values(normalise_agreement(raw))


@pytest.mark.parametrize("domain", ["text", "number"])
def test_sql_normalisers_match_the_python_rules(domain):
    values = pd.Series(["a", " a ", "\u00a0b\u3000", "\x1cc\x1f", "", "   ", "\t\n", "x y", "\u200bz", None, "1.50 "], dtype="str")
    with duckdb.connect() as con:
        con.register("v", pd.DataFrame({"value": values}))
        in_sql = con.execute(f"SELECT {SQL_NORMALISERS[domain]('value')} FROM v").df().iloc[:, 0].astype("str")
    assert in_sql.fillna("<missing>").tolist() == NORMALISERS[domain](values).fillna("<missing>").tolist()
