"""Disclosure control (GUIDE §4 "Small numbers", issue 11 §1): a suppressed cell publishes its base and
nothing else, and no suppressed value can be recovered by summing or differencing published cells.

Each mart is built on a tmp_path DuckDB with hand-computed expectations; `determined` then checks,
by linear algebra over every total-and-parts equation of the mart, that no suppressed numerator is
determined by the published numerators (bases stay published, so they need no check)."""

import numpy as np
import pandas as pd
import pytest

from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect
from scorecard.warehouse.disclosure import suppress
from scorecard.warehouse.transform import transform

LINEAGE = "'t.csv', 1, 'sha', 'run'"


def query(path, sql):
    with connect(path, read_only=True) as con:
        return con.execute(sql).fetchall()


def determined(equations, published):
    """The unknown cells fixed by `equations` (each: total cell, [part cells], meaning total = Σ parts)
    given the `published` values {cell: value}: a cell is determined when its unit vector lies in
    the row space of the equations over the unknowns (any sum or difference of them gives it)."""
    unknown = sorted({c for total, parts in equations for c in [total, *parts] if c not in published})
    if not unknown:
        return set()
    index = {c: i for i, c in enumerate(unknown)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(unknown))
        for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cell in index:
                row[index[cell]] += sign
        rows.append(row)
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    return {c for c in unknown if np.linalg.matrix_rank(np.vstack([matrix, np.eye(len(unknown))[index[c]]])) == rank}


def test_determined_finds_a_total_minus_its_parts():
    # the attack of the issue: total 23 and one part published give the other part
    assert determined([("all", ["a", "b"])], {"all": 11, "b": 9}) == {"a"}
    assert determined([("all", ["a", "b", "c"])], {"all": 11, "b": 9}) == set()


# ---------------------------------------------------------------------------------------------- NI7

NI7_AREAS = {  # area: (region, tier, answers, positive) — all 2010, weight 1 except Bristol
    "E06000023": ("E12000009", "unitary", 10, 3),  # Bristol: weighted as in test_scoring
    "E09000007": ("E12000007", "unitary", 9, 9),  # Camden: 9 → primary; London (9) primary too
    "E06000001": ("E12000001", "unitary", 10, 5),  # Hartlepool
    "E06000015": ("E12000004", "unitary", 30, 12),  # Derby
    "E07000032": ("E12000004", "district", 8, 2),  # Amber Valley: 8 → primary
    "E07000033": ("E12000004", "district", 15, 6),  # Bolsover
    "E10000007": ("E12000004", "county", 20, 10),  # Derbyshire
}


def ni7_warehouse(path, frameworks, areas, year, weighted=()):
    """A warehouse of NI7 answers: per area (n answers, the first `positive` of them positive), weight 2
    on the positive answers of the `weighted` areas; then the marts."""
    with connect(path) as con:
        ensure_schema(con)
        for area, (n, positive) in areas.items():
            for i in range(n):
                weight = (2.0 if i < positive else 1.0) if area in weighted else None
                con.execute(
                    f"INSERT INTO staging.ni7_responses VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, {LINEAGE}, NULL)",
                    [f"{area}-{i}", area, year, 2 if i < positive else 4, weight],
                )
    transform(path, frameworks)
    return path


@pytest.fixture(scope="module")
def ni7(tmp_path_factory, frameworks):
    areas = {area: (n, positive) for area, (_, _, n, positive) in NI7_AREAS.items()}
    return ni7_warehouse(tmp_path_factory.mktemp("disclosure-ni7") / "w.duckdb", frameworks, areas, 2010, weighted={"E06000023"})


def test_ni7_primary_and_secondary_suppression(ni7):
    # Round 1: East Midlands has one hidden area (Amber Valley) → its smallest other area, Bolsover (15);
    # tier unitary has one (Camden) → the smallest other, Hartlepool (10, ties by code before Bristol);
    # tier district → Bolsover; England by region has one (London) → the smallest other region, North East
    # (10, ties by code before South West). Round 2: every group has 0 or ≥ 2 hidden cells.
    assert query(ni7, "SELECT area_code, respondents, positive, pct_positive, suppression FROM marts.ni7 ORDER BY area_code") == [
        ("E06000001", 10, None, None, "secondary"),
        ("E06000015", 30, 12, 40.0, None),
        ("E06000023", 10, 3, 46.2, None),
        ("E07000032", 8, None, None, "primary"),
        ("E07000033", 15, None, None, "secondary"),
        ("E09000007", 9, None, None, "primary"),
        ("E10000007", 20, 10, 50.0, None),
    ]
    assert query(
        ni7, "SELECT region_code, respondents, positive, suppressed, suppression FROM marts.ni7_by_region ORDER BY region_code"
    ) == [
        ("E12000001", 10, None, True, "secondary"),
        ("E12000004", 73, 30, False, None),
        ("E12000007", 9, None, True, "primary"),
        ("E12000009", 10, 3, False, None),
        ("E92000001", 102, 47, False, None),
    ]
    assert query(ni7, "SELECT tier, respondents, positive, suppression FROM marts.ni7_by_tier ORDER BY tier") == [
        ("county", 20, 10, None),
        ("district", 23, 8, None),
        ("unitary", 59, 29, None),
    ]


