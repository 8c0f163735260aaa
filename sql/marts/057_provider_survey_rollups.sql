-- marts.provider_survey_rollups: learner and employer overall satisfaction pooled over the registered
-- providers based in each region, each upper-tier area (districts of two-tier areas rolled up to their
-- county) and each local-authority tier (unitary / county / district), per year: providers,
-- respondents, mean score and 95% interval. Suppressed under min_base().
CREATE OR REPLACE TABLE staging.provider_answers AS
SELECT 'learner_satisfaction' AS measure, ukprn, survey_year, overall_satisfaction AS score FROM staging.learner_survey_responses WHERE overall_satisfaction IS NOT NULL
UNION ALL
SELECT 'employer_satisfaction', ukprn, survey_year, overall_satisfaction FROM staging.employer_survey_responses WHERE overall_satisfaction IS NOT NULL;

CREATE OR REPLACE TABLE marts.provider_survey_rollups AS
SELECT a.measure,
       CASE WHEN grouping(r.region_code) = 0 THEN 'region' WHEN grouping(r.upper_tier_code) = 0 THEN 'upper_tier_area' ELSE 'tier' END AS level,
       CASE WHEN grouping(r.region_code) = 0 THEN r.region_code WHEN grouping(r.upper_tier_code) = 0 THEN r.upper_tier_code ELSE r.tier END AS group_code,
       CASE WHEN grouping(r.region_code) = 0 THEN any_value(r.region_name) WHEN grouping(r.upper_tier_code) = 0 THEN any_value(r.upper_tier_name) ELSE any_value(r.tier) END AS group_name,
       a.survey_year,
       count(DISTINCT a.ukprn) AS providers,
       count(*) AS respondents,
       unless_small(round(avg(a.score), 2), count(*)) AS mean_score,
       unless_small(round(avg(a.score) - 1.96 * stddev_samp(a.score) / sqrt(count(*)), 2), count(*)) AS ci_low,
       unless_small(round(avg(a.score) + 1.96 * stddev_samp(a.score) / sqrt(count(*)), 2), count(*)) AS ci_high,
       count(*) < min_base() AS suppressed
FROM staging.provider_answers AS a
JOIN staging.provider_register AS r USING (ukprn)
GROUP BY GROUPING SETS ((a.measure, a.survey_year, r.region_code), (a.measure, a.survey_year, r.upper_tier_code), (a.measure, a.survey_year, r.tier))
ORDER BY measure, level, group_code, survey_year;
