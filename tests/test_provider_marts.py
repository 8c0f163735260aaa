"""Provider and relationship-poll marts on a tmp_path DuckDB, against hand-computed figures."""

import pandas as pd
import pytest
import yaml

from scorecard.frameworks import load_frameworks
from scorecard.paths import SCORECARDS_DIR
from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect
from scorecard.warehouse.transform import transform

LINEAGE = "'t.csv', 1, 'sha', 'run'"
REGISTER = pd.DataFrame(
    [
        ["10000001", "Provider A", "general further education college", "E06000023", "providers/r.csv"],  # Bristol, South West
        ["10000002", "Provider B", "general further education college", "E08000025", "providers/r.csv"],  # Birmingham
        ["10000004", "Provider D", "general further education college", "E06000023", "providers/r.csv"],
    ],
    columns=["ukprn", "provider_name", "provider_type", "area_code", "source_file"],
    dtype="str",
)
DEPRIVED = ["E01014516", "E01014517", "E01014536", "E01014580"]  # Bristol LSOAs in IMD decile 1
NOT_DEPRIVED = ["E01014487", "E01014491", "E01014494", "E01014500", "E01014504", "E01014505"]  # deciles ≥ 5


def learner(con, ukprn, n, satisfaction, before=None, now=None, lsoas=None):
    for i in range(n):
        con.execute(
            f"INSERT INTO staging.learner_survey_responses VALUES (?, ?, 2023, ?, NULL, NULL, NULL, ?, NULL, ?, ?, NULL, NULL, {LINEAGE})",
            [f"{ukprn}-{i}", ukprn, satisfaction[i], lsoas[i] if lsoas else None, before[i] if before else None, now[i] if now else None],
        )


def poll(con, side, n, agreeing):
    for i in range(n):
        con.execute(
            f"INSERT INTO staging.relationship_poll_responses VALUES (?, 'E06000023', 2010, ?, ?, NULL, NULL, NULL, NULL, NULL, {LINEAGE}, NULL)",
            [f"{side}{i}", side, 5 if i < agreeing else 2],
        )


def build(path, frameworks):
    with connect(path) as con:
        ensure_schema(con)
        learner(
            con,
            "10000001",
            10,
            [5, 6, 7, 8, 9, 10, 7, 8, 6, 4],
            before=[1, 2, 2, 3, 3, 1, 2, 4, 3, 2],
            now=[2, 3, 2, 4, 5, 2, 2, 4, 4, 3],
            lsoas=DEPRIVED + NOT_DEPRIVED,
        )
        learner(con, "10000002", 9, [9] * 9)  # one short of the base: suppressed
        learner(con, "10000004", 10, [8] * 10)
        learner(con, "19999999", 10, [7] * 10)  # well-formed UKPRN, not in the register
        poll(con, "sector", 20, 6)
        poll(con, "public_body", 10, 8)
        for i in range(9):
            con.execute(
                f"INSERT INTO staging.relationship_poll_responses VALUES (?, 'E09000007', 2010, 'sector', 4, NULL, NULL, NULL, NULL, NULL, {LINEAGE}, NULL)",
                [f"c{i}"],
            )
    transform(path, frameworks, providers=REGISTER)
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, frameworks):
    """Built once: the tests only read it."""
    return build(tmp_path_factory.mktemp("provider-marts") / "w.duckdb", frameworks)


