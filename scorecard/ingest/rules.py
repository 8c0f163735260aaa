"""Compile the Great Expectations suites in expectations/<kind>.json into DuckDB SQL.

The suites stay the single source of validation rules; this module runs them set-based inside
DuckDB over a table holding every new file of one kind at once, flagging exactly the rows GX's
pandas engine (great_expectations 1.24.1, pandas 3 `str` columns) flags when it validates each
file on its own. tests/test_rules_conformance.py runs GX itself on fixture frames to prove it.

The table has `file_id`, `row_number` and the kind's columns, all VARCHAR, NULL where missing.
A "batch" in GX terms is one file: uniqueness is per `file_id`; map rules are per row anyway.

Semantics, as GX 1.24.1 implements them for pandas (site-packages/great_expectations/...):

* expect_column_to_exist is table-level: GX reports only success (the column is among the
  frame's columns), never rows. `table_failures` returns those that fail for the table (the
  caller rejects the files); `find_failures` never flags rows for them.
* Column map rules (in_set, match_regex) ignore nulls: the pandas condition runs on
  `df[df[column].notnull()]` (expectations/metrics/map_metric_provider/column_condition_partial.py,
  `filter_column_isnull`, default True). expect_column_values_to_not_be_null sets it False and
  flags `column.isnull()` (column_map_metrics/column_values_non_null.py). Empty strings and
  whitespace are values, not nulls.
* in_set is `column.isin(value_set)` (column_map_metrics/column_values_in_set.py): exact,
  case-sensitive string equality. pandas' StringArray.isin silently drops non-string members, so
  a suite with numbers in a value set would reject every row; here that is a ValueError instead.
* match_regex is `column.astype(str).str.contains(regex)` (column_map_metrics/
  column_values_match_regex.py), i.e. Python `re.search` (pandas' object path, flags 0; the
  environment has no pyarrow, so pandas never hands the pattern to RE2). `$` also matches before
  a final "\\n", lookahead works, `[0-9]` is ASCII only. DuckDB's RE2 differs, so each distinct
  non-null value is tested once with Python `re` and the failing values are joined back — unless
  the pattern keeps to a subset both engines read alike (`re2_equivalent`: literals, explicit
  character classes, `(?:…)`, alternation, quantifiers, `^`, `$`), which DuckDB then runs itself.
* not_match_regex is `~column.astype(str).str.contains(regex)` (column_map_metrics/
  column_values_not_match_regex.py): the same test, the other way round — a value fails when
  `re.search` finds the pattern in it.
* expect_compound_columns_to_be_unique with ignore_row_if any_value_is_missing: rows with any
  null key are dropped (execution_engine/pandas_execution_engine.py, get_domain_records), then
  `~df[column_list].duplicated(keep=False)` (multicolumn_map_metrics/compound_columns_unique.py):
  every row of a duplicated combination fails.
* expect_column_pair_values_to_be_in_set with ignore_row_if either_value_is_missing: rows with
  either value null are dropped (get_domain_records), then `(a, b) in set(value_pairs_set)`
  (column_pair_map_metrics/column_pair_values_in_set.py).

Anything else (another expectation type, `mostly`, `row_condition`, another `ignore_row_if`, a
suite parameter that is not given) raises ValueError naming the suite file, the expectation and
the kwarg: skipping a rule silently would weaken validation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from scorecard.warehouse.sql_text import quote_identifier, quote_table

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult

COLUMN_TO_EXIST = "expect_column_to_exist"
NOT_NULL = "expect_column_values_to_not_be_null"
IN_SET = "expect_column_values_to_be_in_set"
MATCH_REGEX = "expect_column_values_to_match_regex"
NOT_MATCH_REGEX = "expect_column_values_to_not_match_regex"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"
PAIR_IN_SET = "expect_column_pair_values_to_be_in_set"

# Expectation type → its kwargs (all required); ignore_row_if must have exactly the value given.
KWARGS: dict[str, frozenset[str]] = {
    COLUMN_TO_EXIST: frozenset({"column"}),
    NOT_NULL: frozenset({"column"}),
    IN_SET: frozenset({"column", "value_set"}),
    MATCH_REGEX: frozenset({"column", "regex"}),
    NOT_MATCH_REGEX: frozenset({"column", "regex"}),
    COMPOUND_UNIQUE: frozenset({"column_list", "ignore_row_if"}),
    PAIR_IN_SET: frozenset({"column_A", "column_B", "value_pairs_set", "ignore_row_if"}),
}
IGNORE_ROW_IF = {COMPOUND_UNIQUE: "any_value_is_missing", PAIR_IN_SET: "either_value_is_missing"}
SUITE_KEYS = frozenset({"name", "expectations", "meta", "id", "notes"})
EXPECTATION_KEYS = frozenset({"type", "kwargs", "meta", "id", "notes", "description"})

# Escaped characters that mean the same literal to Python's `re` and to RE2.
PORTABLE_ESCAPES = frozenset(".()+-[]{}*?|^$/\\")
# Distinct values fetched per round trip when testing a column against its regexes in Python.
REGEX_BATCH = 50_000
# Value lists up to this long are bound as separate parameters of an IN list; longer ones as a join.
SHORT_LIST = 32


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, ready to run."""

    index: int  # position in the suite's `expectations` list
    type: str
    kwargs: dict[str, Any] = field(hash=False)  # as in the suite, with suite parameters resolved
    meta: dict[str, Any] = field(hash=False)
    column: str  # label: the column, or columns joined by ' + '
    reason: str  # plain-language quarantine reason (meta.reason, else the type)
    columns: tuple[str, ...]  # columns the rule reads (column_A, column_B for pairs)
    values: tuple[str, ...] = ()  # expect_column_values_to_be_in_set: the allowed values
    pairs: tuple[tuple[str, str], ...] = ()  # expect_column_pair_values_to_be_in_set: allowed pairs
    regex: str | None = None  # expect_column_values_to_match_regex / _not_match_regex
    re2_regex: str | None = None  # the same pattern for DuckDB's RE2, where it finds exactly what `re` finds

    @property
    def table_level(self) -> bool:
        return self.type == COLUMN_TO_EXIST


