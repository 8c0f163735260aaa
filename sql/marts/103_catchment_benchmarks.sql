-- marts.catchment_benchmarks: England and each region beside a local profile (marts.provider_catchment,
-- marts.area_context), for every year either holds. Labour-market figures are ONS's own for England and
-- the region (not computed here). The rest is computed from the reference files, the same way as for a
-- local authority: the rural population share over the 2011 districts (Σ rural / Σ population, i.e.
-- population-weighted), and the shares of LSOAs that are rural and in the most deprived 10% (counts
-- of LSOAs). A rural–urban class and an IMD rank belong to districts only, so they have no benchmark.
CREATE OR REPLACE TABLE marts.catchment_benchmarks AS
WITH years AS (
    SELECT DISTINCT survey_year AS year FROM marts.provider_catchment
    UNION SELECT DISTINCT year FROM marts.area_context
),
places AS (
    SELECT DISTINCT 'region' AS level, region_code AS code, region_name AS name FROM staging.areas WHERE region_code IS NOT NULL
    UNION ALL SELECT 'England', 'E92000001', 'England'
),
districts_2011 AS (
    SELECT r."Total population 2011"::INTEGER AS population,
           r."Rural including hub towns (rural & rural related) population 2011"::INTEGER AS rural_population,
           a.region_code
    FROM read_csv(getvariable('reference_dir') || '/catchment/RUC_LAD_2011_EN_LU.csv', all_varchar = true) AS r
    JOIN staging.areas AS a ON a.area_code = r.LAD11CD
),
rural_population AS (
    SELECT coalesce(region_code, 'E92000001') AS code,
           round(100 * sum(rural_population) / sum(population), 1) AS rural_population_pct_2011
    FROM districts_2011
    GROUP BY GROUPING SETS ((region_code), ())
),
lsoas AS (
    SELECT coalesce(a.region_code, 'E92000001') AS code, count(*) AS lsoas,
           round(100 * count(*) FILTER (WHERE u.is_rural) / count(*), 1) AS pct_lsoas_rural,
           round(100 * count(*) FILTER (WHERE i.imd_decile = 1) / count(*), 2) AS imd_pct_lsoas_most_deprived_10
    FROM staging.imd_lsoa AS i
    JOIN staging.lsoa_rural_urban AS u USING (lsoa_code)
    JOIN staging.areas AS a ON a.area_code = i.lad19_code
    GROUP BY GROUPING SETS ((a.region_code), ())
)
SELECT p.level, p.code, p.name, y.year,
       r.rural_population_pct_2011, l.pct_lsoas_rural, l.imd_pct_lsoas_most_deprived_10, l.lsoas,
       m.* EXCLUDE (area_code, from_year, until_year)
FROM places AS p
CROSS JOIN years AS y
LEFT JOIN rural_population AS r USING (code)
LEFT JOIN lsoas AS l USING (code)
LEFT JOIN staging.labour_market AS m ON m.area_code = p.code AND y.year BETWEEN m.from_year AND coalesce(m.until_year, y.year)
ORDER BY p.level, p.code, y.year;

COMMENT ON TABLE marts.catchment_benchmarks IS 'England and regional values of the catchment profile, per year of marts.provider_catchment and marts.area_context: labour-market figures as ONS publishes them; rural and deprivation shares computed from the reference files (population-weighted rural share; LSOA shares).';
COMMENT ON COLUMN marts.catchment_benchmarks.level IS '''England'' or ''region''.';
COMMENT ON COLUMN marts.catchment_benchmarks.code IS 'ONS code: E92000001 for England, E12… for a region (the region_code of the local profiles).';
COMMENT ON COLUMN marts.catchment_benchmarks.name IS 'England, or the region''s name.';
COMMENT ON COLUMN marts.catchment_benchmarks.year IS 'Survey or scorecard year; labour-market figures are for the latest period starting in or before it.';
COMMENT ON COLUMN marts.catchment_benchmarks.rural_population_pct_2011 IS 'Computed: % of 2011 residents in rural areas or hub towns, summed over its 2011 districts (population-weighted; Defra RUC file).';
COMMENT ON COLUMN marts.catchment_benchmarks.pct_lsoas_rural IS 'Computed: % of its 2011 LSOAs classed rural (RUC 2011).';
COMMENT ON COLUMN marts.catchment_benchmarks.imd_pct_lsoas_most_deprived_10 IS 'Computed: % of its LSOAs in England''s most deprived 10% (IMD 2019 deciles; England: 10% by construction).';
COMMENT ON COLUMN marts.catchment_benchmarks.lsoas IS 'Number of 2011 LSOAs in it.';
COMMENT ON COLUMN marts.catchment_benchmarks.employment_rate IS 'Employment rate, % of residents aged 16–64 (APS), as ONS publishes it for England or the region, latest period starting in or before the year.';
COMMENT ON COLUMN marts.catchment_benchmarks.employment_rate_period IS 'Period of the employment rate as ONS writes it.';
COMMENT ON COLUMN marts.catchment_benchmarks.employment_rate_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.employment_rate_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.inactivity_rate IS 'Economic inactivity rate, % of residents aged 16–64 (APS), as ONS publishes it.';
COMMENT ON COLUMN marts.catchment_benchmarks.inactivity_rate_period IS 'Period of the inactivity rate.';
COMMENT ON COLUMN marts.catchment_benchmarks.inactivity_rate_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.inactivity_rate_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.claimant_rate IS 'Claimant Count as % of residents aged 16–64, as ONS publishes it.';
COMMENT ON COLUMN marts.catchment_benchmarks.claimant_rate_period IS 'Period of the claimant rate.';
COMMENT ON COLUMN marts.catchment_benchmarks.median_weekly_pay IS 'Median gross weekly pay of full-time resident employees, £ (ASHE), as ONS publishes it.';
COMMENT ON COLUMN marts.catchment_benchmarks.median_weekly_pay_period IS 'ASHE reference date of the pay figure.';
COMMENT ON COLUMN marts.catchment_benchmarks.median_weekly_pay_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.median_weekly_pay_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.level3_pct IS '% of residents aged 16–64 qualified to level 3 or above (APS), as ONS publishes it.';
COMMENT ON COLUMN marts.catchment_benchmarks.level3_pct_period IS 'Period of the level 3+ share.';
COMMENT ON COLUMN marts.catchment_benchmarks.level3_pct_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.level3_pct_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.catchment_benchmarks.level3_series IS '''NVQ3+'' (up to 2021) or ''RQF3+'' (from 2022): not comparable with each other.';
COMMENT ON COLUMN marts.catchment_benchmarks.low_reliability IS 'Indicators ONS marks as of low reliability, comma-separated; null when none.';