def query(path, sql):
    with connect(path, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_learner_satisfaction_with_interval_and_suppression_at_the_boundary(warehouse):
    rows = query(
        warehouse,
        "SELECT ukprn, provider_name, in_register, respondents, mean_score, ci_low, ci_high, suppressed FROM marts.learner_satisfaction ORDER BY ukprn",
    )
    assert rows == [
        # mean 7.0, s = √(30/9) = 1.826, ± 1.96·s/√10 = 1.13
        # A: secondary suppressed — the unitary tier roll-up (29) minus A and D would otherwise give B (tests/test_disclosure.py)
        ("10000001", "Provider A", True, 10, None, None, None, True),
        ("10000002", "Provider B", True, 9, None, None, None, True),  # 9: suppressed
        ("10000004", "Provider D", True, 10, 8.0, 8.0, 8.0, False),  # 10: published
        ("19999999", None, False, 10, 7.0, 7.0, 7.0, False),  # not in the register: loaded and flagged
    ]


def test_distance_travelled(warehouse):
    assert query(
        warehouse,
        "SELECT pairs, mean_before, mean_now, mean_change, pct_improved, suppressed FROM marts.distance_travelled WHERE ukprn = '10000001'",
    ) == [(10, 2.3, 3.1, 0.8, 70.0, False)]


def test_deprivation_reach_against_the_home_local_authority(warehouse):
    # 4 of 10 learners live in Bristol LSOAs of IMD decile 1; 30.0% of Bristol's LSOAs are in deciles 1-2
    assert query(
        warehouse,
        "SELECT learners_with_lsoa, pct_most_deprived_20, local_pct_most_deprived_20, reach_ratio, suppressed FROM marts.deprivation_reach WHERE ukprn = '10000001'",
    ) == [(10, 40.0, 30.0, 1.33, False)]


def test_relationship_poll_perception_gap_and_its_significance(warehouse):
    assert query(
        warehouse,
        "SELECT side, respondents, pct_agree FROM marts.relationship_poll WHERE area_code = 'E06000023' AND statement = 'relationship_good' ORDER BY side",
    ) == [("public_body", 10, 80.0), ("sector", 20, 30.0)]
    # pooled p = 14/30; z = (0.8 − 0.3) / √(p(1−p)(1/20 + 1/10)) = 2.59
    assert query(
        warehouse,
        "SELECT sector_pct_agree, public_body_pct_agree, gap, z, significant FROM marts.relationship_poll_gap WHERE area_code = 'E06000023' AND statement = 'relationship_good'",
    ) == [(30.0, 80.0, 50.0, 2.59, True)]
    assert query(
        warehouse,
        "SELECT sector_respondents, sector_pct_agree, gap, significant FROM marts.relationship_poll_gap WHERE area_code = 'E09000007'",
    ) == [(9, None, None, None)]


def test_provider_benchmarks_against_peers_of_the_same_type(warehouse):
    rows = query(
        warehouse,
        """SELECT ukprn, national_peers, national_peer_mean, national_difference, national_comparison, regional_peers, regional_comparison
                               FROM marts.provider_benchmarks WHERE measure = 'learner_satisfaction' ORDER BY ukprn""",
    )
    assert rows == [
        ("10000001", 1, 8.0, None, None, 1, None),  # B is suppressed, so D is A's only peer; A's own value is suppressed (secondary)
        ("10000002", 1, 8.0, None, None, 0, None),  # A (secondary) is no peer: D alone
        ("10000004", 0, None, None, None, 0, None),  # A (secondary) is no peer
    ]


def test_roll_ups_put_districts_under_their_county(warehouse):
    assert query(
        warehouse,
        "SELECT group_code, group_name, providers, respondents, mean_score FROM marts.provider_survey_rollups WHERE measure = 'learner_satisfaction' AND level = 'region' ORDER BY group_code",
    ) == [
        ("E12000005", "West Midlands", 1, 9, None),
        ("E12000009", "South West", 2, 20, None),
    ]  # South West: secondary (unitary − South West = B)


def test_default_provider_scorecard_scores_from_evidence(warehouse):
    rows = query(
        warehouse,
        "SELECT indicator_id, score, basis FROM marts.indicator_scores WHERE framework = 'community_scorecard' AND entity_code = '10000001' AND indicator_id IN ('CS01', 'CS04', 'CS06', 'CS08') ORDER BY 1",
    )
    # CS01 (learner satisfaction): A's mean is suppressed (secondary), so no evidence
    assert rows == [("CS01", None, "missing"), ("CS04", 2, "evidence"), ("CS06", 3, "evidence"), ("CS08", None, "missing")]


def test_an_organisation_adds_its_own_framework_and_a_broken_one_does_not_stop_it(tmp_path):
    folder = tmp_path / "scorecards"
    folder.mkdir()
    (folder / "harbourside.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "harbourside",
                "name": "Harbourside's own scorecard",
                "entity": "provider",
                "points_per_indicator": 3,
                "scorecard_years": "all",  # no panel has scored yet: evidence-only years are scorecards too
                "indicators": [
                    {
                        "id": "H1",
                        "text": "Learners are happy",
                        "evidence": {"measure": "learner_satisfaction", "thresholds": [{"from": 0, "score": 0}, {"from": 6.5, "score": 3}]},
                    },
                    {
                        "id": "H2",
                        "text": "We work with the Compact",
                    },
                ],
            },
            sort_keys=False,
        )
    )
    (folder / "broken.yaml").write_text(
        "id: broken\nname: Broken\npoints_per_indicator: 3\nindicators:\n  - id: B1\n    text: x\n    evidence:\n"
        "      measure: learner_satisfaction\n      thresholds:\n        - {from: 8, score: 3}\n        - {from: 6, score: 1}\n"
    )
    frameworks, problems = load_frameworks(folder)
    assert [f.id for f in frameworks] == ["harbourside"]
    assert (
        len(problems) == 1 and "broken.yaml: line 10: B1: evidence thresholds need numeric `from` values in ascending order" in problems[0]
    )
    path = build(tmp_path / "w.duckdb", frameworks)
    # Provider D (mean 8.0): A's mean is now suppressed (secondary), so A has no evidence to score
    assert query(
        path,
        "SELECT indicator_id, score, basis FROM marts.indicator_scores WHERE framework = 'harbourside' AND entity_code = '10000004' ORDER BY 1",
    ) == [("H1", 3, "evidence"), ("H2", None, "missing")]
    assert query(
        path, "SELECT total_score, max_score FROM marts.scorecard_totals WHERE framework = 'harbourside' AND entity_code = '10000004'"
    ) == [(3, 6)]