def expectation_column(kwargs: Mapping[str, Any]) -> str:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_list" in kwargs:
        return " + ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']} + {kwargs['column_B']}"
    return ""


# ---- loading ----------------------------------------------------------------------------------


def load_rules(suite_path: Path, parameters: Mapping[str, Any]) -> list[Rule]:
    """The suite's expectations, in order, with `{"$PARAMETER": name}` values taken from
    `parameters`. Raises ValueError for anything this module cannot run exactly as GX does."""
    try:
        document = json.loads(Path(suite_path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{suite_path}: not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise ValueError(f"{suite_path}: expected a JSON object with name and expectations")
    unknown = sorted(set(document) - SUITE_KEYS)
    if unknown:
        raise ValueError(f"{suite_path}: unsupported suite key(s) {', '.join(unknown)}")
    if not isinstance(document.get("name"), str) or not document["name"]:
        raise ValueError(f"{suite_path}: the suite needs a non-empty name")
    expectations = document.get("expectations")
    if not isinstance(expectations, list):
        raise ValueError(f"{suite_path}: expectations must be a list")
    return [_load_rule(suite_path, index, expectation, parameters) for index, expectation in enumerate(expectations)]


def _load_rule(suite_path: Path, index: int, expectation: object, parameters: Mapping[str, Any]) -> Rule:
    where = f"{suite_path}: expectation {index}"
    if not isinstance(expectation, dict):
        raise ValueError(f"{where}: expected an object with type and kwargs")
    kind = expectation.get("type")
    where = f"{where} ({kind})"
    if kind not in KWARGS:
        raise ValueError(f"{where}: unsupported expectation type {kind!r} (supported: {', '.join(KWARGS)})")
    unknown = sorted(set(expectation) - EXPECTATION_KEYS)
    if unknown:
        raise ValueError(f"{where}: unsupported key(s) {', '.join(unknown)}")
    raw = expectation.get("kwargs")
    meta = expectation.get("meta") or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: kwargs must be an object")
    if not isinstance(meta, dict):
        raise ValueError(f"{where}: meta must be an object")
    unsupported = sorted(set(raw) - KWARGS[kind])
    if unsupported:
        name = unsupported[0]
        raise ValueError(f"{where}: unsupported kwarg {name!r}={raw[name]!r} (supported: {', '.join(sorted(KWARGS[kind]))})")
    absent = sorted(KWARGS[kind] - set(raw))
    if absent:
        name = absent[0]
        required = f" (must be {IGNORE_ROW_IF[kind]!r}: GX's default differs)" if name == "ignore_row_if" else ""
        raise ValueError(f"{where}: missing kwarg {name!r}{required}")
    kwargs = {name: _resolve(value, parameters, f"{where}: kwarg {name!r}") for name, value in raw.items()}

    def text(name: str) -> str:
        value = kwargs[name]
        if not isinstance(value, str) or not value:
            raise ValueError(f"{where}: kwarg {name!r} must be a non-empty string, not {value!r}")
        return value

    def strings(name: str, value: object) -> list[str | None]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, set, frozenset)):
            raise ValueError(f"{where}: kwarg {name!r} must be a list, not {type(value).__name__}")
        items = list(value)
        bad = [item for item in items if item is not None and not isinstance(item, str)]
        if bad:
            # pandas' StringArray.isin drops non-strings: they would never match, rejecting every row.
            raise ValueError(f"{where}: kwarg {name!r} must hold strings; got {bad[:3]!r}")
        return items

    if "ignore_row_if" in kwargs and kwargs["ignore_row_if"] != IGNORE_ROW_IF[kind]:
        raise ValueError(f"{where}: unsupported kwarg 'ignore_row_if'={kwargs['ignore_row_if']!r} (only {IGNORE_ROW_IF[kind]!r})")

    columns: tuple[str, ...]
    values: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    regex: str | None = None
    if kind == COMPOUND_UNIQUE:
        column_list = kwargs["column_list"]
        if not isinstance(column_list, list) or len(column_list) < 2 or not all(isinstance(c, str) and c for c in column_list):
            raise ValueError(f"{where}: kwarg 'column_list' must list at least two column names")
        columns = tuple(column_list)
        kwargs["column_list"] = list(column_list)
    elif kind == PAIR_IN_SET:
        columns = (text("column_A"), text("column_B"))
        listed = [strings("value_pairs_set", pair) for pair in _pairs(kwargs["value_pairs_set"], where)]
        # GX drops rows with a null in either column first, so a pair holding a null never matches.
        pairs = tuple(dict.fromkeys((a, b) for a, b in listed if a is not None and b is not None))
        kwargs["value_pairs_set"] = listed
    else:
        columns = (text("column"),)
        if kind == IN_SET:
            items = strings("value_set", kwargs["value_set"])
            # Nulls are filtered out before isin runs, so a null member changes nothing.
            values = tuple(dict.fromkeys(item for item in items if item is not None))
            kwargs["value_set"] = items
        elif kind in (MATCH_REGEX, NOT_MATCH_REGEX):
            regex = text("regex")
            try:
                re.compile(regex)
            except re.error as error:
                raise ValueError(f"{where}: kwarg 'regex' is not a valid Python regular expression: {error}") from error
    reason = meta.get("reason") if isinstance(meta.get("reason"), str) and meta.get("reason") else kind
    return Rule(
        index=index,
        type=kind,
        kwargs=kwargs,
        meta=dict(meta),
        column=expectation_column(kwargs),
        reason=str(reason),
        columns=columns,
        values=values,
        pairs=pairs,
        regex=regex,
        re2_regex=re2_equivalent(regex) if regex is not None else None,
    )


