-- staging.labour_market: the labour-market and skills profile of every English local authority, region
-- and England as ONS Explore Local Statistics gives it, one row per area and span of years: from
-- from_year to until_year (null: to date) each indicator holds its latest observation of a period
-- starting in or before that year. A survey year joins the span that contains it, so a profile is
-- never taken from a later period. Level 3+: the NVQ3+ series up to 2021, RQF3+ from 2022 (not
-- comparable; level3_series says which). Observations the source withholds (status x) are absent, so
-- the span keeps the earlier value with its own period. Source: reference/catchment (ONS, OGL v3).
CREATE OR REPLACE TABLE staging.labour_market AS
WITH els AS (
    SELECT * FROM read_csv(getvariable('reference_dir') || '/catchment/ons_els_labour_market_lad_region_england.csv.gz', all_varchar = true)
),
nvq3 AS (
    SELECT * FROM read_csv(getvariable('reference_dir') || '/catchment/ons_els_nvq3plus_aged16to64_2004_2021.csv.gz', all_varchar = true)
),
observations AS (
    SELECT areacd AS area_code,
           CASE indicator
               WHEN 'Employment rate' THEN 'employment_rate'
               WHEN 'Economically inactive' THEN 'inactivity_rate'
               WHEN 'Claimant Count' THEN 'claimant_rate'
               WHEN 'Gross median weekly pay' THEN 'median_weekly_pay'
               WHEN 'Level 3 or above qualifications (Great Britain)' THEN 'level3_pct'
           END AS indicator,
           CASE WHEN indicator LIKE 'Level 3%' THEN 'RQF3+' END AS series,
           period,
           year(left(period, 10)::DATE) AS period_year,   -- '2023-01-01/P1Y' or the ASHE reference date
           observation::DOUBLE AS value, round(lci_95::DOUBLE, 1) AS ci_low, round(uci_95::DOUBLE, 1) AS ci_high,
           status = 'u' AS low_reliability
    FROM els
    WHERE observation IS NOT NULL
    UNION ALL
    SELECT AREACD, 'level3_pct', 'NVQ3+', Period, Period::INTEGER, Observation::DOUBLE,
           round("Lower Confidence Interval (95%)"::DOUBLE, 1), round("Upper Confidence Interval (95%)"::DOUBLE, 1),
           "Observation Status" = 'u'
    FROM nvq3
    WHERE Observation IS NOT NULL AND left(AREACD, 3) IN ('E06', 'E07', 'E08', 'E09', 'E10', 'E12', 'E92')
),
distinct_observations AS (  -- a unitary is listed both as a district and as an upper-tier area
    SELECT * FROM observations
    QUALIFY row_number() OVER (PARTITION BY area_code, indicator, period_year ORDER BY period) = 1
),
spans AS (
    SELECT DISTINCT o.area_code, o.period_year AS from_year, i.indicator
    FROM distinct_observations AS o
    CROSS JOIN (SELECT DISTINCT indicator FROM distinct_observations) AS i
),
latest AS (
    SELECT s.area_code, s.from_year, s.indicator, o.value, o.ci_low, o.ci_high, o.period, o.series, o.low_reliability
    FROM spans AS s
    ASOF LEFT JOIN distinct_observations AS o
        ON o.area_code = s.area_code AND o.indicator = s.indicator AND o.period_year <= s.from_year
),
profiles AS (
    SELECT area_code, from_year,
           max(value) FILTER (indicator = 'employment_rate') AS employment_rate,
           max(period) FILTER (indicator = 'employment_rate') AS employment_rate_period,
           max(ci_low) FILTER (indicator = 'employment_rate') AS employment_rate_ci_low,
           max(ci_high) FILTER (indicator = 'employment_rate') AS employment_rate_ci_high,
           max(value) FILTER (indicator = 'inactivity_rate') AS inactivity_rate,
           max(period) FILTER (indicator = 'inactivity_rate') AS inactivity_rate_period,
           max(ci_low) FILTER (indicator = 'inactivity_rate') AS inactivity_rate_ci_low,
           max(ci_high) FILTER (indicator = 'inactivity_rate') AS inactivity_rate_ci_high,
           max(value) FILTER (indicator = 'claimant_rate') AS claimant_rate,
           max(period) FILTER (indicator = 'claimant_rate') AS claimant_rate_period,
           max(value) FILTER (indicator = 'median_weekly_pay') AS median_weekly_pay,
           max(period) FILTER (indicator = 'median_weekly_pay') AS median_weekly_pay_period,
           max(ci_low) FILTER (indicator = 'median_weekly_pay') AS median_weekly_pay_ci_low,
           max(ci_high) FILTER (indicator = 'median_weekly_pay') AS median_weekly_pay_ci_high,
           max(value) FILTER (indicator = 'level3_pct') AS level3_pct,
           max(period) FILTER (indicator = 'level3_pct') AS level3_pct_period,
           max(ci_low) FILTER (indicator = 'level3_pct') AS level3_pct_ci_low,
           max(ci_high) FILTER (indicator = 'level3_pct') AS level3_pct_ci_high,
           max(series) FILTER (indicator = 'level3_pct') AS level3_series,
           string_agg(indicator, ', ' ORDER BY indicator) FILTER (low_reliability) AS low_reliability
    FROM latest
    GROUP BY area_code, from_year
)
SELECT area_code, from_year,
       lead(from_year) OVER (PARTITION BY area_code ORDER BY from_year) - 1 AS until_year,
       * EXCLUDE (area_code, from_year)