def test_contextual_rules_need_a_contextual_measure(tmp_path):
    (tmp_path / "x.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "x",
                "name": "X",
                "points_per_indicator": 3,
                "indicators": [
                    {
                        "id": "X1",
                        "text": "t",
                        "evidence": {"measure": "learner_satisfaction", "contextual": True, "thresholds": [{"from": 0, "score": 1}]},
                    }
                ],
            }
        )
    )
    frameworks, problems = load_frameworks(tmp_path)
    assert frameworks == [] and "contextual rule needs a measure compared with peers or locality" in problems[0]


def test_shipped_frameworks_load_cleanly():
    frameworks, problems = load_frameworks(SCORECARDS_DIR)
    assert problems == [] and {f.id for f in frameworks} == {"compact_thriving_sector", "community_scorecard"}


def test_an_unregistered_provider_is_flagged_in_every_mart_that_shows_it(warehouse):
    with connect(warehouse, read_only=True) as con:
        provider_marts = [
            (table, column)
            for table, column in con.execute(
                """SELECT table_name, column_name FROM information_schema.columns
                   WHERE table_schema = 'marts' AND column_name IN ('ukprn', 'entity_code')"""
            ).fetchall()
        ]
        flags = {}
        for table, column in provider_marts:
            shown = con.execute(f"SELECT count(*) FROM marts.{table} WHERE {column} = '19999999'").fetchone()[0]
            if shown:
                has_flag = con.execute(
                    "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ? AND column_name = 'in_register'",
                    [table],
                ).fetchone()[0]
                assert has_flag, f"marts.{table} shows an unregistered UKPRN without in_register"
                flags[table] = con.execute(f"SELECT DISTINCT in_register FROM marts.{table} WHERE {column} = '19999999'").fetchall()
        area_flags = con.execute(
            "SELECT DISTINCT in_register FROM marts.scorecard_totals WHERE framework = 'compact_thriving_sector'"
        ).fetchall()
    assert {"learner_satisfaction", "evidence_measures", "indicator_scores", "scorecard_totals"} <= flags.keys()
    assert all(values == [(False,)] for values in flags.values()), flags
    assert area_flags in ([], [(None,)])  # an area has no register


def test_a_poll_area_with_one_side_only_publishes_no_both_sides_figure_under_the_base(warehouse):
    # Camden 2010: 9 sector answers, no public body: the side is suppressed, and the both-sides figure
    # (the same 9 answers) is suppressed on its own base, so it cannot give the side away.
    assert query(
        warehouse,
        "SELECT suppressed, agreeing FROM marts.relationship_poll WHERE area_code = 'E09000007' AND statement = 'relationship_good'",
    ) == [(True, None)]
    assert query(
        warehouse,
        "SELECT base, value, suppressed FROM marts.evidence_measures WHERE measure = 'relationship_good_pct_agree' AND entity_code = 'E09000007'",
    ) == [(9, None, True)]


