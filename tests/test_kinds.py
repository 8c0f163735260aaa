"""A survey kind is defined once, in scorecard/kinds.py. What cannot be derived from that
definition — the staging tables' SQL, the Great Expectations suites — is checked against it here."""

import json

import duckdb
import pytest

from scorecard.ingest.normalise import NORMALISERS
from scorecard.kinds import KINDS
from scorecard.paths import EXPECTATIONS_DIR, SQL_DIR
from scorecard.warehouse.build import ensure_schema

LINEAGE = ["source_file", "row_number", "file_sha256", "run_id"]
# The staging type each value domain loads as.
STAGING_TYPES = {
    "text": "VARCHAR",
    "area": "VARCHAR",
    "code": "VARCHAR",
    "category": "VARCHAR",
    "year": "INTEGER",
    "scale": "TINYINT",
    "number": "DOUBLE",
    "influence": "TINYINT",
    "agreement": "TINYINT",
}


@pytest.fixture(scope="module")
def staging_columns():
    with duckdb.connect() as con:
        ensure_schema(con)
        rows = con.execute(
            "SELECT table_schema || '.' || table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'staging' ORDER BY table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, data_type, nullable in rows:
        columns.setdefault(table, []).append((column, data_type, nullable))
    return columns


def suite(kind):
    return json.loads((EXPECTATIONS_DIR / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_staging_table_is_the_template_plus_lineage(kind, staging_columns):
    definition = KINDS[kind]
    found = staging_columns[definition.staging_table]
    assert [name for name, _, _ in found] == [*definition.columns, *LINEAGE, *definition.as_written_columns]
    never_empty = {e["kwargs"]["column"] for e in suite(kind)["expectations"] if e["type"] == "expect_column_values_to_not_be_null"}
    for name, data_type, nullable in found[: len(definition.columns)]:
        assert data_type == STAGING_TYPES[definition.domains[name]], name
        assert (nullable == "NO") == (name in never_empty), f"{name}: NOT NULL in staging exactly when the suite requires a value"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_column_has_a_known_domain_and_the_key_is_required(kind):
    definition = KINDS[kind]
    assert set(definition.domains) == set(definition.columns)
    assert set(definition.domains.values()) <= set(NORMALISERS) == set(STAGING_TYPES)
    assert set(definition.key) <= set(definition.required)
    assert definition.entity_column in definition.required


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_suite_is_named_after_its_kind_and_only_names_template_columns(kind):
    document = suite(kind)
    assert document["name"] == kind
    named = set()
    for expectation in document["expectations"]:
        kwargs = expectation["kwargs"]
        named |= {kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs} | set(kwargs.get("column_list", []))
    assert named <= set(KINDS[kind].columns)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_a_source_in_marts_entity_sources(kind):
    model = (SQL_DIR / "marts" / "096_entity_sources.sql").read_text(encoding="utf-8")
    spec = KINDS[kind]
    assert f"{spec.entity_column}, '{kind}', source_file FROM {spec.staging_table}" in model or (
        f"{spec.entity_column} AS entity_code, '{kind}' AS kind, source_file FROM {spec.staging_table}" in model
    )