def test_ni7_suppressed_cells_publish_their_base_and_nothing_else(ni7):
    rows = query(
        ni7, "SELECT respondents, positive, pct_positive, ci_low, ci_high, suppressed FROM marts.ni7 WHERE suppression IS NOT NULL"
    )
    assert len(rows) == 4 and all(r[0] > 0 and r[1:] == (None, None, None, None, True) for r in rows)
    # no weighted base (Σw) is published anywhere, so weighted shares cannot be differenced either
    for mart in ("ni7", "ni7_by_region", "ni7_by_tier"):
        columns = [
            c for (c,) in query(ni7, f"SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = '{mart}'")
        ]
        at = columns.index("suppressed")
        assert columns[at : at + 2] == ["suppressed", "suppression"] and not any("weight" in c for c in columns)


def test_ni7_published_values_are_unchanged(ni7):
    # Bristol keeps its weighted figure: p = 6/13 = 46.15%; n_eff = 13² / (3·4 + 7·1) = 8.895; Wilson 95% = 19.9 – 74.7
    assert query(
        ni7,
        "SELECT respondents, positive, pct_positive, ci_low, ci_high, suppressed, suppression FROM marts.ni7 WHERE area_code = 'E06000023'",
    ) == [(10, 3, 46.2, 19.9, 74.7, False, None)]


def test_ni7_no_suppressed_count_can_be_derived(ni7):
    cells = {}
    for level, sql in [
        ("area", "SELECT area_code, positive, suppressed FROM marts.ni7"),
        ("region", "SELECT region_code, positive, suppressed FROM marts.ni7_by_region"),
        ("tier", "SELECT tier, positive, suppressed FROM marts.ni7_by_tier"),
    ]:
        for code, positive, suppressed in query(ni7, sql):
            cells[(level, code)] = (positive, suppressed)
    published = {c: v for c, (v, s) in cells.items() if not s}
    hidden = {c for c, (_, s) in cells.items() if s}
    areas = [("area", a) for a in NI7_AREAS]
    equations = [(("region", "E92000001"), areas)]  # England = all areas
    for region in {r for r, _, _, _ in NI7_AREAS.values()}:
        equations.append((("region", region), [("area", a) for a, v in NI7_AREAS.items() if v[0] == region]))
    for tier in {t for _, t, _, _ in NI7_AREAS.values()}:
        equations.append((("tier", tier), [("area", a) for a, v in NI7_AREAS.items() if v[1] == tier]))
    regions = [c for c in cells if c[0] == "region" and c[1] != "E92000001"]
    equations.append((("region", "E92000001"), regions))  # England = its regions
    equations.append((("region", "E92000001"), [c for c in cells if c[0] == "tier"]))  # England = its tiers
    assert len(hidden) == 6
    assert determined(equations, published) & hidden == set()
    # and without secondary suppression the primary cells would be recoverable
    primary_only = {c: v for c, v in published.items()} | {("area", "E06000001"): 5, ("area", "E07000033"): 6, ("region", "E12000001"): 5}
    assert determined(equations, primary_only) >= {("area", "E09000007"), ("area", "E07000032")}


# ---------------------------------------------------------------------------------- relationship poll


def insert_poll_answers(con, groups) -> None:
    """`n` relationship-poll answers per (area, year, side, n, agreeing): the first `agreeing` agree (5),
    the rest disagree (2)."""
    for area, year, side, n, agreeing in groups:
        con.executemany(
            f"INSERT INTO staging.relationship_poll_responses VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, {LINEAGE}, NULL)",
            [[f"{area}{year}{side}{i}", area, year, side, 5 if i < agreeing else 2] for i in range(n)],
        )