def test_comparisons_read_through_the_measures_polarity(warehouse):
    rows = query(
        warehouse,
        """SELECT c.comparison, m.polarity, c.significance, count(*) FROM marts.measure_comparisons c
           JOIN marts.measures m USING (measure) GROUP BY ALL""",
    )
    reading = {
        "higher is better": {"higher": "better", "similar": "similar", "lower": "worse"},
        "lower is better": {"higher": "worse", "similar": "similar", "lower": "better"},
        "no direction": {"higher": "higher", "similar": "similar", "lower": "lower"},
    }
    assert rows and all(significance == reading[polarity].get(comparison) for comparison, polarity, significance, _ in rows)
    # Provider A: its satisfaction is hidden by differencing with Bristol's roll-up; its confidence gain has no published peers
    assert query(
        warehouse,
        """SELECT measure, benchmark, benchmark_value, benchmark_count, comparison, significance, comparison_note
           FROM marts.measure_comparisons WHERE entity_code = '10000001' AND measure IN ('learner_satisfaction', 'confidence_change')
           ORDER BY measure, benchmark""",
    ) == [
        ("confidence_change", "national_peers", None, 0, None, None, "no other provider of the same type has a published figure that year"),
        ("confidence_change", "nearest_neighbours", None, 0, None, None, "none of the nearest neighbours has a published figure that year"),
        (
            "confidence_change",
            "regional_peers",
            None,
            0,
            None,
            None,
            "no other provider of the same type in the region has a published figure that year",
        ),
        (
            "confidence_change",
            "similar_place_peers",
            None,
            0,
            None,
            None,
            "no other provider of the same type in a district of the same rural–urban class has a published figure that year",
        ),
        ("learner_satisfaction", "national_peers", 8.0, 1, None, None, "the provider's figure is suppressed (secondary)"),
        ("learner_satisfaction", "nearest_neighbours", 8.0, 1, None, None, "the provider's figure is suppressed (secondary)"),
        ("learner_satisfaction", "regional_peers", 8.0, 1, None, None, "the provider's figure is suppressed (secondary)"),
        ("learner_satisfaction", "similar_place_peers", 8.0, 1, None, None, "the provider's figure is suppressed (secondary)"),
    ]


def test_nearest_neighbours_at_equal_distance_rank_the_lower_ukprn_first(warehouse):
    # A and D share Bristol, so they are alike on every variable (distance 0) and equally far from B
    rows = query(
        warehouse,
        "SELECT ukprn, neighbour_ukprn, rank, distance FROM marts.provider_nearest_neighbours WHERE framework = 'community_scorecard' ORDER BY ukprn, rank",
    )
    assert [(ukprn, neighbour, rank) for ukprn, neighbour, rank, _ in rows] == [
        ("10000001", "10000004", 1),
        ("10000001", "10000002", 2),
        ("10000002", "10000001", 1),
        ("10000002", "10000004", 2),
        ("10000004", "10000001", 1),
        ("10000004", "10000002", 2),
    ]  # k is 3, but each has two others; the unregistered 19999999 has no home district, so is nobody's
    distance = {(ukprn, neighbour): d for ukprn, neighbour, _, d in rows}
    assert distance[("10000001", "10000004")] == 0 and distance[("10000002", "10000001")] == distance[("10000002", "10000004")] > 0


def test_entities_and_indicators_label_the_scores(warehouse):
    assert query(
        warehouse, "SELECT * FROM marts.entities WHERE entity_code IN ('10000001', '19999999', 'E06000023') ORDER BY entity_code"
    ) == [
        ("10000001", "provider", "Provider A", "unitary", "E12000009", "South West", "general further education college", True),
        ("19999999", "provider", "19999999", None, None, None, None, False),
        ("E06000023", "area", "Bristol, City of", "unitary", "E12000009", "South West", None, None),
    ]
    assert query(
        warehouse,
        "SELECT evidence_measure, thresholds, polarity, framework_indicators FROM marts.indicators WHERE framework = 'community_scorecard' AND indicator_id IN ('CS04', 'CS08') ORDER BY position",
    ) == [
        ("confidence_change", "from -5: 0 points; from 0.25: 1 point; from 0.5: 2 points; from 1: 3 points", "higher is better", 10),
        (None, None, None, 10),
    ]