def _pairs(value: object, where: str) -> list[Sequence[Any]]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, set, frozenset)):
        raise ValueError(f"{where}: kwarg 'value_pairs_set' must be a list of [A, B] pairs")
    pairs = list(value)
    for pair in pairs:
        if isinstance(pair, (str, bytes, Mapping)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"{where}: kwarg 'value_pairs_set' must be a list of [A, B] pairs; got {pair!r}")
    return pairs


def _resolve(value: object, parameters: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, dict):
        if set(value) != {"$PARAMETER"}:
            raise ValueError(f"{where}: unsupported object {value!r} (only {{'$PARAMETER': name}})")
        name = value["$PARAMETER"]
        if not isinstance(name, str) or name not in parameters:
            given = ", ".join(sorted(parameters)) or "none"
            raise ValueError(f"{where}: suite parameter {name!r} was not given (given: {given})")
        return parameters[name]
    return value


# ---- running ----------------------------------------------------------------------------------


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name → DuckDB type of `table`."""
    description = con.execute(f"SELECT * FROM {quote_table(table)} LIMIT 0").description or []
    return {str(column[0]): str(column[1]) for column in description}


def table_failures(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule]) -> list[int]:
    """Positions in `rules` of the table-level rules (expect_column_to_exist) that `table` fails.

    GX reports such a failure with no rows; the caller rejects the files. (Every file of a kind is
    mapped onto all of the kind's columns before it gets here, so this guards the table, and a
    file's own header can be checked the same way with `missing_columns`.)"""
    return missing_columns(rules, table_columns(con, table))


def missing_columns(rules: list[Rule], columns: Sequence[str] | Mapping[str, Any]) -> list[int]:
    """Positions in `rules` of the expect_column_to_exist rules whose column is not in `columns`."""
    present = set(columns)
    return [position for position, rule in enumerate(rules) if rule.table_level and rule.columns[0] not in present]


def _check_table(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule]) -> dict[str, str]:
    columns = table_columns(con, table)
    for needed in ("file_id", "row_number"):
        if needed not in columns:
            raise ValueError(f"table {table} has no {needed} column")
    for position, rule in enumerate(rules):
        if rule.table_level:
            continue
        for column in rule.columns:
            if column not in columns:
                # GX cannot run the expectation either (it fails with an exception, not with rows).
                raise ValueError(f"rule {position} ({rule.type} on {rule.column}) needs column {column!r}, which table {table} lacks")
            if columns[column].upper() != "VARCHAR":
                raise ValueError(f"rule {position} ({rule.type}): column {column!r} of {table} is {columns[column]}, not VARCHAR")
    collation = con.execute("SELECT current_setting('default_collation')").fetchone()
    if collation and collation[0]:
        raise ValueError(f"default_collation is {collation[0]!r}: GX compares strings exactly, so it must be unset")
    return columns


