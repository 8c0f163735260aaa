"""Direction of travel that does not mislead (GUIDE §4, issue 11 §2): which years become scorecards
(`scorecard_years`), how many indicators a change rests on (`indicators_compared`) and when it is
`not comparable` (`min_indicators_compared`) — on a tmp_path DuckDB against hand-computed figures,
and in the report."""

from __future__ import annotations

import re

import pytest
import yaml

from scorecard.frameworks import FrameworkError, load_frameworks, parse_framework
from scorecard.publish.report import build_report
from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect
from scorecard.warehouse.transform import transform

LINEAGE = "'test.csv', 1, 'sha', 'run'"
BRISTOL, CAMDEN, BIRMINGHAM = "E06000023", "E09000007", "E08000025"

# Four indicators, T4 informed by NI7 of the same year only (max_age_years 0): 30% → 2 points.
TINY = {
    "id": "tiny",
    "name": "Tiny",
    "entity": "area",
    "points_per_indicator": 3,
    "indicators": [
        {"id": "T1", "text": "one"},
        {"id": "T2", "text": "two"},
        {"id": "T3", "text": "three"},
        {
            "id": "T4",
            "text": "four",
            "evidence": {
                "measure": "ni7_pct_positive",
                "max_age_years": 0,
                "thresholds": [{"from": 0, "score": 0}, {"from": 15, "score": 1}, {"from": 25, "score": 2}, {"from": 35, "score": 3}],
            },
        },
    ],
}
# The same framework publishing evidence-only years too, and asking for 3 indicators compared.
TINY_ALL = {**TINY, "id": "tiny_all", "name": "Tiny (all years)", "scorecard_years": "all", "min_indicators_compared": 3}

# (framework(s), entity, year, indicator, assessor, score)
TINY_SCORES = [
    # Bristol: 2008 has NI7 evidence only; then panel years
    (BRISTOL, 2009, "T1", "agreed", 1),
    (BRISTOL, 2009, "T2", "agreed", 2),
    (BRISTOL, 2009, "T3", "agreed", 1),
    (BRISTOL, 2010, "T1", "agreed", 2),  # T1 +1, T2 0: on 2 indicators
    (BRISTOL, 2010, "T2", "agreed", 2),
    (BRISTOL, 2011, "T1", "agreed", 1),  # T1 −1: on 1 indicator
    # Camden
    (CAMDEN, 2009, "T1", "agreed", 2),
    (CAMDEN, 2009, "T2", "agreed", 2),
    (CAMDEN, 2009, "T3", "agreed", 2),
    (CAMDEN, 2010, "T1", "agreed", 1),  # T1 −1, T2 0: on 2
    (CAMDEN, 2010, "T2", "agreed", 2),
    (CAMDEN, 2011, "T1", "agreed", 2),  # T1 +1, T2 −1: on 2
    (CAMDEN, 2011, "T2", "agreed", 1),
    (CAMDEN, 2012, "T1", "sector", 3),  # one side only: a panel year with nothing scored
    (CAMDEN, 2013, "T1", "agreed", 2),  # compared with 2011, the previous year with a score: T1 0, T2 0
    (CAMDEN, 2013, "T2", "agreed", 1),
]
# The issue's Camden: NI7 2008 only, then panel years, on the real Compact framework (17 indicators, threshold 9).
COMPACT_SCORES = (
    [(2009, f"TS{i:02d}", 2) for i in range(1, 10)]  # + TS10 from NI7 2008 (2 points): 10 scored, total 20
    + [(2010, f"TS{i:02d}", 3) for i in range(1, 9)]  # + TS10 still from NI7 2008: 9 compared, +8
    + [(2011, f"TS{i:02d}", 3) for i in range(1, 8)]  # NI7 2008 now too old: 7 compared, 0
)


