"""Catchment marts (issue 14) on the demo warehouse, checked against the reference files read directly."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import duckdb
import pytest

from conftest import DEMO_RAW
from scorecard.paths import REFERENCE_DIR

CATCHMENT = REFERENCE_DIR / "catchment"
RUC_LAD = CATCHMENT / "RUC_LAD_2011_EN_LU.csv"
RURAL_WITH_HUB_TOWNS = "Rural including hub towns (rural & rural related) population 2011"


@pytest.fixture(scope="module")
def warehouse(demo_warehouse) -> Path:
    return demo_warehouse


def query(path: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, parameters or []).fetchall()


def ruc_rows() -> list[dict[str, str]]:
    with RUC_LAD.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def profile(warehouse: Path, area_code: str) -> tuple:
    return query(
        warehouse,
        "SELECT ruc_class, ruc_broad_class, ruc_derived, imd_rank_of_average_score, imd_pct_lsoas_most_deprived_10 "
        "FROM marts.area_profiles WHERE area_code = ?",
        [area_code],
    )[0]


def test_the_classes_the_source_gives(warehouse):
    assert profile(warehouse, "E06000052") == ("Mainly Rural", "Predominantly Rural", False, 101, 5.21)  # Cornwall
    assert profile(warehouse, "E08000025") == ("Urban with Major Conurbation", "Predominantly Urban", False, 7, 41.31)  # Birmingham
    assert profile(warehouse, "E07000176") == ("Largely Rural", "Predominantly Rural", False, 314, 0.0)  # Rushcliffe, not City and Town


def test_the_derivation_rule_reproduces_every_published_district_class():
    def derived(rural: float, major: float, minor: float) -> str:
        if rural >= 80:
            return "1"
        if rural >= 50:
            return "2"
        if rural >= 26:
            return "3"
        return "6" if major >= 50 else "5" if minor >= 50 else "4"

    rows = ruc_rows()
    assert len(rows) == 326
    for row in rows:
        total = int(row["Total population 2011"])
        shares = [
            100 * int(row[column]) / total
            for column in (RURAL_WITH_HUB_TOWNS, "Urban Major Conurbation population 2011", "Urban Minor Conurbation population 2011")
        ]
        assert derived(*shares) == row["RUC11CD"], row["LAD11CD"]


def test_north_yorkshire_is_derived_from_its_seven_districts_by_hand(warehouse):
    predecessors = [row for row in ruc_rows() if row["LAD11CD"] in {f"E0700016{n}" for n in range(3, 10)}]
    assert [row["LAD18NM"] for row in predecessors] == [
        "Craven",
        "Hambleton",
        "Harrogate",
        "Richmondshire",
        "Ryedale",
        "Scarborough",
        "Selby",
    ]
    rural_pct = 100 * sum(int(r[RURAL_WITH_HUB_TOWNS]) for r in predecessors) / sum(int(r["Total population 2011"]) for r in predecessors)
    assert 50 <= rural_pct < 80  # so Largely Rural
    ((ruc_class, broad, derived, method, pct),) = query(
        warehouse,
        "SELECT ruc_class, ruc_broad_class, ruc_derived, ruc_method, rural_population_pct_2011 FROM marts.area_profiles WHERE area_code = 'E06000065'",
    )
    assert (ruc_class, broad, derived) == ("Largely Rural", "Predominantly Rural", True)
    assert pct == round(rural_pct, 1) and "E07000163" in method and "E07000169" in method


def test_every_current_local_authority_has_a_class(warehouse):
    unclassified = query(
        warehouse,
        "SELECT area_code, area_name FROM marts.area_profiles WHERE is_current AND (ruc_class IS NULL OR ruc_broad_class IS NULL)",
    )
    assert unclassified == []
    # an old area without a class says why
    assert query(warehouse, "SELECT count(*) FROM marts.area_profiles WHERE ruc_class IS NULL AND ruc_method IS NULL") == [(0,)]


def test_a_derived_class_agrees_with_the_broad_class_ons_gives_on_current_codes(warehouse):
    with (CATCHMENT / "ons_els_areas_geog_info_2025.csv").open(encoding="utf-8", newline="") as file:
        ons = {row["areacd"]: row["urban"] for row in csv.DictReader(file)}
    rows = query(warehouse, "SELECT area_code, ruc_code FROM marts.area_profiles WHERE ruc_derived AND area_type <> 'county'")
    broad = {1: "Predominantly Rural", 2: "Predominantly Rural", 3: "Urban with Significant Rural"}
    checked = [(code, ruc_code) for code, ruc_code in rows if ons.get(code, "").startswith(("Predominantly", "Urban"))]
    # BCP, Dorset, Buckinghamshire, North and West Northamptonshire, East and West Suffolk
    assert {code for code, _ in checked} == {"E06000058", "E06000059", "E06000060", "E06000061", "E06000062", "E07000244", "E07000245"}
    for code, ruc_code in checked:
        assert broad.get(ruc_code, "Predominantly Urban") == ons[code], code


def test_a_demo_providers_rural_learner_share_by_hand(warehouse):
    with gzip.open(CATCHMENT / "ruc2011_lsoa11_ew.csv.gz", "rt", encoding="utf-8", newline="") as file:
        rural = {row["LSOA11CD"]: row["RUC11_2FOLD"] == "Rural" for row in csv.DictReader(file)}
    homes = []
    for path in (DEMO_RAW / "learner_survey").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            homes += [row["home_lsoa"] for row in csv.DictReader(file) if row["ukprn"] == "10061317" and row["survey_year"] == "2023/24"]
    # none of this provider's 2023 rows was quarantined: the warehouse holds every one of them
    assert query(warehouse, "SELECT count(*) FROM staging.learner_survey_responses WHERE ukprn = '10061317' AND survey_year = 2023") == [
        (len(homes),)
    ]
    known = [lsoa for lsoa in homes if lsoa in rural]
    ((base, rural_learners, pct, low, high, area, ruc_class),) = query(
        warehouse,
        "SELECT learners_with_lsoa, rural_learners, pct_learners_rural, pct_learners_rural_ci_low, pct_learners_rural_ci_high, area_code, ruc_class "
        "FROM marts.provider_catchment WHERE ukprn = '10061317' AND survey_year = 2023",
    )
    assert (area, ruc_class) == ("E06000052", "Mainly Rural")
    assert base == len(known) and rural_learners == sum(rural[lsoa] for lsoa in known)
    assert pct == round(100 * rural_learners / base, 1) and low < pct < high


def test_labour_market_values_periods_and_intervals_as_ons_gives_them(warehouse):
    with gzip.open(CATCHMENT / "ons_els_labour_market_lad_region_england.csv.gz", "rt", encoding="utf-8", newline="") as file:
        rows = {
            (row["areacd"], row["indicator"], row["period"]): row
            for row in csv.DictReader(file)
            if row["areacd"] in ("E07000176", "E92000001", "E12000004")
        }
    employment = rows[("E07000176", "Employment rate", "2022-01-01/P1Y")]
    pay = rows[("E07000176", "Gross median weekly pay", "2022-04-27")]
    ((value, period, low, high, pay_value, pay_period, pay_low),) = query(
        warehouse,
        "SELECT employment_rate, employment_rate_period, employment_rate_ci_low, employment_rate_ci_high, "
        "median_weekly_pay, median_weekly_pay_period, median_weekly_pay_ci_low "
        "FROM marts.provider_catchment WHERE ukprn = '10007924' AND survey_year = 2022",  # Trent Vale Training, Rushcliffe
    )
    assert (value, period) == (float(employment["observation"]), "2022-01-01/P1Y")
    assert (low, high) == (round(float(employment["lci_95"]), 1), round(float(employment["uci_95"]), 1))
    assert (pay_value, pay_period, pay_low) == (float(pay["observation"]), "2022-04-27", round(float(pay["lci_95"]), 1))
    england = rows[("E92000001", "Employment rate", "2022-01-01/P1Y")]
    assert query(warehouse, "SELECT employment_rate FROM marts.catchment_benchmarks WHERE code = 'E92000001' AND year = 2022") == [
        (float(england["observation"]),)
    ]


def test_an_earlier_year_reads_an_earlier_period_never_a_later_one(warehouse):
    rows = query(
        warehouse,
        "SELECT year, employment_rate_period, level3_series FROM marts.area_context WHERE area_code = 'E09000007' ORDER BY year",
    )
    assert rows == [(2009, "2009-01-01/P1Y", "NVQ3+"), (2010, "2010-01-01/P1Y", "NVQ3+"), (2011, "2011-01-01/P1Y", "NVQ3+")]


def test_every_demo_provider_and_area_scorecard_has_a_catchment_row(warehouse):
    missing_providers = query(
        warehouse,
        "SELECT ukprn, survey_year FROM (SELECT ukprn, survey_year FROM staging.learner_survey_responses "
        "UNION SELECT ukprn, survey_year FROM staging.employer_survey_responses) "
        "ANTI JOIN marts.provider_catchment USING (ukprn, survey_year)",
    )
    assert missing_providers == []
    assert query(warehouse, "SELECT count(*) FROM marts.provider_catchment WHERE ruc_class IS NULL OR employment_rate IS NULL") == [(0,)]
    area_scorecards = query(
        warehouse, "SELECT framework, entity_code, year FROM marts.scorecard_totals WHERE entity_type = 'area' ORDER BY ALL"
    )
    context = query(warehouse, "SELECT framework, area_code, year FROM marts.area_context WHERE ruc_class IS NOT NULL ORDER BY ALL")
    assert len(area_scorecards) >= 9 and context == area_scorecards


def test_the_range_counts_every_scorecard_and_withholds_one_provider_means(warehouse):
    totals = dict(query(warehouse, "SELECT framework || year, count(*) FROM marts.scorecard_totals GROUP BY ALL"))
    for dimension in ("all", "rural_urban_class", "broad_rural_urban_class", "tier", "region"):
        cells = dict(
            query(
                warehouse,
                "SELECT framework || year, sum(scorecards) FROM marts.scorecard_range WHERE dimension = ? AND item = 'total_score' GROUP BY ALL",
                [dimension],
            )
        )
        assert cells == totals, dimension
    assert query(
        warehouse,
        "SELECT count(*) FROM marts.scorecard_range WHERE item <> 'total_score' AND with_value < 2 AND (mean_value IS NOT NULL OR NOT suppressed)",
    ) == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM marts.scorecard_range WHERE item <> 'total_score' AND suppressed") != [(0,)]


def test_every_catchment_table_and_column_is_commented(warehouse):
    tables = ("area_profiles", "area_context", "provider_catchment", "catchment_benchmarks", "scorecard_range")
    uncommented = query(
        warehouse,
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name IN ? AND comment IS NULL "
        "UNION ALL SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name IN ? AND comment IS NULL",
        [list(tables), list(tables)],
    )
    assert uncommented == []