FROM profiles
ORDER BY area_code, from_year;

COMMENT ON TABLE staging.labour_market IS 'Labour-market and skills profile (ONS Explore Local Statistics) of each English local authority, region and England, per span of years; each value is the latest of a period starting in or before from_year.';
COMMENT ON COLUMN staging.labour_market.area_code IS 'ONS code: local authority (E06–E10, current codes, and old codes the source still carries), region (E12) or England (E92000001).';
COMMENT ON COLUMN staging.labour_market.from_year IS 'First year of the span.';
COMMENT ON COLUMN staging.labour_market.until_year IS 'Last year of the span; null: up to date.';
COMMENT ON COLUMN staging.labour_market.employment_rate IS 'Employment rate, % of residents aged 16–64 (APS).';
COMMENT ON COLUMN staging.labour_market.employment_rate_period IS 'Period of the employment rate as ONS writes it (2023-01-01/P1Y: calendar year 2023).';
COMMENT ON COLUMN staging.labour_market.employment_rate_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.employment_rate_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.inactivity_rate IS 'Economic inactivity rate, % of residents aged 16–64 (APS).';
COMMENT ON COLUMN staging.labour_market.inactivity_rate_period IS 'Period of the inactivity rate.';
COMMENT ON COLUMN staging.labour_market.inactivity_rate_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.inactivity_rate_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.claimant_rate IS 'Claimant Count, % of residents aged 16–64 (no interval: a count, not a sample).';
COMMENT ON COLUMN staging.labour_market.claimant_rate_period IS 'Period of the claimant rate.';
COMMENT ON COLUMN staging.labour_market.median_weekly_pay IS 'Median gross weekly pay of full-time employees living in the area, £ (ASHE, residence-based).';
COMMENT ON COLUMN staging.labour_market.median_weekly_pay_period IS 'ASHE reference date of the pay figure (April of that year).';
COMMENT ON COLUMN staging.labour_market.median_weekly_pay_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.median_weekly_pay_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.level3_pct IS '% of residents aged 16–64 qualified to level 3 or above (APS).';
COMMENT ON COLUMN staging.labour_market.level3_pct_period IS 'Period of the level 3+ share.';
COMMENT ON COLUMN staging.labour_market.level3_pct_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.level3_pct_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN staging.labour_market.level3_series IS '''NVQ3+'' (2004–2021) or ''RQF3+'' (from 2022): the two series are not comparable.';
COMMENT ON COLUMN staging.labour_market.low_reliability IS 'The indicators whose value ONS marks as of low reliability (status u: small sample), comma-separated; null when none.';
