-- marts.provider_catchment: the local catchment of each provider in each year it was surveyed: its
-- home local authority (register, current code) with the authority's rural–urban class, deprivation and
-- labour-market profile for the latest period starting in or before the survey year (as marts.area_context);
-- the share of its surveyed learners living in rural LSOAs (among learners whose home LSOA is known,
-- 95% Wilson interval; under min_base() such learners the share, count and interval are null,
-- suppression 'primary'); and its size: learners and employers surveyed that year, and a size band.
-- A UKPRN not in the register keeps its row, with no home area.
CREATE OR REPLACE TABLE marts.provider_catchment AS
WITH learners AS (
    SELECT l.ukprn, l.survey_year, count(*) AS learner_respondents,
           count(u.lsoa_code) AS learners_with_lsoa,
           count(*) FILTER (WHERE u.is_rural) AS rural_learners
    FROM staging.learner_survey_responses AS l
    LEFT JOIN staging.lsoa_rural_urban AS u ON u.lsoa_code = l.home_lsoa
    GROUP BY ALL
),
employers AS (
    SELECT ukprn, survey_year, count(*) AS employer_respondents FROM staging.employer_survey_responses GROUP BY ALL
),
surveyed AS (
    SELECT ukprn, survey_year,
           coalesce(l.learner_respondents, 0) AS learner_respondents,
           coalesce(l.learners_with_lsoa, 0) AS learners_with_lsoa,
           coalesce(l.rural_learners, 0) AS rural_learners,
           coalesce(e.employer_respondents, 0) AS employer_respondents
    FROM learners AS l FULL JOIN employers AS e USING (ukprn, survey_year)
),
homes AS (
    SELECT r.ukprn, r.provider_name, r.provider_type, coalesce(p.current_code, r.area_code) AS area_code
    FROM staging.provider_register AS r
    LEFT JOIN marts.area_profiles AS p ON p.area_code = r.area_code
)
SELECT s.ukprn, h.provider_name, h.provider_type, h.ukprn IS NOT NULL AS in_register, s.survey_year,
       h.area_code, p.area_name, p.area_type, p.tier, p.region_code, p.region_name,
       p.ruc_class, p.ruc_broad_class, p.ruc_derived, p.ruc_method, p.rural_population_pct_2011, p.pct_lsoas_rural,
       s.learners_with_lsoa,
       unless_small(s.rural_learners, s.learners_with_lsoa) AS rural_learners,
       unless_small(round(100 * s.rural_learners / s.learners_with_lsoa, 1), s.learners_with_lsoa) AS pct_learners_rural,
       unless_small(round(wilson_low(s.rural_learners / s.learners_with_lsoa, s.learners_with_lsoa), 1), s.learners_with_lsoa) AS pct_learners_rural_ci_low,
       unless_small(round(wilson_high(s.rural_learners / s.learners_with_lsoa, s.learners_with_lsoa), 1), s.learners_with_lsoa) AS pct_learners_rural_ci_high,
       s.learners_with_lsoa < min_base() AS suppressed,
       primary_suppression(s.learners_with_lsoa) AS suppression,
       p.imd_rank_of_average_score, p.imd_average_score, p.imd_pct_lsoas_most_deprived_10, p.imd_basis,
       m.area_code AS labour_market_area_code,
       m.* EXCLUDE (area_code, from_year, until_year),
       s.learner_respondents, s.employer_respondents,
       CASE
           WHEN s.learner_respondents >= 150 THEN '150 or more learners surveyed'
           WHEN s.learner_respondents >= 50 THEN '50–149 learners surveyed'
           WHEN s.learner_respondents >= 1 THEN '1–49 learners surveyed'
           ELSE 'no learners surveyed'
       END AS size_band
FROM surveyed AS s
LEFT JOIN homes AS h USING (ukprn)
LEFT JOIN marts.area_profiles AS p ON p.area_code = h.area_code
LEFT JOIN staging.labour_market AS m
    ON m.area_code = h.area_code AND s.survey_year BETWEEN m.from_year AND coalesce(m.until_year, s.survey_year)
