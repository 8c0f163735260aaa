"""A value that looks like personal data is quarantined, masked where it is kept, and shown nowhere else."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from scorecard.ingest.personal import MASKED, PERSONAL_VALUE_PATTERN, PERSONAL_VALUE_PATTERNS, masked_sql
from scorecard.pipeline import RunOptions, run
from scorecard.publish.status import warehouse_status

LEAKS = ["dave.pd@example.com", "07700 900123", "07700", "BS1 5TH", "192.168.0.1"]

LOOKS_PERSONAL = [
    "x; dave.pd@example.com (tel 07700 900123)",
    "dave.pd@example.com",
    "07700 900123",
    "+44 7700 900123",
    "+44 (0)20 7946 0000",
    "020 7946 0000",
    "call 01632960001 after 5",
    "BS1 5TH",
    "bs15th",
    "office at SW1A 1AA",
    "192.168.0.1",
    "from 10.0.0.254:8080",
    "fe80::1",
    "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
]
NOT_PERSONAL = [
    "E06000023",
    "E01014516",
    "10001465",
    "R_3PzYXzSIQzNnL8d",
    "11832941843",  # a SurveyMonkey respondent id
    "1.5",
    "2010/11",
    "Very positive",
    "CS01",
    "00HB",
    "A1",
    "12:30:00",
    "2024-05-01 10:30:00",
    "Room B12 on floor 3",
    "1.2.3",
    "Charity (registered)",
]


@pytest.mark.parametrize("value", LOOKS_PERSONAL)
def test_looks_personal(value):
    assert re.search(PERSONAL_VALUE_PATTERN, value)


@pytest.mark.parametrize("value", NOT_PERSONAL)
def test_does_not_look_personal(value):
    assert not re.search(PERSONAL_VALUE_PATTERN, value)


def test_python_and_duckdb_find_the_same_values():
    """The suites' rule runs in Python `re`, the masking in DuckDB's RE2: they must agree on every value,
    including Unicode digits, letters that case-fold to ASCII and line breaks."""
    tricky = ["０７７００ ９００１２３", "\u212a\u212a1 5TH", "BS1 5T\u0048", "07700\n900123", "a@b.c", "a@b.co", "٠٧٧٠٠٩٠٠١٢٣"]
    values = LOOKS_PERSONAL + NOT_PERSONAL + tricky
    with duckdb.connect() as con:
        masked = [row[0] for row in con.execute(f"SELECT {masked_sql('v')} FROM unnest(?::VARCHAR[]) AS t(v)", [values]).fetchall()]
    for value, result in zip(values, masked, strict=True):
        assert (result == MASKED) == bool(re.search(PERSONAL_VALUE_PATTERN, value)), value
    assert len(PERSONAL_VALUE_PATTERNS) == 4


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    root = tmp_path_factory.mktemp("personal")
    ni7 = root / "raw" / "ni7"
    ni7.mkdir(parents=True)
    (ni7 / "ni7_2010.csv").write_text(
        "respondent_id,area_code,survey_year,influence,org_type\n"
        "1,E06000023,2010,1,charity\n"
        '"x; dave.pd@example.com (tel 07700 900123)",E06000023,2010,2,charity\n'  # a personal respondent id
        "3,E06000023,2010,1,ring BS1 5TH office\n"  # a postcode in a kept text column
        "4,192.168.0.1,2010,1,charity\n"  # an IP where a code belongs: two reasons, the value masked in both
    )
    (ni7 / "missing_column.csv").write_text("respondent_id,survey_year,influence\ndave.pd@example.com,2010,1\n")
    warehouse = root / "warehouse" / "scorecard.duckdb"
    summary = run(RunOptions(raw_dir=root / "raw", warehouse=warehouse, settle_seconds=0))
    return summary, warehouse


def test_the_rows_are_quarantined_with_the_reason(outcome):
    summary, warehouse = outcome
    assert (summary.rows_loaded, summary.rows_quarantined) == (1, 4)  # and the rejected file's one row
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT row_number, reasons, rules FROM audit.quarantine WHERE file_path = 'ni7/ni7_2010.csv' ORDER BY 1"
        ).fetchall()
    assert [row[0] for row in rows] == [2, 3, 4]
    assert rows[0][2] == [
        "respondent_id looks like personal data (an e-mail address, UK phone number, full postcode or IP address); the value is masked here"
    ]
    assert "org_type looks like personal data" in rows[1][1]
    assert any(rule.startswith("area_code must be") for rule in rows[2][2]) and any(
        "area_code looks like personal data" in rule for rule in rows[2][2]
    )
    assert f"(got '{MASKED}')" in rows[2][1]


def test_no_personal_value_is_kept_anywhere(outcome):
    summary, warehouse = outcome
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kept = con.execute("SELECT reasons, record::VARCHAR, list_aggregate(rules, 'string_agg', ' | ') FROM audit.quarantine").fetchall()
        records = [json.loads(row[1]) for row in kept]
    assert any(record.get("respondent_id") == MASKED for record in records)  # the rejected file's row, masked too
    text = json.dumps(kept) + json.dumps(summary.files)
    for leak in LEAKS:
        assert leak not in text


def test_no_personal_value_reaches_the_report_or_status(outcome):
    _, warehouse = outcome
    pages = "".join(page.read_text(encoding="utf-8") for page in (warehouse.parent / "reports").rglob("*.html"))
    status = json.dumps(warehouse_status(warehouse, top=50))
    assert "looks like personal data" in pages and "looks like personal data" in status
    for leak in LEAKS:
        assert leak not in pages
        assert leak not in status