@pytest.fixture(scope="module")
def poll(tmp_path_factory, frameworks):
    path = tmp_path_factory.mktemp("disclosure-poll") / "w.duckdb"
    with connect(path) as con:
        ensure_schema(con)
        # Bristol 2010: sector 8 (2 agree) → primary; public bodies 15 (9 agree) → secondary
        # Camden 2010: sector 12 (6 agree), public bodies 10 (5 agree) → both published
        insert_poll_answers(
            con,
            [
                ("E06000023", 2010, "sector", 8, 2),
                ("E06000023", 2010, "public_body", 15, 9),
                ("E09000007", 2010, "sector", 12, 6),
                ("E09000007", 2010, "public_body", 10, 5),
            ],
        )
    transform(path, frameworks)
    return path


def test_relationship_poll_hides_the_small_side_and_its_complement(poll):
    assert query(
        poll,
        """SELECT area_code, side, respondents, agreeing, pct_agree, ci_low, ci_high, mean_score, suppressed, suppression
           FROM marts.relationship_poll ORDER BY area_code, side""",
    ) == [
        ("E06000023", "public_body", 15, None, None, None, None, None, True, "secondary"),
        ("E06000023", "sector", 8, None, None, None, None, None, True, "primary"),
        ("E09000007", "public_body", 10, 5, 50.0, 23.7, 76.3, 3.5, False, None),
        ("E09000007", "sector", 12, 6, 50.0, 25.4, 74.6, 3.5, False, None),
    ]
    assert query(
        poll,
        """SELECT area_code, sector_respondents, sector_pct_agree, public_body_respondents, public_body_pct_agree, gap, z, significant, suppression
           FROM marts.relationship_poll_gap ORDER BY area_code""",
    ) == [("E06000023", 8, None, 15, None, None, None, None, "primary"), ("E09000007", 12, 50.0, 10, 50.0, 0.0, 0.0, False, None)]


def test_relationship_poll_both_sides_minus_one_side_gives_nothing(poll):
    # the both-sides figure stays published (23 answers, 11 agree = 47.8%) ...
    assert query(
        poll,
        "SELECT base, value, suppressed FROM marts.evidence_measures WHERE measure = 'relationship_good_pct_agree' AND entity_code = 'E06000023'",
    ) == [(23, 47.8, False)]
    # ... but with both sides hidden it no longer gives the sector's 2 of 8
    sides = {
        side: agreeing for side, agreeing in query(poll, "SELECT side, agreeing FROM marts.relationship_poll WHERE area_code = 'E06000023'")
    }
    published = {"both": round(47.8 * 23 / 100)} | {s: v for s, v in sides.items() if v is not None}
    assert determined([("both", ["sector", "public_body"])], published) == set()


# -------------------------------------------------------------------------------- provider marts

REGISTER = pd.DataFrame(
    [
        ["10000001", "Provider A", "general further education college", "E06000023", "providers/r.csv"],  # Bristol, South West
        ["10000004", "Provider D", "general further education college", "E06000023", "providers/r.csv"],  # Bristol
        ["10000002", "Provider B", "general further education college", "E08000025", "providers/r.csv"],  # Birmingham, West Midlands
        ["10000005", "Provider E", "general further education college", "E08000026", "providers/r.csv"],  # Coventry, West Midlands
    ],
    columns=["ukprn", "provider_name", "provider_type", "area_code", "source_file"],
    dtype="str",
)
LEARNERS = {"10000001": (10, 7), "10000004": (12, 8), "10000002": (9, 9), "10000005": (20, 6), "19999999": (5, 7)}  # n, score


@pytest.fixture(scope="module")
def providers(tmp_path_factory, frameworks):
    path = tmp_path_factory.mktemp("disclosure-providers") / "w.duckdb"
    with connect(path) as con:
        ensure_schema(con)
        for ukprn, (n, score) in LEARNERS.items():
            for i in range(n):
                con.execute(
                    f"INSERT INTO staging.learner_survey_responses VALUES (?, ?, 2023, ?, NULL, NULL, NULL, NULL, NULL, ?, ?, NULL, NULL, {LINEAGE})",
                    [f"{ukprn}-{i}", ukprn, score, 2, 3 + i % 2],
                )
    transform(path, frameworks, providers=REGISTER)
    return path


