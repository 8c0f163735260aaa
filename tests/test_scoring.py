"""The scoring rules of GUIDE §4, checked on a tmp_path DuckDB against hand-computed figures."""

import pytest

from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect
from scorecard.warehouse.transform import transform

LINEAGE = "'test.csv', 1, 'sha', 'run'"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, frameworks):
    """Built once: the tests only read it."""
    path = tmp_path_factory.mktemp("scoring") / "w.duckdb"
    with connect(path) as con:
        ensure_schema(con)
        # Bristol NI7 2010: 3 positive answers weighted 2, 7 others weighted 1, one don't know (not in base)
        rows = [(f"p{i}", "2", 2.0) for i in range(3)] + [(f"n{i}", "4", 1.0) for i in range(7)] + [("dk", None, 5.0)]
        for respondent, influence, weight in rows:
            con.execute(
                f"INSERT INTO staging.ni7_responses VALUES (?, 'E06000023', 2010, ?, ?, NULL, NULL, NULL, {LINEAGE}, NULL)",
                [respondent, influence, weight],
            )
        # Camden 2010: 9 answers only → suppressed
        for i in range(9):
            con.execute(
                f"INSERT INTO staging.ni7_responses VALUES (?, 'E09000007', 2010, 1, NULL, NULL, NULL, NULL, {LINEAGE}, NULL)", [f"c{i}"]
            )
        scores = [
            (2009, "TS01", "sector", 1),
            (2009, "TS01", "public_body", 1),
            (2009, "TS03", "sector", 3),
            (2009, "TS03", "public_body", 3),
            (2009, "TS05", "sector", 2),
            (2009, "TS05", "public_body", 2),
            (2010, "TS01", "sector", 2),
            (2010, "TS01", "public_body", 2),  # consensus
            (2010, "TS02", "sector", 1),
            (2010, "TS02", "public_body", 3),  # disputed
            (2010, "TS03", "sector", 1),
            (2010, "TS03", "public_body", 3),
            (2010, "TS03", "agreed", 2),  # agreed
            (2010, "TS04", "sector", 3),  # one side only → missing
            (2011, "TS01", "agreed", 3),
        ]
        for year, indicator, assessor, score in scores:
            con.execute(
                f"INSERT INTO staging.assessments VALUES ('compact_thriving_sector', 'E06000023', ?, ?, ?, ?, NULL, {LINEAGE})",
                [year, indicator, assessor, score],
            )
    transform(path, frameworks)
    return path


def query(path, sql, *params):
    with connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_ni7_weighted_percent_positive_with_wilson_interval_on_effective_base(warehouse):
    # p = 6/13 = 46.15%; n_eff = 13² / (3·4 + 7·1) = 8.895; Wilson 95% = 19.9 – 74.7
    assert query(
        warehouse, "SELECT respondents, positive, pct_positive, ci_low, ci_high, suppressed FROM marts.ni7 WHERE area_code = 'E06000023'"
    ) == [(10, None, None, None, None, True)]  # now secondary suppressed: tier unitary (19) − Bristol would give Camden (9)
    # the weighted figure itself (46.2, 19.9 – 74.7) is checked where Bristol stays published: tests/test_disclosure.py


def test_small_bases_are_suppressed_not_zero(warehouse):
    assert query(
        warehouse, "SELECT area_name, respondents, pct_positive, ci_low, ci_high, suppressed FROM marts.ni7 WHERE area_code = 'E09000007'"
    ) == [("Camden", 9, None, None, None, True)]


def test_final_score_basis(warehouse):
    rows = query(
        warehouse,
        """SELECT indicator_id, score, basis, sector_score, public_body_score, agreed_score, evidence_score
           FROM marts.indicator_scores WHERE entity_code = 'E06000023' AND year = 2010 AND indicator_id IN ('TS01','TS02','TS03','TS04','TS10','TS17')
           ORDER BY indicator_id""",
    )
    assert rows == [
        ("TS01", 2, "consensus", 2, 2, None, None),
        ("TS02", None, "disputed", 1, 3, None, None),
        ("TS03", 2, "agreed", 1, 3, 2, None),
        ("TS04", None, "missing", 3, None, None, None),
        ("TS10", None, "missing", None, None, None, None),  # Bristol's NI7 2010 is suppressed (secondary): no evidence
        ("TS17", None, "missing", None, None, None, None),
    ]
    assert query(
        warehouse, "SELECT count(*), min(max_score) FROM marts.indicator_scores WHERE entity_code = 'E06000023' AND year = 2010"
    ) == [(17, 3)]


def test_totals_and_like_for_like_direction_of_travel(warehouse):
    rows = query(
        warehouse,
        """SELECT year, total_score, max_score, indicators_scored, indicators_disputed, change, direction_of_travel, indicators_compared
           FROM marts.scorecard_totals WHERE entity_code = 'E06000023' ORDER BY year""",
    )
    # The change is computed like for like; on 2 of 17 indicators (fewer than half, 9) it is not comparable.
    # (tests/test_direction_of_travel.py checks improving / no change / declining with a lower threshold.)
    assert rows == [
        (2009, 6, 51, 3, 0, None, "first year", None),
        # total rose 6 → 7, but like for like (TS01 +1, TS03 −1) nothing changed — on 2 indicators
        (2010, 4, 51, 2, 1, 0, "not comparable", 2),  # TS10 has no evidence: Bristol's NI7 2010 is suppressed (secondary)
        # TS01 2 → 3, TS10 evidence (NI7 2010, within 2 years) 3 → 3 — on 2 indicators
        (2011, 3, 51, 1, 0, 1, "not comparable", 1),  # likewise TS10
    ]


def test_regional_and_tier_aggregates(warehouse):
    assert query(
        warehouse, "SELECT region_name, areas, respondents FROM marts.ni7_by_region WHERE survey_year = 2010 ORDER BY region_code"
    ) == [("London", 1, 9), ("South West", 1, 10), ("All surveyed areas in England", 2, 19)]
    assert query(warehouse, "SELECT tier, respondents FROM marts.ni7_by_tier ORDER BY tier") == [("unitary", 19)]
    assert query(
        warehouse, "SELECT tier, year, entities, mean_total_score, improving FROM marts.scorecard_totals_by_tier ORDER BY year"
    ) == [
        ("unitary", 2009, 1, 6.0, 0),
        ("unitary", 2010, 1, 4.0, 0),
        ("unitary", 2011, 1, 3.0, 0),
    ]  # 2011: not comparable; no TS10 evidence
    assert query(warehouse, "SELECT region_name, year, pct_of_max FROM marts.scorecard_totals_by_region WHERE year = 2010") == [
        ("South West", 2010, 7.8)  # 4 / 51 (TS10's NI7 evidence is suppressed)
    ]


def test_areas_reference_covers_tiers_regions_and_abolished_counties(warehouse):
    rows = dict(
        (code, (tier, region, county, current))
        for code, tier, region, county, current in query(
            warehouse,
            "SELECT area_code, tier, region_name, county_code, is_current FROM staging.areas WHERE area_code IN ('E07000176','E10000006','E08000025')",
        )
    )
    assert rows["E07000176"] == ("district", "East Midlands", "E10000024", True)
    assert rows["E10000006"] == ("county", "North West", None, False)  # Cumbria, abolished 2023
    assert rows["E08000025"] == ("unitary", "West Midlands", None, True)
