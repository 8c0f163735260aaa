"""The DuckDB compilation of expectations/*.json (scorecard.ingest.rules) flags exactly the rows
Great Expectations' own pandas engine flags, and reports the same counts.

Fixture frames hold the edge cases of every rule of every suite (nulls, empty strings, whitespace,
trailing newlines, leading zeros, Unicode digits, case differences, the weight regex's lookahead,
duplicate keys with and without nulls, pairs with one side missing). GX validates each frame on its
own (one file = one batch); the same frames go into ONE DuckDB table under different file_ids, so
per-file uniqueness is tested too.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from scorecard.ingest import rules as rules_module
from scorecard.ingest.data_docs import make_context
from scorecard.ingest.personal import PERSONAL_VALUE_PATTERN
from scorecard.ingest.rules import (
    COLUMN_TO_EXIST,
    COMPOUND_UNIQUE,
    IN_SET,
    MATCH_REGEX,
    NOT_MATCH_REGEX,
    NOT_NULL,
    PAIR_IN_SET,
    Rule,
    find_failures,
    load_rules,
    missing_columns,
    rule_statistics,
    suite_result,
    table_failures,
)
from scorecard.ingest.validate import entity_code_pattern

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"
KINDS = ("ni7", "relationship_poll", "learner_survey", "employer_survey", "assessment")

AREA_CODES = ["E06000001", "E07000008", "E08000025", "E09000033", "E10000002"]
FRAMEWORK_INDICATORS = {
    "community_scorecard": ["CS01", "CS02", "CS10"],
    "compact_thriving_sector": ["TS01", "TS02", "TS17"],
}
PARAMETERS: dict[str, Any] = {
    "area_codes": AREA_CODES,
    "entity_code_pattern": entity_code_pattern(AREA_CODES),
    "personal_data_pattern": PERSONAL_VALUE_PATTERN,
    "lsoa_codes": ["E01000001", "E01012345", "E01033768"],
    "frameworks": list(FRAMEWORK_INDICATORS),
    "framework_indicators": [[framework, indicator] for framework, ids in FRAMEWORK_INDICATORS.items() for indicator in ids],
}

# Every column of every kind gets every one of these, so each rule meets each edge case.
EDGE_VALUES = [
    # empty, whitespace, null-looking text (text, not nulls)
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "nan",
    "None",
    "NULL",
    "N/A",
    # numbers: leading zeros, signs, decimals, exponent, whitespace and newlines around them
    "0",
    "00",
    "000",
    "0.0",
    "0.",
    ".0",
    ".5",
    "1.",
    "1e3",
    "-1",
    "+1",
    "01",
    "1",
    "2",
    "5",
    "6",
    "10",
    "11",
    "010",
    " 1",
    "1 ",
    "1\n",
    "\n1",
    "1\r\n",
    "1\n\n",
    "1.5",
    "0.50",
    "2.25",
    "007",
    "10.0",
    "1..5",
    "1.5.",
    "0\n1",
    # Unicode digits (fullwidth, Arabic-Indic): Python's [0-9] is ASCII only
    "２",
    "２０１０",
    "١٢٣",
    "٣",
    "1２",
    # years
    "2010",
    "2010\n",
    "2010 ",
    " 2010",
    "2010/11",
    "2010-11",
    "1950",
    "1949",
    "1999",
    "2099",
    "2100",
    "20100",
    "201",
    "1899",
    # area / entity codes
    "E06000001",
    "E06000001\n",
    "e06000001",
    " E06000001",
    "E06000001 ",
    "E0600000１",
    "E05000001",
    "E10000002",
    "E11000001",
    "E1000000",
    "E060000010",
    "E09000033",
    "E06",
    # LSOA codes
    "E01012345",
    "E01012345\n",
    "e01012345",
    "E0101234",
    "E010123456",
    "W01000001",
    "E01０12345",
    "E01 012345",
    # UKPRNs
    "10012345",
    "10012345\n",
    "1001234",
    "100123456",
    "20012345",
    "１0012345",
    "19999999",
    "01001234",
    # categories and frameworks: case and whitespace differences
    "Sector",
    "sector",
    "SECTOR",
    "sector ",
    "public_body",
    "Public_Body",
    "public body",
    "agreed",
    "Agreed",
    "community_scorecard",
    "Community_scorecard",
    "community_scorecard ",
    "compact_thriving_sector",
    "CS01",
    "cs01",
    "CS01 ",
    "TS01",
    "TS17",
    "CS99",
    # other text
    "Ünïcødé",
    "R1",
    "r1",
    "R1 ",
    "x\ny",
    # personal data, alone and inside other text; and near misses
    "x; dave.pd@example.com (tel 07700 900123)",
    "+44 (0)20 7946 0000",
    "BS1 5TH",
    "192.168.0.1",
    "fe80::1",
    "E06000023",
    "12:30:00",
    "R_3PzYXzSIQzNnL8d",
]
NULLS_PER_COLUMN = 8

# Values that pass the regex rules (in_set columns take their value sets).
VALID = {
    "ukprn": ["10012345", "10000001", "19999999", "10000000"],
    "survey_year": ["2010", "2024", "1999", "1950"],
    "year": ["2010", "1999", "2024"],
    "home_lsoa": ["E01012345", "E01000001", "E01033768"],
    "entity_code": ["E06000001", "E09000033", "10012345", "E10000002"],
    "weight": ["1", "0.5", "2.25", "10", ".5", "1.0", "0.01"],
    "indicator_id": [indicator for ids in FRAMEWORK_INDICATORS.values() for indicator in ids],
}


def suite_path(kind: str) -> Path:
    return EXPECTATIONS / f"{kind}.json"


def kind_rules(kind: str) -> list[Rule]:
    return load_rules(suite_path(kind), PARAMETERS)


def kind_columns(rules: list[Rule]) -> list[str]:
    return list(dict.fromkeys(column for rule in rules for column in rule.columns))


def valid_values(column: str, rules: list[Rule]) -> list[str]:
    for rule in rules:
        if rule.type == IN_SET and rule.columns == (column,):
            return list(rule.values)
    return VALID.get(column, [f"{column}-value"])


def key_columns(rules: list[Rule]) -> list[str]:
    return next(list(rule.columns) for rule in rules if rule.type == COMPOUND_UNIQUE)


def build_frames(kind: str) -> dict[str, pd.DataFrame]:
    """Four files of one kind: two full of edge cases, one all valid, one single empty row."""
    rules = kind_rules(kind)
    columns = kind_columns(rules)
    keys = key_columns(rules)
    rng = random.Random(f"{kind}-conformance")

    def edge_frame(file_number: int) -> pd.DataFrame:
        length = len(EDGE_VALUES) + NULLS_PER_COLUMN + 60
        data: dict[str, list[str | None]] = {}
        for column in columns:
            if column == "respondent_id":
                fill = [f"R{file_number}-{n}" for n in range(60)]
            else:
                valid = valid_values(column, rules)
                fill = [valid[n % len(valid)] for n in range(60)]
            values: list[str | None] = [*EDGE_VALUES, *([None] * NULLS_PER_COLUMN), *fill]
            rng.shuffle(values)
            data[column] = values[:length]
        empty = {column: None for column in columns}
        only_first = {**empty, columns[0]: data[columns[0]][0]}
        # an entirely empty row first, and a row with only its first column last (added: every edge value stays)
        return pd.concat(
            [pd.DataFrame([empty], dtype="str"), pd.DataFrame(data, dtype="str"), pd.DataFrame([only_first], dtype="str")],
            ignore_index=True,
        )

    def with_rows(frame: pd.DataFrame, rows: list[dict[str, str | None]]) -> pd.DataFrame:
        return pd.concat([frame, pd.DataFrame(rows, columns=columns, dtype="str")], ignore_index=True)

    first = edge_frame(1)
    complete = first.dropna(subset=keys)
    base = complete.iloc[0].to_dict()
    unique_in_first = complete.iloc[1].to_dict()
    clean = {column: valid_values(column, rules)[0] for column in columns}
    extra: list[dict[str, str | None]] = [
        base,  # three rows with one key: all flagged
        base,
        {**base, keys[0]: None},  # the same key with a null: ignored, not a duplicate
        {**base, keys[-1]: None},
        {**base, keys[0]: str(base[keys[0]]).swapcase() + "x"},  # case / whitespace differences: not duplicates
        {**base, keys[0]: f"{base[keys[0]]} "},
        {**clean, **{key: "" for key in keys}},  # empty strings are values: duplicates
        {**clean, **{key: "" for key in keys}},
        {**clean, **{key: "dup-with-null" for key in keys}, keys[1]: None},  # duplicates with a null: ignored
        {**clean, **{key: "dup-with-null" for key in keys}, keys[1]: None},
        {**clean, **{key: None for key in keys}},
        {**clean, **{key: None for key in keys}},
    ]
    if "framework" in columns and "indicator_id" in columns:
        extra += [
            {**clean, "framework": "community_scorecard", "indicator_id": "CS02"},  # a known pair
            {**clean, "framework": "community_scorecard", "indicator_id": "TS01"},  # indicator of another framework
            {**clean, "framework": "Community_scorecard", "indicator_id": "CS01"},  # case
            {**clean, "framework": None, "indicator_id": "CS01"},  # one side missing: ignored
            {**clean, "framework": "community_scorecard", "indicator_id": None},
            {**clean, "framework": None, "indicator_id": "nonsense"},
            {**clean, "framework": "compact_thriving_sector", "indicator_id": ""},
        ]
    first = with_rows(first, extra)

    second = edge_frame(2)
    # the key that is unique in the first file, once in the second: not a duplicate (per file)
    second = with_rows(second, [unique_in_first, {**base, **{column: None for column in columns if column not in keys}}])

    valid_rows = [{column: valid_values(column, rules)[n % len(valid_values(column, rules))] for column in columns} for n in range(5)]
    for n, row in enumerate(valid_rows):
        if "respondent_id" in row:
            row["respondent_id"] = f"V{n}"
        if "framework" in row:
            row["framework"], row["indicator_id"] = PARAMETERS["framework_indicators"][n]
    valid = pd.DataFrame(valid_rows, columns=columns, dtype="str")
    empty = pd.DataFrame({column: [None] for column in columns}, dtype="str")
    return {f"{kind}-edges-1": first, f"{kind}-edges-2": second, f"{kind}-valid": valid, f"{kind}-empty": empty}


# ---- Great Expectations, run once per module ---------------------------------------------------


class GXRunner:
    def __init__(self) -> None:
        self.context = make_context()
        self.source = self.context.data_sources.add_pandas("exports")
        self.batches: dict[str, Any] = {}

    def validate(self, kind: str, frame: pd.DataFrame, suite_document: dict | None = None):
        from great_expectations.core import ExpectationSuite
        from great_expectations.validator.v1_validator import Validator as GXValidator

        if kind not in self.batches:
            self.batches[kind] = self.source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe("file")
        document = suite_document or json.loads(suite_path(kind).read_text(encoding="utf-8"))
        suite = ExpectationSuite(**document)
        assert len(suite.expectations) == len(document["expectations"])
        validator = GXValidator(
            batch_definition=self.batches[kind],
            batch_parameters={"dataframe": frame},
            result_format={
                "result_format": "COMPLETE",
                "partial_unexpected_count": 0,
                "exclude_unexpected_values": True,
                "return_unexpected_index_query": False,
            },
        )
        return validator.validate_expectation_suite(suite, PARAMETERS)


@pytest.fixture(scope="module")
def gx_runner() -> GXRunner:
    return GXRunner()


def raised(outcome: Any) -> bool:
    """Whether GX could not run the expectation. Its exception_info is either one
    {"raised_exception": …} dict or, when a metric fails, a dict of those keyed by metric id."""
    info = outcome.exception_info or {}
    return bool(info.get("raised_exception")) or any(isinstance(value, dict) and value.get("raised_exception") for value in info.values())


def in_suite_order(result: Any, rules: list[Rule]) -> list[Any]:
    """GX's expectation results, one per rule in suite order (GX returns them grouped by column,
    not in suite order), matched on type and resolved kwargs."""

    def key(kind: str, kwargs: dict) -> str:
        return json.dumps([kind, {name: value for name, value in kwargs.items() if name != "batch_id"}], sort_keys=True)

    by_key: dict[str, list[Any]] = {}
    for outcome in result.results:
        by_key.setdefault(key(outcome.expectation_config.type, outcome.expectation_config.kwargs), []).append(outcome)
    ordered = [by_key[key(rule.type, rule.kwargs)].pop(0) for rule in rules]
    assert len(ordered) == len(result.results) and not any(by_key.values())
    return ordered


@pytest.fixture(scope="module")
def fixtures(gx_runner) -> dict[str, dict[str, tuple[pd.DataFrame, Any, list[Any]]]]:
    """kind → file_id → (frame, GX's suite validation result for that frame alone, its
    expectation results in suite order)."""
    runs: dict[str, dict[str, tuple[pd.DataFrame, Any, list[Any]]]] = {}
    for kind in KINDS:
        runs[kind] = {}
        for file_id, frame in build_frames(kind).items():
            assert all(str(dtype) == "str" for dtype in frame.dtypes)  # like the pipeline's normalised frames
            result = gx_runner.validate(kind, frame)
            for outcome in result.results:
                assert not raised(outcome), outcome.exception_info
            runs[kind][file_id] = (frame, result, in_suite_order(result, kind_rules(kind)))
    return runs


def load_table(con: duckdb.DuckDBPyConnection, name: str, frames: dict[str, pd.DataFrame], seed: str) -> None:
    """All files of a kind in one table (rows shuffled), as the pipeline stages them."""
    parts = [frame.assign(file_id=file_id, row_number=range(len(frame))) for file_id, frame in frames.items()]
    combined = pd.concat(parts, ignore_index=True)
    combined = combined.sample(frac=1, random_state=random.Random(seed).randrange(2**31)).reset_index(drop=True)
    con.register("staged_frames", combined)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM staged_frames")
    con.unregister("staged_frames")
    # the table holds exactly the frames' values (NaN → NULL, no whitespace or Unicode changes)
    for file_id, frame in frames.items():
        columns = ", ".join(f'"{column}"' for column in frame.columns)
        rows = con.execute(f"SELECT {columns} FROM {name} WHERE file_id = ? ORDER BY row_number", [file_id]).fetchall()
        expected = [tuple(None if pd.isna(value) else value for value in row) for row in frame.itertuples(index=False)]
        assert rows == expected


def flagged_by_duckdb(con: duckdb.DuckDBPyConnection, failures: str) -> dict[tuple[str, int], set[int]]:
    flagged: dict[tuple[str, int], set[int]] = {}
    for file_id, rule, row_number in con.execute(f"SELECT file_id, rule, row_number FROM {failures}").fetchall():
        flagged.setdefault((file_id, rule), set()).add(row_number)
    return flagged


# ---- conformance -------------------------------------------------------------------------------


def test_fixtures_exercise_every_rule_and_parameter(fixtures):
    """Every row rule of every suite is both failed and passed by some fixture row, and every
    suite parameter is used, so the conformance tests below are not vacuous."""
    used_parameters: set[str] = set()
    for kind in KINDS:
        document = json.loads(suite_path(kind).read_text(encoding="utf-8"))
        for expectation in document["expectations"]:
            used_parameters |= {value["$PARAMETER"] for value in expectation["kwargs"].values() if isinstance(value, dict)}
        for position, rule in enumerate(kind_rules(kind)):
            if rule.table_level:
                continue
            unexpected = sum(outcomes[position].result["unexpected_count"] for _, _, outcomes in fixtures[kind].values())
            element = sum(outcomes[position].result["element_count"] for _, _, outcomes in fixtures[kind].values())
            assert 0 < unexpected < element, f"{kind} rule {position} ({rule.type} on {rule.column}) is not exercised"
    assert used_parameters == set(PARAMETERS)
    used_types = {rule.type for kind in KINDS for rule in kind_rules(kind)}
    assert used_types == {COLUMN_TO_EXIST, NOT_NULL, IN_SET, MATCH_REGEX, NOT_MATCH_REGEX, COMPOUND_UNIQUE, PAIR_IN_SET}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "regex_batch, short_list",
    [(rules_module.REGEX_BATCH, rules_module.SHORT_LIST), (7, 0)],
    ids=["defaults", "small-batches-join-lists"],
)
def test_duckdb_flags_exactly_the_rows_gx_flags(fixtures, kind, regex_batch, short_list, monkeypatch):
    monkeypatch.setattr(rules_module, "REGEX_BATCH", regex_batch)
    monkeypatch.setattr(rules_module, "SHORT_LIST", short_list)
    rules = kind_rules(kind)
    con = duckdb.connect()
    load_table(con, "staged", {file_id: frame for file_id, (frame, _, _) in fixtures[kind].items()}, kind)
    find_failures(con, "staged", rules, "failures")
    assert table_failures(con, "staged", rules) == []
    flagged = flagged_by_duckdb(con, "failures")
    for file_id, (_, _, outcomes) in fixtures[kind].items():
        for position, (rule, outcome) in enumerate(zip(rules, outcomes, strict=True)):
            if rule.table_level:
                assert outcome.success and outcome.result == {}
                assert (file_id, position) not in flagged
                continue
            expected = set(outcome.result["unexpected_index_list"])
            assert flagged.get((file_id, position), set()) == expected, f"{file_id}: rule {position} ({rule.type} on {rule.column})"
    # reason and column label ride along with every flagged row
    labels = con.execute("SELECT DISTINCT rule, reason, column_name FROM failures ORDER BY rule").fetchall()
    assert labels == [(position, rules[position].reason, rules[position].column) for position, *_ in labels]


def test_duplicate_keys_are_per_file(fixtures):
    """A key once in each of two files is not a duplicate; three times in one file flags all three."""
    kind = "ni7"
    rules = kind_rules(kind)
    position = next(p for p, rule in enumerate(rules) if rule.type == COMPOUND_UNIQUE)
    keys = list(rules[position].columns)
    (first, _, _), (second, _, second_outcomes) = list(fixtures[kind].values())[:2]
    shared = first[keys].dropna().merge(second[keys].dropna())
    assert len(shared) >= 1
    con = duckdb.connect()
    load_table(con, "staged", {"a": first, "b": second}, "per-file")
    find_failures(con, "staged", rules, "failures")
    flagged = flagged_by_duckdb(con, "failures")
    in_second = second[keys].reset_index().merge(shared)["index"].tolist()
    assert not set(in_second) & flagged.get(("b", position), set())
    assert not set(in_second) & set(second_outcomes[position].result["unexpected_index_list"])
    assert len(flagged[("a", position)]) >= 3


def test_gx_semantics_the_compiler_reproduces(fixtures):
    """The behaviours that differ from what DuckDB's own operators would do, spelled out: GX's
    regexes are Python `re.search` ($ before a final newline, lookahead, ASCII [0-9]), value sets
    compare exactly, and nulls are skipped (not_null aside)."""
    frame, _, outcomes = fixtures["ni7"]["ni7-edges-1"]
    rules = kind_rules("ni7")

    def flagged(rule_type: str, column: str) -> set[str | None]:
        position = next(p for p, rule in enumerate(rules) if rule.type == rule_type and rule.column == column)
        rows = outcomes[position].result["unexpected_index_list"]
        return {None if pd.isna(value) else value for value in frame[column].iloc[rows]}

    def passed(rule_type: str, column: str) -> set[str | None]:
        return {None if pd.isna(value) else value for value in frame[column]} - flagged(rule_type, column)

    weight_failed, weight_passed = flagged(MATCH_REGEX, "weight"), passed(MATCH_REGEX, "weight")
    assert {"0", "0.0", "00", "000", "1e3", "-1", "1.", "", " ", "1 ", " 1", "١٢٣", "２", "0\n1"} <= weight_failed
    assert {".5", "1", "0.50", "007", "1\n", "10.0", "2.25"} <= weight_passed
    assert {"1\n\n", "\n1", "1\r\n"} <= weight_failed  # $ matches before ONE final newline only
    year_failed, year_passed = flagged(MATCH_REGEX, "survey_year"), passed(MATCH_REGEX, "survey_year")
    assert {"2010/11", "２０１０", "2010 ", " 2010", "1949", "2100", "20100"} <= year_failed
    assert {"2010", "2010\n", "1950", "2099"} <= year_passed
    assert {"e06000001", "E06000001\n", " E06000001", "E0600000１"} <= flagged(IN_SET, "area_code")
    assert "E06000001" in passed(IN_SET, "area_code")
    assert {" 1", "1 ", "1\n", "01", "２", "١٢٣"} <= flagged(IN_SET, "influence")
    assert None not in flagged(IN_SET, "influence") and None in passed(IN_SET, "influence")
    assert flagged(NOT_NULL, "survey_year") == {None}  # "", " " and "nan" are values, not nulls


@pytest.mark.parametrize("kind", KINDS)
def test_statistics_and_suite_result_match_gx(fixtures, kind):
    rules = kind_rules(kind)
    con = duckdb.connect()
    load_table(con, "staged", {file_id: frame for file_id, (frame, _, _) in fixtures[kind].items()}, kind)
    find_failures(con, "staged", rules, "failures")
    statistics = rule_statistics(con, "staged", "failures", rules)
    assert {entry["file_id"] for entry in statistics} == set(fixtures[kind])
    for file_id, (_, gx_result, outcomes) in fixtures[kind].items():
        entries = [entry for entry in statistics if entry["file_id"] == file_id]
        assert [entry["rule"] for entry in entries] == list(range(len(rules)))
        for entry, outcome in zip(entries, outcomes, strict=True):
            where = f"{file_id}: rule {entry['rule']} ({entry['type']})"
            assert entry["success"] == outcome.success, where
            assert entry["element_count"] == outcome.result.get("element_count"), where
            assert entry["unexpected_count"] == outcome.result.get("unexpected_count"), where
            assert entry["missing_count"] == outcome.result.get("missing_count"), where

        ours = suite_result(suite_path(kind), PARAMETERS, entries, meta={"source_file": file_id})
        assert type(ours) is type(gx_result)
        assert ours.success == gx_result.success
        assert ours.suite_name == gx_result.suite_name
        assert ours.statistics == gx_result.statistics
        assert ours.meta["source_file"] == file_id
        for mine, theirs in zip(ours.results, outcomes, strict=True):
            assert type(mine) is type(theirs)
            assert mine.success == theirs.success
            assert mine.expectation_config.type == theirs.expectation_config.type
            gx_kwargs = {key: value for key, value in theirs.expectation_config.kwargs.items() if key != "batch_id"}
            assert json.loads(json.dumps(mine.expectation_config.kwargs)) == json.loads(json.dumps(gx_kwargs))
            assert mine.expectation_config.meta == theirs.expectation_config.meta
            gx_numbers = {key: value for key, value in theirs.result.items() if key != "unexpected_index_list"}
            assert mine.result == gx_numbers
            assert mine.exception_info == theirs.exception_info
        json.dumps(ours.to_json_dict())  # ready for a validation results store / Data Docs
    assert any(result.success for _, result, _ in fixtures[kind].values())
    assert not all(result.success for _, result, _ in fixtures[kind].values())


def test_missing_column_is_a_table_level_failure(fixtures, gx_runner):
    """GX fails expect_column_to_exist with no rows and cannot run the column's other rules; the
    DuckDB side reports the same table-level failure and refuses to run rules on a missing column."""
    kind = "ni7"
    rules = kind_rules(kind)
    frame = fixtures[kind][f"{kind}-valid"][0].drop(columns=["influence"])
    outcomes = in_suite_order(gx_runner.validate(kind, frame), rules)
    gx_failed = [p for p, outcome in enumerate(outcomes) if rules[p].table_level and not outcome.success]
    crashed = [p for p, outcome in enumerate(outcomes) if raised(outcome)]
    assert gx_failed == [p for p, rule in enumerate(rules) if rule.type == COLUMN_TO_EXIST and rule.column == "influence"]
    assert crashed == [p for p, rule in enumerate(rules) if rule.type in (IN_SET, NOT_MATCH_REGEX) and rule.column == "influence"]

    con = duckdb.connect()
    load_table(con, "staged", {"f": frame}, "missing")
    assert table_failures(con, "staged", rules) == gx_failed
    assert missing_columns(rules, list(frame.columns)) == gx_failed
    with pytest.raises(ValueError, match="influence"):
        find_failures(con, "staged", rules, "failures")
    row_rules = [rule for rule in rules if "influence" not in rule.columns]
    find_failures(con, "staged", row_rules, "failures")
    assert con.execute("SELECT count(*) FROM failures").fetchone() == (0,)
    find_failures(con, "staged", [rule for rule in rules if rule.table_level], "failures")  # no row rules at all
    described = con.execute("SELECT column_name, column_type FROM (DESCRIBE failures)").fetchall()
    assert described == [
        ("file_id", "VARCHAR"),
        ("row_number", "BIGINT"),
        ("rule", "INTEGER"),
        ("reason", "VARCHAR"),
        ("column_name", "VARCHAR"),
    ]
    assert con.execute("SELECT count(*) FROM failures").fetchone() == (0,)


# ---- what the compiler refuses ----------------------------------------------------------------


def write_suite(tmp_path: Path, expectations: list[dict]) -> Path:
    path = tmp_path / "custom.json"
    path.write_text(json.dumps({"name": "custom", "expectations": expectations}), encoding="utf-8")
    return path


IN_SET_KWARGS = {"column": "score", "value_set": ["1", "2"]}
PAIR_KWARGS = {"column_A": "framework", "column_B": "indicator_id", "value_pairs_set": {"$PARAMETER": "framework_indicators"}}


@pytest.mark.parametrize(
    "expectation, words",
    [
        ({"type": "expect_column_values_to_be_between", "kwargs": {"column": "score", "min_value": 0}}, ["to_be_between"]),
        ({"type": "expect_column_values_to_be_in_sett", "kwargs": IN_SET_KWARGS}, ["expect_column_values_to_be_in_sett"]),
        ({"type": IN_SET, "kwargs": {**IN_SET_KWARGS, "mostly": 0.9}}, [IN_SET, "mostly"]),
        ({"type": NOT_NULL, "kwargs": {"column": "score", "mostly": 1}}, [NOT_NULL, "mostly"]),
        ({"type": IN_SET, "kwargs": {**IN_SET_KWARGS, "row_condition": 'col("a")>1', "condition_parser": "great_expectations"}}, [IN_SET]),
        ({"type": MATCH_REGEX, "kwargs": {"column": "score", "regex": "^1$", "row_condition": "x"}}, [MATCH_REGEX, "row_condition"]),
        ({"type": COLUMN_TO_EXIST, "kwargs": {"column": "score", "column_index": 0}}, [COLUMN_TO_EXIST, "column_index"]),
        ({"type": COMPOUND_UNIQUE, "kwargs": {"column_list": ["a", "b"], "ignore_row_if": "never"}}, [COMPOUND_UNIQUE, "ignore_row_if"]),
        ({"type": COMPOUND_UNIQUE, "kwargs": {"column_list": ["a", "b"]}}, [COMPOUND_UNIQUE, "ignore_row_if"]),
        ({"type": PAIR_IN_SET, "kwargs": {**PAIR_KWARGS, "ignore_row_if": "both_values_are_missing"}}, [PAIR_IN_SET, "both_values"]),
        ({"type": PAIR_IN_SET, "kwargs": PAIR_KWARGS}, [PAIR_IN_SET, "ignore_row_if"]),
        ({"type": IN_SET, "kwargs": {"column": "score", "value_set": {"$PARAMETER": "not_given"}}}, [IN_SET, "not_given"]),
        ({"type": IN_SET, "kwargs": {"column": "score", "value_set": [0, 1, 2]}}, [IN_SET, "value_set"]),
        ({"type": IN_SET, "kwargs": {"column": "score"}}, [IN_SET, "value_set"]),
        ({"type": MATCH_REGEX, "kwargs": {"column": "score", "regex": "(unclosed"}}, [MATCH_REGEX, "regex"]),
        ({"type": IN_SET, "kwargs": IN_SET_KWARGS, "expectation_type": IN_SET}, [IN_SET, "expectation_type"]),
    ],
)
def test_unsupported_expectations_raise(tmp_path, expectation, words):
    path = write_suite(tmp_path, [{"type": NOT_NULL, "kwargs": {"column": "score"}}, expectation])
    with pytest.raises(ValueError) as error:
        load_rules(path, PARAMETERS)
    message = str(error.value)
    for word in [str(path), "expectation 1", *words]:
        assert word in message


def test_load_rules_resolves_parameters_and_reasons(tmp_path):
    path = write_suite(
        tmp_path,
        [
            {"type": IN_SET, "kwargs": {"column": "area_code", "value_set": {"$PARAMETER": "area_codes"}}, "meta": {"reason": "bad area"}},
            {"type": PAIR_IN_SET, "kwargs": {**PAIR_KWARGS, "ignore_row_if": "either_value_is_missing"}},
        ],
    )
    in_set, pair = load_rules(path, PARAMETERS)
    assert in_set.values == tuple(AREA_CODES) and in_set.kwargs["value_set"] == AREA_CODES
    assert (in_set.reason, in_set.column, in_set.index) == ("bad area", "area_code", 0)
    assert pair.pairs == tuple(tuple(p) for p in PARAMETERS["framework_indicators"])
    assert (pair.reason, pair.column, pair.index) == (PAIR_IN_SET, "framework + indicator_id", 1)


@pytest.mark.parametrize(
    "pattern, for_re2",
    [
        ("^1[0-9]{7}$", "^1[0-9]{7}(?:\\n?$)"),  # Python's $ also matches before a final newline
        ("a\\.b|[^0-9$]", "a\\.b|[^0-9$]"),  # a $ in a class is a literal in both
        ("^(?:x|y)+?$", "^(?:x|y)+?(?:\\n?$)"),
        ("\\d+", None),  # Unicode digits in Python, ASCII in RE2
        ("\\bword", None),
        ("^(?=.*[1-9])[0-9]+$", None),  # lookahead: RE2 has none
        ("(?i)abc", None),
        ("[]a]", None),
        ("[[:alpha:]]", None),  # a POSIX class to RE2, literal characters to Python
        ("a{,3}", None),
        ("a*+", None),  # possessive in Python 3.11
        ("[a-z", None),
    ],
)
def test_re2_stands_in_for_python_only_where_both_read_the_pattern_alike(pattern, for_re2):
    assert rules_module.re2_equivalent(pattern) == for_re2


def test_re2_finds_what_python_finds_for_every_portable_suite_pattern():
    values = [value for value in EDGE_VALUES if value] + ["10000001\n", "E01014516\n\n", "a@b.co\n", "x\n2010"]
    patterns = {rule.regex for kind in KINDS for rule in kind_rules(kind) if rule.re2_regex} | {PERSONAL_VALUE_PATTERN}
    assert len(patterns) >= 4
    with duckdb.connect() as con:
        for pattern in patterns:
            translated = rules_module.re2_equivalent(pattern)
            assert translated is not None
            found = con.execute("SELECT list(regexp_matches(v, ?)) FROM unnest(?::VARCHAR[]) AS t(v)", [translated, values]).fetchone()[0]
            assert found == [re.search(pattern, value) is not None for value in values], pattern