def test_provider_roll_ups_and_providers_suppression(providers):
    # B (9) is primary, so is Birmingham (9 = B). B would still follow from West Midlands − E (and from
    # unitary − A − D − E), so E is hidden; E would then follow from Coventry (= E), so Coventry too.
    # West Midlands and unitary now give B + E only: B is free, and A, D and the roll-ups stay published.
    assert query(
        providers,
        "SELECT ukprn, respondents, mean_score, ci_low, ci_high, suppressed, suppression FROM marts.learner_satisfaction ORDER BY ukprn",
    ) == [
        ("10000001", 10, 7.0, 7.0, 7.0, False, None),
        ("10000002", 9, None, None, None, True, "primary"),
        ("10000004", 12, 8.0, 8.0, 8.0, False, None),
        ("10000005", 20, None, None, None, True, "secondary"),
        ("19999999", 5, None, None, None, True, "primary"),  # not in the register: in no roll-up
    ]
    assert query(
        providers,
        "SELECT level, group_code, providers, respondents, mean_score, suppressed, suppression FROM marts.provider_survey_rollups ORDER BY level, group_code",
    ) == [
        ("region", "E12000005", 2, 29, 6.93, False, None),  # (9·9 + 20·6) / 29
        ("region", "E12000009", 2, 22, 7.55, False, None),  # (10·7 + 12·8) / 22
        ("tier", "unitary", 4, 51, 7.2, False, None),  # 367 / 51
        ("upper_tier_area", "E06000023", 2, 22, 7.55, False, None),
        ("upper_tier_area", "E08000025", 1, 9, None, True, "primary"),
        ("upper_tier_area", "E08000026", 1, 20, None, True, "secondary"),
    ]


def test_provider_no_suppressed_sum_can_be_derived(providers):
    # sums of scores (mean × n: every learner of a provider gave the same score, so exact)
    cells = {}
    for ukprn, n, mean, suppressed in query(providers, "SELECT ukprn, respondents, mean_score, suppressed FROM marts.learner_satisfaction"):
        cells[("provider", ukprn)] = (None if suppressed else round(mean * n), suppressed)
    for level, code, n, mean, suppressed in query(
        providers, "SELECT level, group_code, respondents, mean_score, suppressed FROM marts.provider_survey_rollups"
    ):
        cells[(level, code)] = (None if suppressed else round(mean * n), suppressed)
    regions = {"10000001": "E12000009", "10000004": "E12000009", "10000002": "E12000005", "10000005": "E12000005"}
    uppers = {"10000001": "E06000023", "10000004": "E06000023", "10000002": "E08000025", "10000005": "E08000026"}
    equations = [(("region", r), [("provider", p) for p, pr in regions.items() if pr == r]) for r in set(regions.values())]
    equations += [(("upper_tier_area", u), [("provider", p) for p, pu in uppers.items() if pu == u]) for u in set(uppers.values())]
    equations += [(("tier", "unitary"), [("provider", p) for p in regions])]
    equations += [(("region", "E12000005"), [("upper_tier_area", "E08000025"), ("upper_tier_area", "E08000026")])]
    equations += [(("region", "E12000009"), [("upper_tier_area", "E06000023")])]
    equations += [(("tier", "unitary"), [("region", "E12000005"), ("region", "E12000009")])]
    published = {c: v for c, (v, s) in cells.items() if not s}
    hidden = {c for c, (_, s) in cells.items() if s}
    assert determined(equations, published) & hidden == set()
    # primary suppression alone would give B away: West Midlands − E
    primary_only = published | {("provider", "10000005"): 120, ("upper_tier_area", "E08000026"): 120}
    assert ("provider", "10000002") in determined(equations, primary_only)