def re2_equivalent(pattern: str) -> str | None:
    """The pattern for DuckDB's RE2 when RE2's search finds a match in exactly the strings Python's
    `re.search` does; None when that cannot be told from the text (Python then tests the values).

    Conservative: literals, escaped punctuation, explicit character classes, non-capturing or plain
    groups, alternation, greedy and lazy quantifiers, `^` and `$` only. Not \\d \\w \\s \\b (Unicode
    in Python, ASCII in RE2), flags, lookarounds, backreferences, possessive quantifiers, `{,n}`,
    nested or POSIX classes. Python's `$` also matches before a final newline: for RE2 it is
    `(?:\\n?$)`, which finds a match in the same strings."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char, following = pattern[i], pattern[i + 1 : i + 2]
        if char == "\\":
            if following not in PORTABLE_ESCAPES or not following:
                return None
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "[":
                return None
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            opening = "[^" if pattern.startswith("[^", i) else "["
            if pattern.startswith("]", i + len(opening)):
                return None  # a leading ']' is read differently
            in_class = True
            out.append(opening)
            i += len(opening)
            continue
        elif char == "(" and following == "?":
            if not pattern.startswith("(?:", i):
                return None
            out.append("(?:")
            i += 3
            continue
        elif (char in "*+?}" and following == "+") or pattern.startswith("{,", i):
            return None
        elif char == "$":
            out.append("(?:\\n?$)")
        else:
            out.append(char)
        i += 1
    return None if in_class else "".join(out)


def _regex_failures(con: duckdb.DuckDBPyConnection, source: str, rules: list[Rule]) -> dict[int, list[str]]:
    """Rule position → the distinct non-null values of its column that fail it: for match_regex,
    those Python `re.search` finds no match in; for not_match_regex, those it finds one in.

    Each column is read once, as distinct values in batches, whatever the number of rows."""
    by_column: dict[str, list[tuple[int, re.Pattern[str], bool]]] = {}  # (position, pattern, fails when found)
    for position, rule in enumerate(rules):
        if rule.type in (MATCH_REGEX, NOT_MATCH_REGEX) and rule.regex is not None and rule.re2_regex is None:
            by_column.setdefault(rule.columns[0], []).append((position, re.compile(rule.regex), rule.type == NOT_MATCH_REGEX))
    failing: dict[int, list[str]] = {position: [] for patterns in by_column.values() for position, _, _ in patterns}
    for column, patterns in by_column.items():
        name = quote_identifier(column)
        result = con.execute(f"SELECT DISTINCT {name} FROM {source} WHERE {name} IS NOT NULL")
        while batch := result.fetchmany(REGEX_BATCH):
            values = [row[0] for row in batch]
            for position, pattern, fails_on_match in patterns:
                search = pattern.search
                failing[position].extend([value for value in values if (search(value) is not None) is fails_on_match])
    return failing


def _bind(params: dict[str, object], prefix: str, values: Sequence[str]) -> str:
    """Named parameters $prefix_0, $prefix_1, … for `values`, as a comma-separated list."""
    names = []
    for number, value in enumerate(values):
        params[f"{prefix}_{number:d}"] = value
        names.append(f"${prefix}_{number:d}")
    return ", ".join(names)


def _branch(position: int, rule: Rule, source: str, regex_failures: dict[int, list[str]], params: dict[str, object]) -> str | None:
    """SELECT file_id, row_number, rule for the rows `rule` flags (None: it can flag none).

    Values are bound as parameters: a short list as `IN ($v_0, …)` (fastest), a long one as one
    list parameter unnested into an anti/semi join (an IN list of hundreds is compared linearly)."""
    head = f"SELECT t.file_id, t.row_number, {position:d}::INTEGER AS rule FROM {source} AS t"
    columns = [quote_identifier(column) for column in dict.fromkeys(rule.columns)]
    if rule.type == NOT_NULL:
        return f"{head} WHERE t.{columns[0]} IS NULL"
    if rule.type == IN_SET:
        column = columns[0]
        if len(rule.values) <= SHORT_LIST:
            outside = f" AND t.{column} NOT IN ({_bind(params, f'v{position:d}', rule.values)})" if rule.values else ""
            return f"{head} WHERE t.{column} IS NOT NULL{outside}"
        params[f"v{position:d}"] = list(rule.values)
        return f"{head} ANTI JOIN (SELECT unnest($v{position:d}::VARCHAR[]) AS v) AS s ON t.{column} = s.v WHERE t.{column} IS NOT NULL"
    if rule.type in (MATCH_REGEX, NOT_MATCH_REGEX) and rule.re2_regex is not None:
        params[f"r{position:d}"] = rule.re2_regex
        found = f"regexp_matches(t.{columns[0]}, $r{position:d})"
        return f"{head} WHERE t.{columns[0]} IS NOT NULL AND {found if rule.type == NOT_MATCH_REGEX else f'NOT {found}'}"
    if rule.type in (MATCH_REGEX, NOT_MATCH_REGEX):
        failing = regex_failures.get(position) or []
        if not failing:
            return None
        column = columns[0]
        if len(failing) <= SHORT_LIST:
            return f"{head} WHERE t.{column} IN ({_bind(params, f'v{position:d}', failing)})"
        params[f"v{position:d}"] = failing
        return f"{head} SEMI JOIN (SELECT unnest($v{position:d}::VARCHAR[]) AS v) AS s ON t.{column} = s.v"
    if rule.type == PAIR_IN_SET:
        a, b = (quote_identifier(column) for column in rule.columns)
        params[f"a{position:d}"] = [pair[0] for pair in rule.pairs]
        params[f"b{position:d}"] = [pair[1] for pair in rule.pairs]
        return (
            f"{head} ANTI JOIN (SELECT unnest($a{position:d}::VARCHAR[]) AS a, unnest($b{position:d}::VARCHAR[]) AS b) AS s"
            f" ON t.{a} = s.a AND t.{b} = s.b WHERE t.{a} IS NOT NULL AND t.{b} IS NOT NULL"
        )
    if rule.type == COMPOUND_UNIQUE:
        keys = ", ".join(columns)
        present = " AND ".join(f"{column} IS NOT NULL" for column in columns)
        joined = " AND ".join(f"t.{column} = d.{column}" for column in columns)
        return (
            f"{head} SEMI JOIN (SELECT file_id, {keys} FROM {source} WHERE {present} GROUP BY file_id, {keys} HAVING count(*) > 1) AS d"
            f" ON t.file_id IS NOT DISTINCT FROM d.file_id AND {joined}"
        )
    return None  # table-level rules flag no rows


def find_failures(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule], failures_table: str) -> None:
    """Create or replace the temporary table `failures_table` (file_id, row_number, rule, reason, column_name): one row
    per row of `table` and row rule it fails, `rule` being the position in `rules`. One query for
    all rules (regexes RE2 cannot stand in for are first evaluated in Python, once per distinct value
    of their column).
    Table-level rules flag no rows: see `table_failures`."""
    _check_table(con, table, rules)
    source = quote_table(table)
    params: dict[str, object] = {}
    regex_failures = _regex_failures(con, source, rules)
    branches: list[str] = []
    for position, rule in enumerate(rules):
        branch = _branch(position, rule, source, regex_failures, params)
        if branch is not None:
            branches.append(branch)
    if branches:
        params["rule_ids"] = list(range(len(rules)))
        params["reasons"] = [rule.reason for rule in rules]
        params["labels"] = [rule.column for rule in rules]
        flagged = "\nUNION ALL\n".join(branches)
        query = (
            f"SELECT f.file_id, f.row_number, f.rule, m.reason, m.column_name FROM (\n{flagged}\n) AS f JOIN ("
            "SELECT unnest($rule_ids::INTEGER[]) AS rule, unnest($reasons::VARCHAR[]) AS reason,"
            " unnest($labels::VARCHAR[]) AS column_name) AS m ON f.rule = m.rule"
        )
    else:
        query = (
            "SELECT file_id, row_number, NULL::INTEGER AS rule, NULL::VARCHAR AS reason, NULL::VARCHAR AS column_name"
            f" FROM {source} WHERE false"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_table(failures_table)} AS {query}", params)


def _missing_condition(rule: Rule) -> str | None:
    """SQL for the rows GX counts as missing for `rule` (element_count − its nonnull/filtered count)."""
    columns = [quote_identifier(column) for column in dict.fromkeys(rule.columns)]
    if rule.type in (IN_SET, MATCH_REGEX, NOT_MATCH_REGEX):
        return f"{columns[0]} IS NULL"
    if rule.type in (COMPOUND_UNIQUE, PAIR_IN_SET):  # any/either value is missing → row ignored
        return " OR ".join(f"{column} IS NULL" for column in columns)
    return None  # not_null: GX reports no missing_count; column_to_exist: no counts at all


def rule_statistics(con: duckdb.DuckDBPyConnection, table: str, failures_table: str, rules: list[Rule]) -> list[dict[str, Any]]:
    """Per file_id and rule (position in `rules`), the counts GX reports for that file:
    `{file_id, rule, type, column, element_count, unexpected_count, missing_count, success}`.

    element_count is the file's row count; missing_count is the null count for column map rules,
    the rows ignored by ignore_row_if for pair/compound rules, and None for not_null (GX reports
    none). Table-level rules have only `success` (their column is in the table); counts are None.
    Files with no rows are not in `table`, so they get no statistics."""
    columns = _check_table(con, table, rules)
    source = quote_table(table)
    aggregates = ["count(*) AS element_count"]
    for position, rule in enumerate(rules):
        condition = _missing_condition(rule)
        if condition is not None:
            aggregates.append(f"count(*) FILTER (WHERE {condition}) AS m{position:d}")
    counts = con.execute(f"SELECT file_id, {', '.join(aggregates)} FROM {source} GROUP BY file_id ORDER BY file_id").fetchall()
    flagged = con.execute(f"SELECT file_id, rule, count(*) FROM {quote_table(failures_table)} GROUP BY file_id, rule").fetchall()
    unexpected = {(file_id, rule): n for file_id, rule, n in flagged}
    statistics = []
    for file_id, element_count, *missing_counts in counts:
        missing = iter(missing_counts)
        for position, rule in enumerate(rules):
            entry: dict[str, Any] = {"file_id": file_id, "rule": position, "type": rule.type, "column": rule.column}
            if rule.table_level:
                entry |= {"element_count": None, "unexpected_count": None, "missing_count": None, "success": rule.columns[0] in columns}
            else:
                unexpected_count = int(unexpected.get((file_id, position), 0))
                missing_count = int(next(missing)) if _missing_condition(rule) is not None else None
                entry |= {
                    "element_count": int(element_count),
                    "unexpected_count": unexpected_count,
                    "missing_count": missing_count,
                    "success": unexpected_count == 0,
                }
            statistics.append(entry)
    return statistics


# ---- GX validation results (Data Docs) --------------------------------------------------------


def map_result(element_count: int, unexpected_count: int, missing_count: int | None) -> dict[str, Any]:
    """The `result` dict GX's _format_map_output (expectations/expectation.py) builds, without
    unexpected values or index lists. missing_count None: not_null, which reports no missing."""
    result: dict[str, Any] = {"element_count": element_count, "unexpected_count": unexpected_count}
    total = unexpected_count / element_count * 100 if element_count > 0 else None
    if missing_count is None:
        result["unexpected_percent"] = total
        return result
    nonmissing_count = element_count - missing_count
    nonmissing = unexpected_count / nonmissing_count * 100 if element_count > 0 and nonmissing_count > 0 else None
    result["unexpected_percent"] = nonmissing
    result["missing_count"] = missing_count
    result["missing_percent"] = missing_count / element_count * 100 if element_count > 0 else None
    result["unexpected_percent_total"] = total
    result["unexpected_percent_nonmissing"] = nonmissing
    return result


def suite_result(
    suite_path: Path,
    parameters: Mapping[str, Any],
    statistics_for_one_file: list[dict[str, Any]],
    meta: Mapping[str, Any] | None = None,
) -> ExpectationSuiteValidationResult:
    """A GX ExpectationSuiteValidationResult for one file, from its `rule_statistics` entries
    (computed with all of `load_rules(suite_path, parameters)`, in order). `meta` is added to the
    result's meta (e.g. the source file). Imports GX, which takes seconds: call it for Data Docs only."""
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    from great_expectations.validator.validation_statistics import calc_validation_statistics

    document = json.loads(Path(suite_path).read_text(encoding="utf-8"))
    rules = load_rules(suite_path, parameters)
    by_rule = {entry["rule"]: entry for entry in statistics_for_one_file}
    if len({entry["file_id"] for entry in statistics_for_one_file}) > 1:
        raise ValueError("suite_result takes the statistics of one file")
    if sorted(by_rule) != list(range(len(rules))) or len(statistics_for_one_file) != len(rules):
        raise ValueError(f"{suite_path}: statistics must hold exactly one entry per rule 0..{len(rules) - 1}")
    results = []
    for position, rule in enumerate(rules):
        entry = by_rule[position]
        if entry["type"] != rule.type:
            raise ValueError(f"{suite_path}: statistics entry {position} is for {entry['type']}, the suite has {rule.type} there")
        config = ExpectationConfiguration(type=rule.type, kwargs=dict(rule.kwargs), meta=dict(rule.meta))
        result = {} if rule.table_level else map_result(entry["element_count"], entry["unexpected_count"], entry["missing_count"])
        results.append(
            ExpectationValidationResult(
                success=bool(entry["success"]),
                expectation_config=config,
                result=result,
                exception_info={"raised_exception": False, "exception_traceback": None, "exception_message": None},
            )
        )
    statistics = calc_validation_statistics(results)
    return ExpectationSuiteValidationResult(
        success=statistics.success,
        results=results,
        suite_name=document["name"],
        statistics={
            "evaluated_expectations": statistics.evaluated_expectations,
            "successful_expectations": statistics.successful_expectations,
            "unsuccessful_expectations": statistics.unsuccessful_expectations,
            "success_percent": statistics.success_percent,
        },
        meta={"great_expectations_version": gx.__version__, **(meta or {})},
    )