ORDER BY s.ukprn, s.survey_year;

COMMENT ON TABLE marts.provider_catchment IS 'The local catchment of each provider and survey year: home local authority with its rural–urban class, deprivation and labour-market profile (latest period starting in or before the survey year, with periods and 95% intervals), the share of surveyed learners living in rural LSOAs, and the provider''s size. England and region values: marts.catchment_benchmarks.';
COMMENT ON COLUMN marts.provider_catchment.ukprn IS 'UK Provider Reference Number.';
COMMENT ON COLUMN marts.provider_catchment.provider_name IS 'Name in the register; null when unregistered.';
COMMENT ON COLUMN marts.provider_catchment.provider_type IS 'Provider type in the register; null when unregistered.';
COMMENT ON COLUMN marts.provider_catchment.in_register IS 'Whether the UKPRN is in raw/providers/ (false: surveyed, but no home area known).';
COMMENT ON COLUMN marts.provider_catchment.survey_year IS 'Survey year (first year of the academic year: 2022 = 2022/23); labour-market figures are for the latest period starting in or before it.';
COMMENT ON COLUMN marts.provider_catchment.area_code IS 'Home local authority in the register, under its current code (an old code is replaced by the one authority that succeeded it).';
COMMENT ON COLUMN marts.provider_catchment.area_name IS 'Name of the local authority (ONS).';
COMMENT ON COLUMN marts.provider_catchment.area_type IS '''unitary authority'', ''non-metropolitan district'', ''metropolitan district'', ''London borough'' or ''county''.';
COMMENT ON COLUMN marts.provider_catchment.tier IS 'Tier of local government: ''unitary'', ''district'' (of a two-tier area) or ''county''.';
COMMENT ON COLUMN marts.provider_catchment.region_code IS 'ONS code of the English region.';
COMMENT ON COLUMN marts.provider_catchment.region_name IS 'Name of the English region.';
COMMENT ON COLUMN marts.provider_catchment.ruc_class IS '6-fold rural–urban class of the local authority (Defra RUC 2011), e.g. ''Mainly Rural'' (marts.area_profiles).';
COMMENT ON COLUMN marts.provider_catchment.ruc_broad_class IS 'Broad 3-fold class: ''Predominantly Rural'', ''Urban with Significant Rural'' or ''Predominantly Urban''.';
COMMENT ON COLUMN marts.provider_catchment.ruc_derived IS 'True when the class was derived from the 2011 populations of the districts inside the area (created since 2011, or a county) by Defra''s thresholds; not an official classification (method: marts.area_profiles.ruc_derived).';
COMMENT ON COLUMN marts.provider_catchment.ruc_method IS 'Where the class comes from, naming the 2011 districts when derived.';
COMMENT ON COLUMN marts.provider_catchment.rural_population_pct_2011 IS '% of its 2011 residents in rural areas or hub towns (what the class rests on).';
COMMENT ON COLUMN marts.provider_catchment.pct_lsoas_rural IS '% of its 2011 LSOAs classed rural (RUC 2011).';
COMMENT ON COLUMN marts.provider_catchment.imd_rank_of_average_score IS 'IoD 2019 rank of average score among the 317 districts of 2019 (1 = most deprived); null for an area created since 2019 or a county (see imd_basis).';
COMMENT ON COLUMN marts.provider_catchment.imd_average_score IS 'IoD 2019 average IMD score (higher = more deprived); null as the rank.';
COMMENT ON COLUMN marts.provider_catchment.imd_pct_lsoas_most_deprived_10 IS '% of its LSOAs in England''s most deprived 10% (IMD 2019).';
COMMENT ON COLUMN marts.provider_catchment.imd_basis IS 'Where the deprivation figures come from: the IoD 2019 district summary, or computed from the LSOA deciles.';
COMMENT ON COLUMN marts.provider_catchment.learners_with_lsoa IS 'Learners surveyed that year whose home LSOA is known (an English 2011 LSOA): the base of the rural share (shown even when suppressed).';
COMMENT ON COLUMN marts.provider_catchment.rural_learners IS 'Of them, learners living in a rural LSOA (RUC 2011 D1, D2, E1, E2); null when suppressed.';
COMMENT ON COLUMN marts.provider_catchment.pct_learners_rural IS '% of learners with a known LSOA who live in a rural LSOA; compare with pct_lsoas_rural of the home area. Null when suppressed.';
COMMENT ON COLUMN marts.provider_catchment.pct_learners_rural_ci_low IS 'Lower bound of its 95% Wilson score interval; null when suppressed.';
COMMENT ON COLUMN marts.provider_catchment.pct_learners_rural_ci_high IS 'Upper bound of its 95% Wilson score interval; null when suppressed.';
COMMENT ON COLUMN marts.provider_catchment.suppressed IS 'True when fewer than min_base() (10) learners have a known LSOA: the rural share, count and interval are withheld.';
COMMENT ON COLUMN marts.provider_catchment.suppression IS '''primary'' when suppressed (base under min_base()); null otherwise.';
COMMENT ON COLUMN marts.provider_catchment.labour_market_area_code IS 'The code the labour-market figures are published under: the area itself, or its current code when ONS publishes none for the old one.';
COMMENT ON COLUMN marts.provider_catchment.employment_rate IS 'Employment rate, % of residents aged 16–64 (ONS Annual Population Survey via Explore Local Statistics), for the latest period starting in or before the year.';
COMMENT ON COLUMN marts.provider_catchment.employment_rate_period IS 'Period of the employment rate as ONS writes it (2022-01-01/P1Y: calendar year 2022).';
COMMENT ON COLUMN marts.provider_catchment.employment_rate_ci_low IS 'Lower bound of the employment rate''s 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.employment_rate_ci_high IS 'Upper bound of the employment rate''s 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.inactivity_rate IS 'Economic inactivity rate, % of residents aged 16–64 (APS), latest period starting in or before the year.';
COMMENT ON COLUMN marts.provider_catchment.inactivity_rate_period IS 'Period of the inactivity rate.';
COMMENT ON COLUMN marts.provider_catchment.inactivity_rate_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.inactivity_rate_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.claimant_rate IS 'Claimant Count as % of residents aged 16–64 (ONS), latest period starting in or before the year; a count, so no interval.';
COMMENT ON COLUMN marts.provider_catchment.claimant_rate_period IS 'Period of the claimant rate.';
COMMENT ON COLUMN marts.provider_catchment.median_weekly_pay IS 'Median gross weekly pay of full-time employees living in the area, £ (ASHE, residence-based), latest April in or before the year.';
COMMENT ON COLUMN marts.provider_catchment.median_weekly_pay_period IS 'ASHE reference date of the pay figure.';
COMMENT ON COLUMN marts.provider_catchment.median_weekly_pay_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.median_weekly_pay_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.level3_pct IS '% of residents aged 16–64 qualified to level 3 or above (APS), latest period starting in or before the year; null before the series starts (2004) or where it has no figure for the area.';
COMMENT ON COLUMN marts.provider_catchment.level3_pct_period IS 'Period of the level 3+ share.';
COMMENT ON COLUMN marts.provider_catchment.level3_pct_ci_low IS 'Lower bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.level3_pct_ci_high IS 'Upper bound of its 95% confidence interval (ONS).';
COMMENT ON COLUMN marts.provider_catchment.level3_series IS '''NVQ3+'' (up to 2021) or ''RQF3+'' (from 2022): not comparable with each other.';
COMMENT ON COLUMN marts.provider_catchment.low_reliability IS 'Labour-market indicators ONS marks as of low reliability (small sample), comma-separated; null when none.';
COMMENT ON COLUMN marts.provider_catchment.learner_respondents IS 'Learners surveyed that year (the provider''s learner survey base).';
COMMENT ON COLUMN marts.provider_catchment.employer_respondents IS 'Employers surveyed that year.';
COMMENT ON COLUMN marts.provider_catchment.size_band IS 'Size band by learners surveyed that year: ''1–49'', ''50–149'', ''150 or more learners surveyed'' or ''no learners surveyed''. The register gives no learner numbers, so survey size stands in for provider size.';