def test_provider_benchmarks_never_use_a_suppressed_value(providers):
    rows = query(
        providers,
        "SELECT ukprn, value, national_peers, national_peer_mean, national_difference, suppression FROM marts.provider_benchmarks WHERE measure = 'learner_satisfaction' ORDER BY ukprn",
    )
    assert rows == [  # peers: the published providers only (A 7.0, D 8.0)
        ("10000001", 7.0, 1, 8.0, -1.0, None),
        ("10000002", None, 2, 7.5, None, "primary"),
        ("10000004", 8.0, 1, 7.0, 1.0, None),
        ("10000005", None, 2, 7.5, None, "secondary"),
    ]
    # every provider's home district is predominantly urban: its similar-place peers are its national peers
    assert query(
        providers,
        "SELECT ukprn, ruc_broad_class, similar_place_peers, similar_place_peer_mean, similar_place_difference FROM marts.provider_benchmarks WHERE measure = 'learner_satisfaction' ORDER BY ukprn",
    ) == [
        ("10000001", "Predominantly Urban", 1, 8.0, -1.0),
        ("10000002", "Predominantly Urban", 2, 7.5, None),
        ("10000004", "Predominantly Urban", 1, 7.0, 1.0),
        ("10000005", "Predominantly Urban", 2, 7.5, None),
    ]
    # nearest neighbours: B (suppressed) and E (secondary) are listed as neighbours, but never counted in a
    # mean — else A's mean with D and B, less D's published 8.0, would give B's 9.0 away
    assert query(
        providers,
        """SELECT c.entity_code, c.benchmark_value, c.benchmark_count, list(n.neighbour_ukprn ORDER BY n.neighbour_ukprn)
           FROM marts.measure_comparisons c JOIN marts.provider_nearest_neighbours n ON n.ukprn = c.entity_code AND n.survey_year = c.survey_year
           WHERE c.measure = 'learner_satisfaction' AND c.benchmark = 'nearest_neighbours' GROUP BY ALL ORDER BY 1""",
    ) == [
        ("10000001", 8.0, 1, ["10000002", "10000004", "10000005"]),
        ("10000002", 7.5, 2, ["10000001", "10000004", "10000005"]),
        ("10000004", 7.0, 1, ["10000001", "10000002", "10000005"]),
        ("10000005", 7.5, 2, ["10000001", "10000002", "10000004"]),
    ]
    assert query(
        providers,
        "SELECT entity_code FROM marts.evidence_measures WHERE measure = 'learner_satisfaction' AND (value IS NOT NULL OR NOT suppressed) ORDER BY 1",
    ) == [("10000001",), ("10000004",)]


def test_distance_travelled_and_reach_primary_suppression(providers):
    # B: 9 pairs (before 2, now 3 or 4) → every value null; A: 10 pairs published (now 3.5 on average, all improved)
    assert query(
        providers,
        """SELECT ukprn, pairs, mean_before, mean_now, mean_change, change_ci_low, change_ci_high, pct_improved, suppressed, suppression
           FROM marts.distance_travelled WHERE measure = 'confidence' AND ukprn IN ('10000001', '10000002') ORDER BY ukprn""",
    ) == [
        ("10000001", 10, 2.0, 3.5, 1.5, 1.17, 1.83, 100.0, False, None),
        ("10000002", 9, None, None, None, None, None, None, True, "primary"),
    ]
    columns = [
        c
        for (c,) in query(
            providers, "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'deprivation_reach'"
        )
    ]
    assert columns[-2:] == ["suppressed", "suppression"]


# ------------------------------------------------------------------------ several groups combined

LEAK_AREAS = {  # area: (region, tier, answers, positive) — the demo's NI7 2008, 2 areas to a region at most
    "E06000023": ("E12000009", "unitary", 108, 16),  # Bristol
    "E07000176": ("E12000004", "district", 7, 2),  # Rushcliffe: 7 → primary (and the district tier = Rushcliffe)
    "E08000025": ("E12000005", "unitary", 137, 31),  # Birmingham
    "E09000007": ("E12000007", "unitary", 82, 30),  # Camden
    "E10000006": ("E12000002", "county", 72, 8),  # Cumbria
    "E10000024": ("E12000004", "county", 114, 28),  # Nottinghamshire
    "E10000032": ("E12000008", "county", 94, 27),  # West Sussex
}


def ni7_equations(areas):
    """Every total-and-parts equation of one NI7 year: England = its areas = its regions = its tiers;
    each region and each tier = its areas."""
    area_cells = [("area", a) for a in areas]
    regions = sorted({r for r, *_ in areas.values()})
    tiers = sorted({t for _, t, *_ in areas.values()})
    equations = [(("region", "E92000001"), area_cells)]
    equations.append((("region", "E92000001"), [("region", r) for r in regions]))
    equations.append((("region", "E92000001"), [("tier", t) for t in tiers]))
    equations += [(("region", r), [("area", a) for a, v in areas.items() if v[0] == r]) for r in regions]
    equations += [(("tier", t), [("area", a) for a, v in areas.items() if v[1] == t]) for t in tiers]
    return equations


@pytest.fixture(scope="module")
def leak(tmp_path_factory, frameworks):
    areas = {area: (n, positive) for area, (_, _, n, positive) in LEAK_AREAS.items()}
    return ni7_warehouse(tmp_path_factory.mktemp("disclosure-leak") / "w.duckdb", frameworks, areas, 2008)