def ni7(con, area: str, year: int, positive: int, others: int) -> None:
    for i in range(positive + others):
        con.execute(
            f"INSERT INTO staging.ni7_responses VALUES (?, ?, ?, ?, 1.0, NULL, NULL, NULL, {LINEAGE}, NULL)",
            [f"{area}-{year}-{i}", area, year, "2" if i < positive else "4"],
        )


def assess(con, framework: str, entity: str, year: int, indicator: str, assessor: str, score: int) -> None:
    con.execute(
        f"INSERT INTO staging.assessments VALUES (?, ?, ?, ?, ?, ?, NULL, {LINEAGE})", [framework, entity, year, indicator, assessor, score]
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, frameworks):
    path = tmp_path_factory.mktemp("direction") / "w.duckdb"
    with connect(path) as con:
        ensure_schema(con)
        ni7(con, BRISTOL, 2008, 3, 7)  # 30% → T4 2 points
        ni7(con, CAMDEN, 2008, 3, 7)  # 30% → TS10 2 points, evidence up to 2010
        ni7(con, BIRMINGHAM, 2010, 4, 6)  # 40%: evidence only, never a panel year
        for entity, year, indicator, assessor, score in TINY_SCORES:
            for framework in ("tiny", "tiny_all"):
                assess(con, framework, entity, year, indicator, assessor, score)
        for year, indicator, score in COMPACT_SCORES:
            assess(con, "compact_thriving_sector", CAMDEN, year, indicator, "agreed", score)
    source = tmp_path_factory.mktemp("frameworks")
    tiny = [parse_framework(TINY, source / "tiny.yaml"), parse_framework(TINY_ALL, source / "tiny_all.yaml")]
    transform(path, [f for f in frameworks if f.id == "compact_thriving_sector"] + tiny)
    return path


def query(path, sql, *params):
    with connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


TOTALS = """SELECT year, total_score, indicators_scored, change, direction_of_travel, previous_year, indicators_compared
            FROM marts.scorecard_totals WHERE framework = ? AND entity_code = ? ORDER BY year"""


# ---- framework options ----------------------------------------------------------------------------


def test_defaults_and_shipped_options(frameworks, tmp_path):
    by_id = {f.id: f for f in frameworks}
    assert (by_id["compact_thriving_sector"].scorecard_years, by_id["compact_thriving_sector"].comparable_threshold) == ("panel", 9)
    assert (by_id["community_scorecard"].scorecard_years, by_id["community_scorecard"].comparable_threshold) == ("all", 5)
    tiny = parse_framework(TINY, tmp_path / "tiny.yaml")
    assert (tiny.scorecard_years, tiny.comparable_threshold) == ("panel", 2)  # half of 4
    odd = parse_framework({**TINY, "indicators": TINY["indicators"][:3]}, tmp_path / "odd.yaml")
    assert odd.comparable_threshold == 2  # half of 3, rounded up


@pytest.mark.parametrize(
    "option, message",
    [
        ({"scorecard_years": "evidence"}, "line 5: scorecard_years must be panel or all"),
        ({"min_indicators_compared": 0}, "line 5: min_indicators_compared must be a whole number from 1 to 4"),
        ({"min_indicators_compared": 5}, "line 5: min_indicators_compared must be a whole number from 1 to 4"),
        ({"min_indicators_compared": "half"}, "line 5: min_indicators_compared must be a whole number from 1 to 4"),
        ({"min_indicators_compared": True}, "line 5: min_indicators_compared must be a whole number from 1 to 4"),
    ],
)
def test_bad_options_are_reported_with_file_and_line(tmp_path, option, message):
    document = {"id": "tiny", "name": "Tiny", "entity": "area", "points_per_indicator": 3, **option, "indicators": TINY["indicators"]}
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    frameworks, problems = load_frameworks(tmp_path)
    assert frameworks == [] and len(problems) == 1
    assert f"tiny.yaml: {message}" in problems[0]
    with pytest.raises(FrameworkError, match=re.escape(message.split(": ", 1)[1])):
        parse_framework(document, tmp_path / "tiny.yaml")


