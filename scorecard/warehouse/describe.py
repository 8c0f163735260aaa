"""The warehouse reference, docs/warehouse.md, written from a built warehouse: every schema, table,
view and column with the comment its SQL model gives it (COMMENT ON, beside the definition), and the
measure catalogue (marts.measures). A test builds every model and fails when the file in the
repository differs, so the reference never drifts from the warehouse.

    python -m scorecard.warehouse.describe warehouse/scorecard.duckdb [--output docs/warehouse.md]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from scorecard.paths import PROJECT_ROOT
from scorecard.warehouse.connect import connect

REFERENCE_FILE = PROJECT_ROOT / "docs" / "warehouse.md"
# Schemas whose every table, view and column is described (a test holds them to it).
DESCRIBED_SCHEMAS = ("marts", "audit")
# The staging tables analysts use, described like the marts; the rest of staging and all of
# intermediate are the marts' inputs and internal aggregates, listed by name.
ANALYST_STAGING = (
    "staging.ni7_responses",
    "staging.relationship_poll_responses",
    "staging.learner_survey_responses",
    "staging.employer_survey_responses",
    "staging.assessments",
    "staging.areas",
    "staging.provider_register",
    "staging.imd_lsoa",
    "staging.legacy_area_codes",
)
SCHEMAS = {
    "marts": "What analysts, dashboards, the report and the panel packs read; exported as Parquet and CSV.",
    "audit": "What every run did with every file and row.",
    "staging": "Typed survey rows as loaded, with lineage, and reference data.",
    "intermediate": "Internal aggregates the marts are built from (not exported).",
}
MEASURE_FIELDS = ("unit", "polarity", "entity_type", "definition", "method", "suppression_rule", "source")

RELATIONS = """
    SELECT schema_name, table_name AS name, 'table' AS type, comment FROM duckdb_tables() WHERE database_name = current_database()
    UNION ALL
    SELECT schema_name, view_name, 'view', comment FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
"""


def described(schema: str, table: str) -> bool:
    return schema in DESCRIBED_SCHEMAS or f"{schema}.{table}" in ANALYST_STAGING


def cell(text: str | None) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join((text or "").split()).replace("|", "\\|")


def missing_comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every described table, view or column without a comment, as `schema.table[.column]`."""
    relations = con.execute(f"SELECT schema_name, name, comment FROM ({RELATIONS})").fetchall()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() WHERE database_name = current_database()"
    ).fetchall()
    missing = [f"{schema}.{name}" for schema, name, comment in relations if described(schema, name) and not comment]
    missing += [f"{schema}.{table}.{column}" for schema, table, column, comment in columns if described(schema, table) and not comment]
    return sorted(missing)


def reference(con: duckdb.DuckDBPyConnection) -> str:
    """docs/warehouse.md for the warehouse on `con`."""
    lines = [
        "# Warehouse reference",
        "",
        "<!-- Written by `python -m scorecard.warehouse.describe WAREHOUSE` from a freshly built warehouse: edit the",
        "     COMMENT ON statements in sql/ (or scorecards/measures.yaml), not this file. -->",
        "",
        "Every table, view and column of `marts` and `audit`, and the `staging` tables analysts use, with its description;",
        "then the measure catalogue. The descriptions are the warehouse's own comments: in DuckDB,",
        "`SELECT table_name, comment FROM duckdb_tables()` and `SELECT column_name, comment FROM duckdb_columns()`.",
        "",
    ]
    relations = con.execute(f"SELECT schema_name, name, type, comment FROM ({RELATIONS}) ORDER BY schema_name, name").fetchall()
    columns: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for schema, table, column, data_type, comment in con.execute(
        """SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns()
           WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index"""
    ).fetchall():
        columns.setdefault((schema, table), []).append((column, data_type, comment))
    for schema, about in SCHEMAS.items():
        lines += [f"## `{schema}`", "", about, ""]
        listed = []
        for relation_schema, name, kind, comment in relations:
            if relation_schema != schema:
                continue
            if not described(schema, name):
                listed.append(f"- `{schema}.{name}`" + (f": {cell(comment)}" if comment else ""))
                continue
            lines += [f"### `{schema}.{name}` ({kind})", "", cell(comment), "", "| column | type | description |", "|---|---|---|"]
            lines += [f"| `{column}` | {data_type} | {cell(text)} |" for column, data_type, text in columns[(schema, name)]]
            lines.append("")
        if listed:
            lines += ["Inputs and intermediates of the marts:" if schema == "staging" else "Tables:", "", *listed, ""]
    lines += ["## Measure catalogue", "", "From `scorecards/measures.yaml`, as `marts.measures` holds it.", ""]
    for measure, label, short_label, *details in con.execute(
        f"SELECT measure, label, short_label, {', '.join(MEASURE_FIELDS)} FROM marts.measures ORDER BY entity_type, measure"
    ).fetchall():
        lines += [f"### `{measure}`: {cell(label)}", "", f"- short label: {cell(short_label)}"]
        lines += [f"- {field.replace('_', ' ')}: {cell(value)}" for field, value in zip(MEASURE_FIELDS, details, strict=True)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scorecard.warehouse.describe", description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path, help="a built warehouse (DuckDB file), opened read-only")
    parser.add_argument("--output", type=Path, default=REFERENCE_FILE, help=f"where to write it (default: {REFERENCE_FILE})")
    args = parser.parse_args(argv)
    with connect(args.warehouse, read_only=True) as con:
        missing = missing_comments(con)
        text = reference(con)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    if missing:
        print(f"without a comment: {', '.join(missing)}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