def ni7_cells(path, year=None):
    where = "" if year is None else f" WHERE survey_year = {year}"
    cells = {}
    for level, sql in [
        ("area", "SELECT area_code, positive, suppression FROM marts.ni7"),
        ("region", "SELECT region_code, positive, suppression FROM marts.ni7_by_region"),
        ("tier", "SELECT tier, positive, suppression FROM marts.ni7_by_tier"),
    ]:
        for code, positive, suppression in query(path, sql + where):
            cells[(level, code)] = (positive, suppression)
    return cells


def test_a_leak_through_several_groups_is_closed(leak):
    # The one-group rule hid Bristol, Camden, Cumbria and Nottinghamshire, North West, London, South West and
    # the county tier (Rushcliffe and the district tier primary) — and yet Cumbria came back: England minus
    # every published area = Bristol + Camden + Rushcliffe + Cumbria + Nottinghamshire; the unitary tier
    # (Bristol + Camden + Birmingham, Birmingham published) gives Bristol + Camden; East Midlands gives
    # Rushcliffe + Nottinghamshire; so Cumbria, and North West = Cumbria.
    equations = ni7_equations(LEAK_AREAS)
    one_group_rule = {("area", a) for a in ("E06000023", "E09000007", "E10000006", "E10000024", "E07000176")}
    one_group_rule |= {("region", r) for r in ("E12000002", "E12000007", "E12000009")} | {("tier", "county"), ("tier", "district")}
    everything = {c for total, parts in equations for c in [total, *parts]}
    assert determined(equations, dict.fromkeys(everything - one_group_rule, 0)) >= {("area", "E10000006"), ("region", "E12000002")}
    # Now: Rushcliffe alone is a region's part (East Midlands = Rushcliffe + Nottinghamshire) and the whole district
    # tier (England = county + district + unitary), so Nottinghamshire and the county tier are hidden — and
    # nothing else: then Rushcliffe + Nottinghamshire, county − Nottinghamshire and district − Rushcliffe are
    # all the published cells give, and any value of Rushcliffe fits them.
    cells = ni7_cells(leak)
    assert {c: s for c, (_, s) in cells.items() if s} == {
        ("area", "E07000176"): "primary",
        ("tier", "district"): "primary",
        ("area", "E10000024"): "secondary",
        ("tier", "county"): "secondary",
    }
    published = {c: v for c, (v, s) in cells.items() if s is None}
    assert determined(equations, published) == set()
    # every published number is the cell's own count
    assert published[("area", "E10000006")] == 8 and published[("region", "E12000002")] == 8
    assert published[("region", "E92000001")] == sum(p for *_, p in LEAK_AREAS.values())


def test_suppress_hides_the_fewest_small_cells_that_leave_a_hidden_cell_free():
    # a table of 2 × 2 areas by 2 tiers with margins: one hidden cell needs three more (a rectangle) — the
    # smallest rectangle through it, not the smallest cells of its row and column one at a time
    cells = {"a1": (5, True), "a2": (40, False), "b1": (30, False), "b2": (35, False), "c1": (12, False), "c2": (11, False)}
    cells |= {"a": (45, False), "b": (65, False), "c": (23, False), "t1": (47, False), "t2": (86, False)}
    groups = {
        "a": [("a", True), ("a1", False), ("a2", False)],
        "b": [("b", True), ("b1", False), ("b2", False)],
        "c": [("c", True), ("c1", False), ("c2", False)],
        "t1": [("t1", True), ("a1", False), ("b1", False), ("c1", False)],
        "t2": [("t2", True), ("a2", False), ("b2", False), ("c2", False)],
        "all": [("all", True), ("t1", False), ("t2", False)],  # 'all' is published elsewhere: never hidden here
    }
    result = suppress(cells, groups)
    assert {c: s for c, s in result.items() if s} == {"a1": "primary", "a2": "secondary", "c1": "secondary", "c2": "secondary"}
    equations = [(next(c for c, t in g if t), [c for c, t in g if not t]) for g in groups.values()]
    published = {c: 0 for c, s in result.items() if s is None} | {"all": 0}
    assert determined(equations, published) == set()
    # a hidden cell that only cells published elsewhere pin down cannot be helped, and does not loop
    assert suppress({"x": (3, True)}, {"g": [("both", True), ("x", False)]}) == {"x": "primary"}


# ---------------------------------------------------------------------------------- the demo warehouse


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from scorecard.paths import PROJECT_ROOT
    from scorecard.pipeline import RunOptions, run

    warehouse = tmp_path_factory.mktemp("disclosure-demo") / "w" / "s.duckdb"
    run(RunOptions(raw_dir=PROJECT_ROOT / "raw", warehouse=warehouse, settle_seconds=0))
    return warehouse


