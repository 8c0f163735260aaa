"""Normalise and validate the staged rows of a kind in DuckDB, all new files at once.

The Great Expectations suites in expectations/<kind>.json are the rules: `rules.py` compiles them
to SQL that flags exactly the rows GX's own engine flags (tests/test_rules_conformance.py holds
the two to each other). Each expectation's `meta.reason` is the plain-language quarantine reason.
Reference value sets (area codes, frameworks and their indicators) are suite parameters filled in
at validation time. Values are normalised once per distinct value by the rules in normalise.py.

After a run, Great Expectations writes its Data Docs from each file's rule statistics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from scorecard.frameworks import Framework, framework_indicator_pairs
from scorecard.ingest.normalise import NORMALISERS, SQL_NORMALISERS
from scorecard.ingest.personal import PERSONAL_VALUE_PATTERN, masked_sql
from scorecard.ingest.rules import Rule, find_failures, load_rules, rule_statistics, table_failures
from scorecard.kinds import Kind
from scorecard.paths import EXPECTATIONS_DIR
from scorecard.warehouse.sql_text import distinct_values, quote_literal, temp_table_from

KEY_RULE = "expect_compound_columns_to_be_unique"
# Temporary tables of one kind's validation, in the connection that validates.
BATCH, CANDIDATES, FAILURES, VERDICTS = "validate_batch", "validate_candidates", "validate_failures", "validate_verdicts"


def suite_parameters(area_codes: list[str], frameworks: list[Framework], lsoa_codes: list[str]) -> dict:
    """The reference sets the suites name as `{"$PARAMETER": …}`."""
    return {
        "area_codes": sorted(area_codes),
        "entity_code_pattern": entity_code_pattern(area_codes),
        "lsoa_codes": sorted(lsoa_codes),
        "personal_data_pattern": PERSONAL_VALUE_PATTERN,
        "frameworks": [framework.id for framework in frameworks],
        "framework_indicators": framework_indicator_pairs(frameworks),
    }


def entity_code_pattern(area_codes: list[str]) -> str:
    """An assessment's entity: a UKPRN (a provider outside the register still loads, flagged in the
    marts) or a local-authority code of the reference geography, as one regular expression."""
    return "^(?:1[0-9]{7}|" + "|".join(re.escape(code) for code in sorted(area_codes)) + ")$"


@dataclass
class Validator:
    """The suites' rules with this run's reference values, compiled once per kind, and the pre-2011
    area codes that are stored under their GSS code."""

    parameters: dict
    legacy_areas: dict[str, str] = field(default_factory=dict)
    expectations_dir: Path = EXPECTATIONS_DIR
    _rules: dict[str, list[Rule]] = field(default_factory=dict, repr=False)

    def suite_path(self, kind: str) -> Path:
        return self.expectations_dir / f"{kind}.json"

    def rules(self, kind: str) -> list[Rule]:
        if kind not in self._rules:
            self._rules[kind] = load_rules(self.suite_path(kind), self.parameters)
        return self._rules[kind]


@dataclass
class KindValidation:
    """One run's validation of a kind — all its new files in one pass — per expectation, kept for
    Great Expectations' Data Docs."""

    kind: str
    files: list[str]
    statistics: list[dict[str, Any]]


def normalised_value_table(con: duckdb.DuckDBPyConnection, column: str, domain: str, legacy_areas: dict[str, str]) -> str:
    """written → normalised for each distinct value of a column of the batch (each normalised once);
    an area code written as a pre-2011 ONS code becomes its GSS code (`renamed`)."""
    written = distinct_values(con, column, BATCH)
    normalised = NORMALISERS[domain](written)
    renamed = pd.Series(False, index=written.index)
    if domain == "area":
        gss = normalised.map(legacy_areas)
        renamed = gss.notna()
        normalised = gss.where(renamed, normalised)
    frame = pd.DataFrame({"written": written, "normalised": normalised.astype("str"), "renamed": renamed.astype(bool)})
    return temp_table_from(con, f"normalised_{column}", frame)