# ---- scorecard years ------------------------------------------------------------------------------


def test_by_default_only_panel_years_are_scorecards(warehouse):
    assert query(warehouse, TOTALS, "tiny", BRISTOL) == [
        # 2008 (NI7 evidence only) is no scorecard, so 2009 is the first year: T1 1 + T2 2 + T3 1
        (2009, 4, 3, None, "first year", None, None),
        (2010, 4, 2, 1, "improving", 2009, 2),  # T1 1→2, T2 2→2: +1 on 2 indicators (threshold 2 of 4)
        (2011, 1, 1, -1, "not comparable", 2010, 1),  # T1 2→1 on 1 indicator: change kept, direction not
    ]
    assert query(warehouse, TOTALS, "tiny", CAMDEN) == [
        (2009, 6, 3, None, "first year", None, None),
        (2010, 3, 2, -1, "declining", 2009, 2),  # T1 2→1, T2 2→2
        (2011, 3, 2, 0, "no change", 2010, 2),  # T1 1→2, T2 2→1
        (2012, 0, 0, 0, "not comparable", 2011, 0),  # a panel year (one side scored) with nothing scored
        (2013, 3, 2, 0, "no change", 2011, 2),  # compared with 2011, the last year with a score
    ]
    assert query(warehouse, TOTALS, "tiny", BIRMINGHAM) == []  # NI7 only: never a scorecard


def test_evidence_only_years_still_feed_evidence_and_packs(warehouse):
    # marts.indicator_scores keeps the evidence-only year, marked as no scorecard year
    assert query(
        warehouse,
        """SELECT year, indicator_id, score, basis, evidence_score, evidence_value, scorecard_year FROM marts.indicator_scores
           WHERE framework = 'tiny' AND entity_code = ? AND indicator_id IN ('T1', 'T4') ORDER BY year, indicator_id""",
        BRISTOL,
    ) == [
        (2008, "T1", None, "missing", None, None, False),
        (2008, "T4", 2, "evidence", 2, 30.0, False),
        (2009, "T1", 1, "agreed", None, None, True),
        (2009, "T4", None, "missing", None, None, True),
        (2010, "T1", 2, "agreed", None, None, True),
        (2010, "T4", None, "missing", None, None, True),
        (2011, "T1", 1, "agreed", None, None, True),
        (2011, "T4", None, "missing", None, None, True),
    ]
    assert query(
        warehouse, "SELECT year, evidence_score FROM marts.evidence_scores WHERE framework = 'tiny' AND entity_code = ?", BIRMINGHAM
    ) == [(2010, 3)]


def test_a_framework_can_publish_evidence_only_years(warehouse):
    assert query(warehouse, TOTALS, "tiny_all", BRISTOL) == [
        (2008, 2, 1, None, "first year", None, None),  # T4 from NI7 30%
        (2009, 4, 3, 0, "not comparable", 2008, 0),  # no indicator scored in both years (T4 evidence is same-year only)
        (2010, 4, 2, 1, "not comparable", 2009, 2),  # +1 on 2 indicators, fewer than this framework's 3
        (2011, 1, 1, -1, "not comparable", 2010, 1),
    ]
    assert query(warehouse, TOTALS, "tiny_all", BIRMINGHAM) == [(2010, 3, 1, None, "first year", None, None)]


def test_the_issues_camden_on_the_compact_framework(warehouse):
    assert query(warehouse, TOTALS, "compact_thriving_sector", CAMDEN) == [
        # no 2008 "3/51" scorecard from NI7 alone, so no "declining −1" on one indicator after it
        (2009, 20, 10, None, "first year", None, None),
        # TS01–TS08 2→3 (+8), TS10 2→2 (NI7 2008, within 2 years): 9 of 17 compared, the threshold → comparable
        (2010, 26, 9, 8, "improving", 2009, 9),
        # TS01–TS07 3→3 on 7 indicators: fewer than 9
        (2011, 21, 7, 0, "not comparable", 2010, 7),
    ]