def test_demo_no_suppressed_ni7_cell_is_determined(demo):
    areas = {a: (r, t) for a, r, t in query(demo, "SELECT area_code, region_code, tier FROM staging.areas")}
    years = [y for (y,) in query(demo, "SELECT DISTINCT survey_year FROM marts.ni7 ORDER BY 1")]
    assert years
    for year in years:
        cells = ni7_cells(demo, year)
        surveyed = {a: areas.get(a, (None, None)) for level, a in cells if level == "area"}
        equations = [
            (total, [p for p in parts if p in cells or p[0] != "area"]) for total, parts in ni7_equations(surveyed) if total in cells
        ]
        published = {c: v for c, (v, s) in cells.items() if s is None}
        hidden = {c for c, (_, s) in cells.items() if s}
        assert determined(equations, published) & hidden == set(), year


def test_demo_no_suppressed_poll_side_is_determined(demo):
    sides = query(demo, "SELECT area_code, survey_year, statement, side, agreeing, suppressed FROM marts.relationship_poll")
    groups = {}
    for area, year, statement, side, agreeing, suppressed in sides:
        groups.setdefault((area, year, statement), {})[side] = None if suppressed else agreeing
    assert any(None in g.values() for g in groups.values())  # the demo has a suppressed side
    for key, group in groups.items():
        published = {"both": 0} | {s: v for s, v in group.items() if v is not None}  # both sides: published elsewhere
        assert determined([("both", list(group))], published) & (set(group) - set(published)) == set(), key


def test_demo_no_suppressed_provider_cell_is_determined(demo):
    register = {
        u: (r, up, t) for u, r, up, t in query(demo, "SELECT ukprn, region_code, upper_tier_code, tier FROM staging.provider_register")
    }
    for survey in ("learner", "employer"):
        providers = query(demo, f"SELECT ukprn, survey_year, respondents, mean_score, suppressed FROM marts.{survey}_satisfaction")
        rollups = query(
            demo,
            f"SELECT level, group_code, survey_year, mean_score, suppressed FROM marts.provider_survey_rollups WHERE measure = '{survey}_satisfaction'",
        )
        for year in {y for _, y, *_ in providers}:
            cells, published = set(), {("national",): 0}  # the national figure: treated as published
            for ukprn, y, n, mean, suppressed in providers:
                if y == year and ukprn in register and n > 0:
                    cells.add(("provider", ukprn))
                    if not suppressed:
                        published[("provider", ukprn)] = mean
            for level, code, y, mean, suppressed in rollups:
                if y == year:
                    cells.add((level, code))
                    if not suppressed:
                        published[(level, code)] = mean
            parts = {u: register[u] for _, u in (c for c in cells if c[0] == "provider")}
            levels = {"region": 0, "upper_tier_area": 1, "tier": 2}
            equations = [
                ((level, code), [("provider", u) for u, v in parts.items() if v[i] == code])
                for level, i in levels.items()
                for code in {v[i] for v in parts.values()}
            ]
            equations += [
                (("region", r), [("upper_tier_area", up) for up in {v[1] for v in parts.values() if v[0] == r}])
                for r in {v[0] for v in parts.values()}
            ]
            equations += [(("national",), [("provider", u) for u in parts])]
            equations += [(("national",), [(level, code) for code in {v[i] for v in parts.values()}]) for level, i in levels.items()]
            hidden = cells - set(published)
            assert determined(equations, published) & hidden == set(), (survey, year)


def test_a_region_is_a_comparator_only_with_two_other_published_areas(tmp_path, frameworks):
    # South West 2010: Bristol, Bath and North East Somerset, South Gloucestershire (12 each); London: Camden alone
    areas = dict.fromkeys(("E06000023", "E06000022", "E06000025", "E09000007"), (12, 6))
    path = ni7_warehouse(tmp_path / "w.duckdb", frameworks, areas, 2010)
    rows = dict(
        (area, (region, note, pooled))
        for area, region, note, pooled in query(
            path, "SELECT area_code, region_pct_positive, region_comparison_note, all_surveyed_pct_positive FROM marts.ni7"
        )
    )
    assert rows["E06000023"] == (50.0, None, 50.0)  # two other South West areas are published
    assert rows["E09000007"][0] is None and "fewer than two other areas" in rows["E09000007"][1]
    assert query(path, "SELECT region_name FROM marts.ni7_by_region WHERE region_code = 'E92000001'") == [
        ("All surveyed areas in England",)
    ]


# ------------------------------------------------------------------------------ measure comparisons


