-- marts.area_context: the local context of every area scorecard (frameworks whose entity is an area),
-- for each scorecard year: the authority's rural–urban class and deprivation (marts.area_profiles) and
-- its labour-market profile for the latest period starting in or before the scorecard year
-- (staging.labour_market), each value with its period and, where ONS gives one, its 95% interval.
CREATE OR REPLACE TABLE marts.area_context AS
WITH scorecards AS (
    SELECT t.framework, t.entity_code AS area_code, t.year,
           -- an old code ONS no longer publishes figures under reads those of its current code
           CASE WHEN t.entity_code IN (SELECT area_code FROM staging.labour_market) THEN t.entity_code ELSE p.current_code END
               AS labour_market_area_code
    FROM marts.scorecard_totals AS t
    LEFT JOIN marts.area_profiles AS p ON p.area_code = t.entity_code
    WHERE t.entity_type = 'area'
)
SELECT s.framework, s.area_code, s.year,
       p.area_name, p.area_type, p.tier, p.region_code, p.region_name,
       p.ruc_class, p.ruc_broad_class, p.ruc_derived, p.ruc_method, p.rural_population_pct_2011, p.pct_lsoas_rural,
       p.imd_rank_of_average_score, p.imd_average_score, p.imd_pct_lsoas_most_deprived_10, p.imd_basis,
       s.labour_market_area_code,
       m.* EXCLUDE (area_code, from_year, until_year)
FROM scorecards AS s
LEFT JOIN marts.area_profiles AS p ON p.area_code = s.area_code
LEFT JOIN staging.labour_market AS m
    ON m.area_code = s.labour_market_area_code AND s.year BETWEEN m.from_year AND coalesce(m.until_year, s.year)
ORDER BY s.framework, s.area_code, s.year;

COMMENT ON TABLE marts.area_context IS 'The local context of each area scorecard and year: rural–urban class, deprivation and the labour-market profile of the local authority for the latest period starting in or before the year, with periods and 95% intervals. England and region values: marts.catchment_benchmarks.';
COMMENT ON COLUMN marts.area_context.framework IS 'Framework id of the scorecard (an area framework).';
COMMENT ON COLUMN marts.area_context.area_code IS 'ONS code of the local authority: marts.scorecard_totals.entity_code.';
COMMENT ON COLUMN marts.area_context.year IS 'Scorecard year; labour-market figures are for the latest period starting in or before it.';
COMMENT ON COLUMN marts.area_context.area_name IS 'Name of the local authority (ONS).';
COMMENT ON COLUMN marts.area_context.area_type IS '''unitary authority'', ''non-metropolitan district'', ''metropolitan district'', ''London borough'' or ''county''.';
COMMENT ON COLUMN marts.area_context.tier IS 'Tier of local government: ''unitary'', ''district'' (of a two-tier area) or ''county''.';
COMMENT ON COLUMN marts.area_context.region_code IS 'ONS code of the English region.';
COMMENT ON COLUMN marts.area_context.region_name IS 'Name of the English region.';
COMMENT ON COLUMN marts.area_context.ruc_class IS '6-fold rural–urban class of the local authority (Defra RUC 2011), e.g. ''Mainly Rural'' (marts.area_profiles).';
COMMENT ON COLUMN marts.area_context.ruc_broad_class IS 'Broad 3-fold class: ''Predominantly Rural'', ''Urban with Significant Rural'' or ''Predominantly Urban''.';
COMMENT ON COLUMN marts.area_context.ruc_derived IS 'True when the class was derived from the 2011 populations of the districts inside the area (created since 2011, or a county) by Defra''s thresholds; not an official classification (method: marts.area_profiles.ruc_derived).';
COMMENT ON COLUMN marts.area_context.ruc_method IS 'Where the class comes from, naming the 2011 districts when derived.';
COMMENT ON COLUMN marts.area_context.rural_population_pct_2011 IS '% of its 2011 residents in rural areas or hub towns (what the class rests on).';
COMMENT ON COLUMN marts.area_context.pct_lsoas_rural IS '% of its 2011 LSOAs classed rural (RUC 2011).';
COMMENT ON COLUMN marts.area_context.imd_rank_of_average_score IS 'IoD 2019 rank of average score among the 317 districts of 2019 (1 = most deprived); null for an area created since 2019 or a county (see imd_basis).';
COMMENT ON COLUMN marts.area_context.imd_average_score IS 'IoD 2019 average IMD score (higher = more deprived); null as the rank.';
COMMENT ON COLUMN marts.area_context.imd_pct_lsoas_most_deprived_10 IS '% of its LSOAs in England''s most deprived 10% (IMD 2019).';
COMMENT ON COLUMN marts.area_context.imd_basis IS 'Where the deprivation figures come from: the IoD 2019 district summary, or computed from the LSOA deciles.';
COMMENT ON COLUMN marts.area_context.labour_market_area_code IS 'The code the labour-market figures are published under: the area itself, or its current code when ONS publishes none for the old one.';
COMMENT ON COLUMN marts.area_context.employment_rate IS 'Employment rate, % of residents aged 16–64 (ONS Annual Population Survey via Explore Local Statistics), for the latest period starting in or before the year.';
COMMENT ON COLUMN marts.area_context.employment_rate_period IS 'Period of the employment rate as ONS writes it (2022-01-01/P1Y: calendar year 2022).';
COMMENT ON COLUMN marts.area_context.employment_rate_ci_low IS 'Lower bound of the employment rate''s 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.employment_rate_ci_high IS 'Upper bound of the employment rate''s 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.inactivity_rate IS 'Economic inactivity rate, % of residents aged 16–64 (APS), latest period starting in or before the year.';
COMMENT ON COLUMN marts.area_context.inactivity_rate_period IS 'Period of the inactivity rate.';
COMMENT ON COLUMN marts.area_context.inactivity_rate_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.inactivity_rate_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.claimant_rate IS 'Claimant Count as % of residents aged 16–64 (ONS), latest period starting in or before the year; a count, so no interval.';
COMMENT ON COLUMN marts.area_context.claimant_rate_period IS 'Period of the claimant rate.';
COMMENT ON COLUMN marts.area_context.median_weekly_pay IS 'Median gross weekly pay of full-time employees living in the area, £ (ASHE, residence-based), latest April in or before the year.';
COMMENT ON COLUMN marts.area_context.median_weekly_pay_period IS 'ASHE reference date of the pay figure.';
COMMENT ON COLUMN marts.area_context.median_weekly_pay_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.median_weekly_pay_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.level3_pct IS '% of residents aged 16–64 qualified to level 3 or above (APS), latest period starting in or before the year; null before the series starts (2004) or where it has no figure for the area.';
COMMENT ON COLUMN marts.area_context.level3_pct_period IS 'Period of the level 3+ share.';
COMMENT ON COLUMN marts.area_context.level3_pct_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.level3_pct_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.area_context.level3_series IS '''NVQ3+'' (up to 2021) or ''RQF3+'' (from 2022): not comparable with each other.';
COMMENT ON COLUMN marts.area_context.low_reliability IS 'Labour-market indicators ONS marks as of low reliability (small sample), comma-separated; null when none.';