def test_regional_and_tier_direction_counts_add_up(warehouse):
    assert query(
        warehouse,
        """SELECT year, entities, improving, declining, no_change, first_year, not_comparable
           FROM marts.scorecard_totals_by_tier WHERE framework = 'tiny' ORDER BY year""",
    ) == [
        (2009, 2, 0, 0, 0, 2, 0),
        (2010, 2, 1, 1, 0, 0, 0),
        (2011, 2, 0, 0, 1, 0, 1),  # Bristol not comparable, Camden no change
        (2012, 1, 0, 0, 0, 0, 1),
        (2013, 1, 0, 0, 1, 0, 0),
    ]
    # every scorecard counts once in `entities` and in exactly one direction, in every region and tier
    for table in ("marts.scorecard_totals_by_region", "marts.scorecard_totals_by_tier"):
        assert query(
            warehouse, f"SELECT count(*) FROM {table} WHERE improving + declining + no_change + first_year + not_comparable <> entities"
        ) == [(0,)]
    assert query(
        warehouse,
        "SELECT region_name, year, not_comparable FROM marts.scorecard_totals_by_region WHERE framework = 'tiny' AND not_comparable > 0 ORDER BY ALL",
    ) == [("London", 2012, 1), ("South West", 2011, 1)]


# ---- the report -----------------------------------------------------------------------------------


def direction(page: str) -> str:
    match = re.search(r'<p class="stat [^"]*" id="direction">(.*?)</p>', page, re.S)
    assert match, "no direction of travel on the page"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_report_shows_indicators_compared_and_no_arrow_when_not_comparable(warehouse, tmp_path):
    out = tmp_path / "reports"
    build_report(warehouse, out)
    pages = out / "scorecards"
    assert not (pages / f"tiny-{BRISTOL}-2008.html").exists()  # evidence-only year: no page
    assert (pages / f"tiny_all-{BRISTOL}-2008.html").exists()

    not_comparable = direction((pages / f"tiny-{BRISTOL}-2011.html").read_text(encoding="utf-8"))
    assert not_comparable.startswith("not comparable")  # no arrow
    assert not any(arrow in not_comparable for arrow in "▲▼▶●")
    assert "-1 points like for like since 2010, compared on 1 of 4 indicators" in not_comparable
    assert "at least 2 needed" in not_comparable

    improving = direction((pages / f"tiny-{BRISTOL}-2010.html").read_text(encoding="utf-8"))
    assert improving.startswith("▲ improving") and "+1 points like for like since 2009, compared on 2 of 4 indicators" in improving
    compact = direction((pages / f"compact_thriving_sector-{CAMDEN}-2011.html").read_text(encoding="utf-8"))
    assert compact.startswith("not comparable") and "compared on 7 of 17 indicators" in compact
    assert direction((pages / f"compact_thriving_sector-{CAMDEN}-2009.html").read_text(encoding="utf-8")).startswith("● first year")

    index = re.sub(r"<[^>]+>", "", (out / "index.html").read_text(encoding="utf-8"))
    assert "not comparable (-1, compared on 1 of 4 indicators)" in index
    # the index shows each entity's latest scorecard; an earlier year's direction is on its own page
    assert "improving (+8" not in index and "declining (-1" not in index
    improving = direction((pages / f"compact_thriving_sector-{CAMDEN}-2010.html").read_text(encoding="utf-8"))
    assert improving.startswith("▲ improving") and "+8 points like for like since 2009, compared on 9 of 17 indicators" in improving
    declining = direction((pages / f"tiny-{CAMDEN}-2010.html").read_text(encoding="utf-8"))
    assert declining.startswith("▼ declining") and "-1 points like for like since 2009, compared on 2 of 4 indicators" in declining