@pytest.fixture(scope="module")
def pooled_poll(tmp_path_factory, frameworks):
    path = tmp_path_factory.mktemp("disclosure-pooled-poll") / "w.duckdb"
    with connect(path) as con:
        ensure_schema(con)
        # 2010: Bristol 9 answers (primary), Camden 22: all surveyed areas less Camden would give Bristol away.
        # 2011: Bristol 9 and Rushcliffe 8 (both primary), Camden 22: the pooled figure reveals only their sum.
        insert_poll_answers(
            con,
            [
                ("E06000023", 2010, "sector", 9, 3),
                ("E09000007", 2010, "sector", 22, 11),
                ("E06000023", 2011, "sector", 9, 3),
                ("E07000176", 2011, "sector", 8, 6),
                ("E09000007", 2011, "sector", 22, 11),
            ],
        )
    transform(path, frameworks)
    return path


def test_the_pooled_poll_benchmark_is_withheld_where_it_would_reveal_a_suppressed_area(pooled_poll):
    rows = query(
        pooled_poll,
        """SELECT survey_year, entity_code, value, suppression, benchmark_value, benchmark_count, comparison, comparison_note
           FROM marts.measure_comparisons WHERE measure = 'relationship_good_pct_agree' ORDER BY survey_year, entity_code""",
    )
    note = "the figure of all surveyed areas is suppressed: it would reveal a suppressed area"
    assert rows == [
        (2010, "E06000023", None, "primary", None, 2, None, "the area's figure is suppressed (primary)"),
        (2010, "E09000007", 50.0, None, None, 2, None, note),
        (2011, "E06000023", None, "primary", 51.3, 3, None, "the area's figure is suppressed (primary)"),
        (2011, "E07000176", None, "primary", 51.3, 3, None, "the area's figure is suppressed (primary)"),
        (2011, "E09000007", 50.0, None, 51.3, 3, "similar", None),
    ]
    # 2011: 51.3% of 39 answers is 20 agreeing; less Camden's 11 leaves 9 between Bristol and Rushcliffe, not either one
    published = {"all": 20, "E09000007": 11}
    assert determined([("all", ["E06000023", "E07000176", "E09000007"])], published) == set()


def test_no_comparison_shows_a_suppressed_value(providers, ni7, pooled_poll):
    for path in (providers, ni7, pooled_poll):
        assert query(
            path,
            "SELECT count(*) FROM marts.measure_comparisons WHERE suppression IS NOT NULL AND (value IS NOT NULL OR ci_low IS NOT NULL OR ci_high IS NOT NULL OR comparison IS NOT NULL)",
        ) == [(0,)]
        # a peer mean never contains a suppressed value: the same rule as marts.provider_benchmarks
        assert query(
            path,
            """SELECT count(*) FROM marts.measure_comparisons c JOIN marts.provider_benchmarks b
               ON b.ukprn = c.entity_code AND b.survey_year = c.survey_year AND b.measure = c.measure
               WHERE (c.benchmark = 'national_peers' AND c.benchmark_value IS DISTINCT FROM b.national_peer_mean)
                  OR (c.benchmark = 'regional_peers' AND c.benchmark_value IS DISTINCT FROM b.regional_peer_mean)
                  OR (c.benchmark = 'similar_place_peers' AND c.benchmark_value IS DISTINCT FROM b.similar_place_peer_mean)""",
        ) == [(0,)]
        # the nearest neighbours' mean is the mean of the listed neighbours' published values, nothing else
        assert query(
            path,
            """WITH published AS (
                   SELECT ukprn, survey_year, measure, value FROM intermediate.provider_measures WHERE NOT suppressed AND value IS NOT NULL
               ),
               means AS (
                   SELECT n.ukprn, n.survey_year, p.measure, round(avg(p.value), 2) AS mean, count(*) AS peers
                   FROM marts.provider_nearest_neighbours n
                   JOIN published p ON p.ukprn = n.neighbour_ukprn AND p.survey_year = n.survey_year
                   WHERE n.framework = 'community_scorecard'
                   GROUP BY ALL
               )
               SELECT count(*) FROM marts.measure_comparisons c
               LEFT JOIN means m ON m.ukprn = c.entity_code AND m.survey_year = c.survey_year AND m.measure = c.measure
               WHERE c.benchmark = 'nearest_neighbours' AND (c.benchmark_value IS DISTINCT FROM m.mean OR c.benchmark_count <> coalesce(m.peers, 0))""",
        ) == [(0,)]
