"""Fair peers (issue 14) on the demo warehouse, recomputed by hand: same type in similar places (broad
rural–urban class of the home district) and the community scorecard's nearest neighbours."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import DEMO_RAW
from scorecard.frameworks import CONTEXT_VARIABLES, load_frameworks, parse_framework
from scorecard.paths import REFERENCE_DIR, SCORECARDS_DIR
from scorecard.warehouse.transform import transform

HARBOURSIDE = "10001465"  # general FE college, Bristol (Predominantly Urban)
KERNOW = "10061317"  # the only general FE college in a Predominantly Rural district
YEAR = 2023


@pytest.fixture(scope="module")
def warehouse(demo_warehouse) -> Path:
    return demo_warehouse


def frame(path: Path, sql: str, parameters: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, parameters or []).df()


def broad_classes() -> dict[str, str]:
    """Defra's broad class of every district, under its 2011 and its 2018 code (the reference file)."""
    with (REFERENCE_DIR / "catchment" / "RUC_LAD_2011_EN_LU.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return {code: row["Broad RUC11"].strip() for row in rows for code in (row["LAD11CD"], row["LAD18CD"])}


def published_learner_satisfaction(warehouse: Path) -> dict[str, float]:
    rows = frame(warehouse, "SELECT ukprn, mean_score FROM marts.learner_satisfaction WHERE survey_year = ? AND NOT suppressed", [YEAR])
    return dict(zip(rows.ukprn, rows.mean_score, strict=True))


def test_similar_place_peer_mean_by_hand(warehouse):
    register = pd.read_csv(DEMO_RAW / "providers" / "provider_register.csv", dtype=str)
    register["type"] = register.provider_type.str.lower()
    register["broad_class"] = register.area_code.map(broad_classes())
    me = register.set_index("ukprn").loc[HARBOURSIDE]
    assert me.broad_class == "Predominantly Urban"
    values = published_learner_satisfaction(warehouse)
    peers = register[(register.type == me.type) & (register.broad_class == me.broad_class) & (register.ukprn != HARBOURSIDE)]
    assert sorted(peers.provider_name) == ["Canalside College (demo)", "Sherwood Edge College (demo)"]  # Birmingham, Mansfield
    published = [values[ukprn] for ukprn in peers.ukprn if ukprn in values]
    mean = round(sum(published) / len(published), 2)

    b = frame(
        warehouse,
        "SELECT * FROM marts.provider_benchmarks WHERE ukprn = ? AND survey_year = ? AND measure = 'learner_satisfaction'",
        [HARBOURSIDE, YEAR],
    ).iloc[0]
    assert (b.ruc_broad_class, b.similar_place_peers, b.similar_place_peer_mean) == ("Predominantly Urban", len(published), mean)
    assert b.similar_place_difference == round(b.value - mean, 2)
    expected = "higher" if mean < b.ci_low else "lower" if mean > b.ci_high else "similar"
    assert b.similar_place_comparison == expected

    c = frame(
        warehouse,
        "SELECT * FROM marts.measure_comparisons WHERE entity_code = ? AND survey_year = ? AND measure = 'learner_satisfaction' AND benchmark = 'similar_place_peers'",
        [HARBOURSIDE, YEAR],
    ).iloc[0]
    assert c.benchmark_label == "providers of the same type (general further education college) in predominantly urban districts"
    assert (c.benchmark_value, c.benchmark_count, c.comparison) == (mean, len(published), expected)
    assert c.significance == {"higher": "better", "lower": "worse", "similar": "similar"}[expected]  # higher is better


def test_nearest_neighbours_by_hand(warehouse):
    (community,) = [f for f in load_frameworks(SCORECARDS_DIR)[0] if f.id == "community_scorecard"]
    assert community.nearest_neighbours is not None
    k, variables = community.nearest_neighbours.k, list(community.nearest_neighbours.variables)
    context = frame(
        warehouse, f"SELECT ukprn, {', '.join(variables)} FROM marts.provider_catchment WHERE survey_year = ? AND in_register", [YEAR]
    ).set_index("ukprn")
    assert len(context) == 10 and context.notna().all().all()  # every demo provider has every variable
    z = (context - context.mean()) / context.std()  # sample standard deviation, as the model
    distance = {
        other: math.sqrt(sum((z.loc[HARBOURSIDE, v] - z.loc[other, v]) ** 2 for v in variables))
        for other in z.index
        if other != HARBOURSIDE
    }
    nearest = sorted(distance, key=lambda other: (distance[other], other))[:k]

    listed = frame(
        warehouse,
        "SELECT neighbour_ukprn, rank, distance FROM marts.provider_nearest_neighbours WHERE framework = 'community_scorecard' AND ukprn = ? AND survey_year = ? ORDER BY rank",
        [HARBOURSIDE, YEAR],
    )
    assert listed.neighbour_ukprn.tolist() == nearest
    assert listed["rank"].tolist() == list(range(1, k + 1))
    assert listed.distance.tolist() == pytest.approx([distance[other] for other in nearest], abs=1e-4)

    values = published_learner_satisfaction(warehouse)
    published = [values[other] for other in nearest if other in values]
    c = frame(
        warehouse,
        "SELECT * FROM marts.measure_comparisons WHERE entity_code = ? AND survey_year = ? AND measure = 'learner_satisfaction' AND benchmark = 'nearest_neighbours'",
        [HARBOURSIDE, YEAR],
    ).iloc[0]
    mean = round(sum(published) / len(published), 2)
    assert (c.benchmark_value, c.benchmark_count) == (mean, len(published))
    assert c.comparison == ("higher" if mean < c.ci_low else "lower" if mean > c.ci_high else "similar")
    assert c.benchmark_label.startswith(f"the {k} providers of any type with the most alike home districts")
    assert c.comparison_note is None or pd.isna(c.comparison_note)


def test_a_provider_with_no_similar_place_peer_gets_null_and_a_note_never_zero(warehouse):
    b = frame(warehouse, "SELECT * FROM marts.provider_benchmarks WHERE ukprn = ? AND survey_year = ?", [KERNOW, YEAR])
    assert (b.ruc_broad_class == "Predominantly Rural").all() and (b.similar_place_peers == 0).all()
    assert b[["similar_place_peer_mean", "similar_place_difference", "similar_place_comparison"]].isna().all().all()
    assert b.national_peers.gt(0).any()  # it has peers of its type, just none in a rural district
    c = frame(
        warehouse,
        "SELECT * FROM marts.measure_comparisons WHERE entity_code = ? AND survey_year = ? AND benchmark = 'similar_place_peers'",
        [KERNOW, YEAR],
    )
    assert len(c) == len(b)
    assert c[["benchmark_value", "comparison", "significance"]].isna().all().all()
    assert (c.benchmark_count == 0).all()
    assert (
        c.comparison_note
        == "no other provider of the same type in a district of the same rural–urban class has a published figure that year"
    ).all()


def test_every_provider_measure_has_one_row_per_benchmark(warehouse):
    counts = frame(
        warehouse,
        "SELECT benchmark, count(*) AS n FROM marts.measure_comparisons WHERE entity_type = 'provider' GROUP BY benchmark ORDER BY benchmark",
    )
    assert counts.set_index("benchmark").n.nunique() == 1
    assert set(counts.benchmark) == {"national_peers", "regional_peers", "similar_place_peers", "nearest_neighbours"}
    duplicates = frame(
        warehouse,
        "SELECT count(*) AS n FROM (SELECT 1 FROM marts.measure_comparisons GROUP BY entity_code, survey_year, measure, benchmark HAVING count(*) > 1)",
    )
    assert duplicates.n[0] == 0


def test_every_context_variable_a_framework_may_name_is_used(warehouse, tmp_path):
    # a framework naming all of them: the model must unpivot each, else no provider would be a candidate
    document = {
        "id": "all_context",
        "name": "All context",
        "entity": "provider",
        "points_per_indicator": 3,
        "indicators": [{"id": "A1", "text": "a"}],
        "nearest_neighbours": {"k": 9, "variables": list(CONTEXT_VARIABLES)},
    }
    build = tmp_path / "build.duckdb"
    shutil.copy(warehouse, build)
    transform(build, [parse_framework(document, tmp_path / "all.yaml")])
    context = frame(
        build, f"SELECT ukprn, {', '.join(CONTEXT_VARIABLES)} FROM marts.provider_catchment WHERE survey_year = ? AND in_register", [YEAR]
    ).set_index("ukprn")
    z = ((context - context.mean()) / context.std()).fillna(0)  # a variable equal everywhere separates nobody
    listed = frame(build, "SELECT ukprn, neighbour_ukprn, distance FROM marts.provider_nearest_neighbours WHERE survey_year = ?", [YEAR])
    assert len(listed) == len(context) * 9
    expected = [math.dist(z.loc[a], z.loc[b]) for a, b in zip(listed.ukprn, listed.neighbour_ukprn, strict=True)]
    assert listed.distance.tolist() == pytest.approx(expected, abs=1e-4)
