-- marts.provider_survey_rollups: learner and employer overall satisfaction pooled over the registered
-- providers based in each region, each upper-tier area (districts of two-tier areas rolled up to their
-- county) and each local-authority tier (unitary / county / district), per year: providers,
-- respondents, mean score and 95% interval. Suppressed under min_base() ('primary'), and where the
-- roll-up would give away a suppressed provider or roll-up by differencing ('secondary'; the rule and
-- its groups: sql/intermediate/042_provider_satisfaction.sql); a suppressed roll-up keeps providers and
-- respondents, its mean and interval are null.
CREATE OR REPLACE TABLE marts.provider_survey_rollups AS
WITH pooled AS (
    SELECT a.measure,
           CASE WHEN grouping(r.region_code) = 0 THEN 'region' WHEN grouping(r.upper_tier_code) = 0 THEN 'upper_tier_area' ELSE 'tier' END AS level,
           CASE WHEN grouping(r.region_code) = 0 THEN r.region_code WHEN grouping(r.upper_tier_code) = 0 THEN r.upper_tier_code ELSE r.tier END AS group_code,
           CASE WHEN grouping(r.region_code) = 0 THEN any_value(r.region_name) WHEN grouping(r.upper_tier_code) = 0 THEN any_value(r.upper_tier_name) ELSE any_value(r.tier) END AS group_name,
           a.survey_year,
           count(DISTINCT a.ukprn) AS providers,
           count(*) AS respondents,
           round(avg(a.score), 2) AS mean_score,
           round(avg(a.score) - 1.96 * stddev_samp(a.score) / sqrt(count(*)), 2) AS ci_low,
           round(avg(a.score) + 1.96 * stddev_samp(a.score) / sqrt(count(*)), 2) AS ci_high
    FROM intermediate.provider_answers AS a
    JOIN staging.provider_register AS r USING (ukprn)
    GROUP BY GROUPING SETS ((a.measure, a.survey_year, r.region_code), (a.measure, a.survey_year, r.upper_tier_code), (a.measure, a.survey_year, r.tier))
)
SELECT p.measure, p.level, p.group_code, p.group_name, p.survey_year, p.providers, p.respondents,
       unless_suppressed(p.mean_score, s.suppression) AS mean_score,
       unless_suppressed(p.ci_low, s.suppression) AS ci_low,
       unless_suppressed(p.ci_high, s.suppression) AS ci_high,
       s.suppression IS NOT NULL AS suppressed,
       s.suppression
FROM pooled AS p
LEFT JOIN intermediate.provider_disclosure AS s
    ON s.survey || '_satisfaction' = p.measure AND s.level = p.level AND s.code IS NOT DISTINCT FROM p.group_code AND s.survey_year = p.survey_year
ORDER BY p.measure, p.level, p.group_code, p.survey_year;

COMMENT ON TABLE marts.provider_survey_rollups IS 'Learner and employer overall satisfaction pooled over the registered providers based in each region, each upper-tier area and each local-authority tier, per year.';
COMMENT ON COLUMN marts.provider_survey_rollups.measure IS '''learner_satisfaction'' or ''employer_satisfaction''.';
COMMENT ON COLUMN marts.provider_survey_rollups.level IS '''region'', ''upper_tier_area'' (districts of two-tier areas rolled up to their county) or ''tier''.';
COMMENT ON COLUMN marts.provider_survey_rollups.group_code IS 'Region code, upper-tier area code, or tier.';
COMMENT ON COLUMN marts.provider_survey_rollups.group_name IS 'Its name.';
COMMENT ON COLUMN marts.provider_survey_rollups.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.provider_survey_rollups.providers IS 'Registered providers pooled.';
COMMENT ON COLUMN marts.provider_survey_rollups.respondents IS 'Answers pooled (the base).';
COMMENT ON COLUMN marts.provider_survey_rollups.mean_score IS 'Mean overall satisfaction, 0–10; null when suppressed.';
COMMENT ON COLUMN marts.provider_survey_rollups.ci_low IS 'Lower end of the 95% interval (mean − 1.96·s/√n).';
COMMENT ON COLUMN marts.provider_survey_rollups.ci_high IS 'Upper end of the 95% interval.';
COMMENT ON COLUMN marts.provider_survey_rollups.suppressed IS 'True when the value is withheld (suppression is not null).';
COMMENT ON COLUMN marts.provider_survey_rollups.suppression IS '''primary'' (unweighted base under 10), ''secondary'' (withheld because published figures would reveal a primary one by differencing) or null (published).';