def find_rule_failures(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> None:
    """FAILURES of CANDIDATES. A key given twice (expect_compound_columns_to_be_unique) is a
    conflict only between rows that are otherwise valid: a row quarantined for its own reasons does
    not take its valid twin with it. So the row rules run first, and the key rules over the rows
    that passed them; `rule` is each rule's position in `rules` either way."""
    key_rules = [position for position, rule in enumerate(rules) if rule.type == KEY_RULE]
    row_rules = [position for position in range(len(rules)) if position not in key_rules]
    find_failures(con, CANDIDATES, [rules[i] for i in row_rules], "validate_row_failures")
    con.execute(f"CREATE OR REPLACE TEMP VIEW validate_otherwise_valid AS {candidates_without('validate_row_failures')}")
    find_failures(con, "validate_otherwise_valid", [rules[i] for i in key_rules], "validate_key_failures")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {FAILURES} AS
        SELECT * REPLACE ({positions_sql(row_rules)} AS rule) FROM validate_row_failures
        UNION ALL
        SELECT * REPLACE ({positions_sql(key_rules)} AS rule) FROM validate_key_failures
        """
    )


def positions_sql(positions: list[int]) -> str:
    """SQL mapping a rule's position in a sub-list back to its position in the whole list."""
    if not positions:
        return "rule"
    return "CASE rule " + " ".join(f"WHEN {sub} THEN {whole}" for sub, whole in enumerate(positions)) + " END"


def candidates_without(failures: str) -> str:
    return f"SELECT c.* FROM {CANDIDATES} c ANTI JOIN {failures} f USING (file_id, row_number)"


def validate_batch(con: duckdb.DuckDBPyConnection, kind: Kind, rules: list[Rule], legacy_areas: dict[str, str]) -> None:
    """Validate the rows of the temp table BATCH (file_id, row_number, excluded, duplicate,
    row_label and the template's columns as written). Leaves CANDIDATES (normalised rows that are
    neither repeats nor non-respondents), FAILURES (one row per failed rule) and VERDICTS
    (file_id, row_number, reasons: every row to quarantine with every reason; rules: the same
    reasons without the values they quote)."""
    joins, columns, as_written = [], [], []
    for column in kind.columns:
        domain = kind.domains[column]
        if domain in SQL_NORMALISERS:
            columns.append(f"{SQL_NORMALISERS[domain](f'b.{column}')} AS {column}")
            continue
        table = normalised_value_table(con, column, domain, legacy_areas)
        joins.append(f"LEFT JOIN {table} ON {table}.written = b.{column}")
        columns.append(f"{table}.normalised AS {column}")
        if domain == "area":  # the code as written stays, after the template's columns, as lineage
            as_written.append(f"CASE WHEN {table}.renamed THEN b.{column} END AS {column}_as_written")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {CANDIDATES} AS SELECT b.file_id, b.row_number, {', '.join([*columns, *as_written])} "
        f"FROM {BATCH} b {' '.join(joins)} WHERE NOT b.duplicate AND b.excluded IS NULL"
    )
    missing = table_failures(con, CANDIDATES, rules)
    if missing:  # mapping gives every template column (absent optional ones empty): the suite and kinds.py disagree
        raise RuntimeError(f"the {kind.name} suite expects columns the template lacks: {[rules[i].column for i in missing]}")
    find_rule_failures(con, rules)
    # Each reason quotes the value as written, where the rule is about one column — masked where it
    # looks like personal data.
    written = " ".join(f"WHEN {quote_literal(column)} THEN {masked_sql(f'b.{column}')}" for column in kind.columns)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {VERDICTS} AS
        WITH reasons AS (
            SELECT f.file_id, f.row_number,
                   string_agg(f.reason || coalesce(' (got ''' || (CASE f.column_name {written} END) || ''')', ''), '; '
                              ORDER BY f.rule) AS reasons,
                   list(f.reason ORDER BY f.rule) AS rules
            FROM {FAILURES} f JOIN {BATCH} b USING (file_id, row_number)
            GROUP BY f.file_id, f.row_number
            UNION ALL
            SELECT file_id, row_number, excluded, [excluded] FROM {BATCH} WHERE excluded IS NOT NULL
        )
        SELECT r.file_id, r.row_number, coalesce(b.row_label || ': ', '') || r.reasons AS reasons, r.rules
        FROM reasons r JOIN {BATCH} b USING (file_id, row_number)
        """
    )


def quarantine_select(kind: Kind) -> str:
    """SQL: every quarantined row of the batch with its reasons and its values as written (masked
    where they look like personal data)."""
    record = ", ".join(f"{quote_literal(column)}, {masked_sql(f'b.{column}')}" for column in kind.columns)
    return (
        f"SELECT v.file_id, v.row_number, v.reasons, v.rules, json_object({record}) AS record "
        f"FROM {VERDICTS} v JOIN {BATCH} b USING (file_id, row_number)"
    )


def good_select() -> str:
    """SQL: the normalised rows of the batch that load."""
    return candidates_without(VERDICTS)


def batch_statistics(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> list[dict[str, Any]]:
    """Per rule, the counts over the whole validated batch, as GX would report them for it."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW validate_batch_whole AS SELECT * REPLACE (0 AS file_id) FROM {CANDIDATES}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW validate_failures_whole AS SELECT * REPLACE (0 AS file_id) FROM {FAILURES}")
    statistics = rule_statistics(con, "validate_batch_whole", "validate_failures_whole", rules)
    if statistics:
        return statistics
    # No row reached validation (every row a repeat or not a respondent): nothing failed.
    return [
        {
            "file_id": 0,
            "rule": position,
            "type": rule.type,
            "column": rule.column,
            "element_count": None if rule.table_level else 0,
            "unexpected_count": None if rule.table_level else 0,
            "missing_count": None if rule.table_level or rule.type == "expect_column_values_to_not_be_null" else 0,
            "success": True,
        }
        for position, rule in enumerate(rules)
    ]


def validate_frame(frame: pd.DataFrame, kind: Kind, validator: Validator) -> pd.DataFrame:
    """Validate normalised-or-not text rows (`row_number` and the template's columns) in memory;
    return the failures (row_number, column_name, reason) — for checking rules by hand and in tests."""
    with duckdb.connect() as con:
        batch = frame.assign(file_id=0, excluded=None, duplicate=False, row_label=None)
        for column in kind.columns:
            batch[column] = batch[column].astype("str") if column in batch else pd.Series(pd.NA, index=batch.index, dtype="str")
        con.register("frame_rows", batch)
        con.execute(f"CREATE TEMP TABLE {BATCH} AS SELECT * FROM frame_rows")
        validate_batch(con, kind, validator.rules(kind.name), validator.legacy_areas)
        failures = con.execute(f"SELECT row_number, column_name, reason FROM {FAILURES} ORDER BY row_number, rule").df()
        reasons = con.execute(f"SELECT row_number, reasons FROM {VERDICTS} ORDER BY row_number").df()
    return failures.merge(reasons, on="row_number", how="left")
