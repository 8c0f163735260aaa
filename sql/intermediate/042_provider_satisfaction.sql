-- staging.provider_satisfaction: learner and employer survey items per provider and year — base,
-- mean and 95% interval (mean ± 1.96·s/√n, s the sample standard deviation) — computed once and
-- published by marts.learner_satisfaction and marts.employer_satisfaction. Don't know / blank
-- answers are not in the base; a base under min_base() publishes no value.
-- Disclosure control (macros in sql/schema/040_macros.sql) of overall satisfaction: a provider's
-- mean is 'primary' suppressed under min_base(); marts.provider_survey_rollups pools the registered
-- providers' answers by region, upper-tier area and tier, so each roll-up is a total of its providers
-- (a region also of its upper-tier areas, and the regions, upper-tier areas, tiers and providers all
-- add up to the same national figure): where a hidden cell could be recovered by any sums and
-- differences of these groups, more cells are hidden ('secondary'; scorecard/warehouse/disclosure.py,
-- over all of a survey's groups of a year at once). staging.provider_disclosure holds the result for
-- providers and roll-ups alike; a suppressed provider publishes its base (respondents) and no mean or
-- interval.
CREATE OR REPLACE TABLE staging.provider_satisfaction_items AS
WITH answers AS (
    SELECT 'learner' AS survey, * FROM (
        UNPIVOT (SELECT ukprn, survey_year, overall_satisfaction, recommend, teaching, support FROM staging.learner_survey_responses)
        ON overall_satisfaction, recommend, teaching, support INTO NAME item VALUE score)
    UNION ALL
    SELECT 'employer', * FROM (
        UNPIVOT (SELECT ukprn, survey_year, overall_satisfaction, recommend FROM staging.employer_survey_responses)
        ON overall_satisfaction, recommend INTO NAME item VALUE score)
),
items AS (
    SELECT survey, ukprn, survey_year, item, count(*) AS n,
           unless_small(round(avg(score), 2), count(*)) AS mean,
           unless_small(round(avg(score) - 1.96 * stddev_samp(score) / sqrt(count(*)), 2), count(*)) AS lo,
           unless_small(round(avg(score) + 1.96 * stddev_samp(score) / sqrt(count(*)), 2), count(*)) AS hi
    FROM answers GROUP BY ALL
),
wide AS (
    PIVOT items ON item IN ('overall_satisfaction', 'recommend', 'teaching', 'support')
    USING any_value(n) AS n, any_value(mean) AS mean, any_value(lo) AS lo, any_value(hi) AS hi
    GROUP BY survey, ukprn, survey_year
)
SELECT * FROM wide;

-- every cell of overall satisfaction: providers, and the roll-ups of registered providers
CREATE OR REPLACE TEMP TABLE provider_parts AS
SELECT w.survey, w.ukprn, w.survey_year, coalesce(w.overall_satisfaction_n, 0) AS n,
       r.ukprn IS NOT NULL AS registered, r.region_code, r.upper_tier_code, r.tier
FROM staging.provider_satisfaction_items AS w
LEFT JOIN staging.provider_register AS r USING (ukprn);

CREATE OR REPLACE TABLE staging.provider_disclosure_cells AS
SELECT survey, 'provider' AS level, ukprn AS code, survey_year, n FROM provider_parts
UNION ALL SELECT survey, 'region', region_code, survey_year, sum(n) FROM provider_parts WHERE registered GROUP BY ALL
UNION ALL SELECT survey, 'upper_tier_area', upper_tier_code, survey_year, sum(n) FROM provider_parts WHERE registered GROUP BY ALL
UNION ALL SELECT survey, 'tier', tier, survey_year, sum(n) FROM provider_parts WHERE registered GROUP BY ALL;

CREATE OR REPLACE TEMP MACRO provider_cell(survey, level, code, survey_year) AS
    survey || ':' || level || ':' || coalesce(code, '-') || ':' || survey_year;

CREATE OR REPLACE TEMP TABLE provider_cells AS
SELECT provider_cell(survey, level, code, survey_year) AS cell, n AS size, primary_suppression(n) IS NOT NULL AS is_primary
FROM staging.provider_disclosure_cells
WHERE n > 0;  -- a provider with no overall answer has nothing to reveal: primary, outside the groups

-- groups: each roll-up and its providers; a region and its upper-tier areas; and the national figure
-- (published nowhere, but the sum of every level) and the regions, upper-tier areas, tiers, providers
CREATE OR REPLACE TEMP TABLE provider_links AS
WITH parts AS (SELECT * FROM provider_parts WHERE registered AND n > 0),
uppers AS (SELECT DISTINCT survey, survey_year, region_code, upper_tier_code FROM parts)
SELECT provider_cell(survey, level, code, survey_year) AS grp, provider_cell(survey, 'provider', ukprn, survey_year) AS cell, false AS is_total
FROM parts, LATERAL (VALUES ('region', region_code), ('upper_tier_area', upper_tier_code), ('tier', tier)) AS l(level, code)
UNION ALL
SELECT provider_cell(survey, level, code, survey_year), provider_cell(survey, level, code, survey_year), true
FROM staging.provider_disclosure_cells WHERE level <> 'provider' AND n > 0
UNION ALL
SELECT 'upper:' || provider_cell(survey, 'region', region_code, survey_year), provider_cell(survey, 'region', region_code, survey_year), true FROM uppers
UNION ALL
SELECT 'upper:' || provider_cell(survey, 'region', region_code, survey_year), provider_cell(survey, 'upper_tier_area', upper_tier_code, survey_year), false FROM uppers
UNION ALL
SELECT DISTINCT 'national:' || level || ':' || survey || ':' || survey_year, provider_cell(survey, level, code, survey_year), false
FROM parts, LATERAL (VALUES ('provider', ukprn), ('region', region_code), ('upper_tier_area', upper_tier_code), ('tier', tier)) AS l(level, code);

CREATE OR REPLACE TABLE staging.provider_disclosure AS
SELECT c.survey, c.level, c.code, c.survey_year, coalesce(d.suppression, primary_suppression(c.n)) AS suppression
FROM staging.provider_disclosure_cells AS c
LEFT JOIN secondary_suppression('provider_cells', 'provider_links') AS d ON d.cell = provider_cell(c.survey, c.level, c.code, c.survey_year);
DROP TABLE staging.provider_disclosure_cells;

CREATE OR REPLACE TABLE staging.provider_satisfaction AS
SELECT w.survey, w.ukprn, w.survey_year,
       coalesce(w.overall_satisfaction_n, 0) AS respondents,
       unless_suppressed(w.overall_satisfaction_mean, d.suppression) AS mean_score,
       unless_suppressed(w.overall_satisfaction_lo, d.suppression) AS ci_low,
       unless_suppressed(w.overall_satisfaction_hi, d.suppression) AS ci_high,
       d.suppression IS NOT NULL AS suppressed,
       coalesce(w.recommend_n, 0) AS recommend_respondents, w.recommend_mean, w.recommend_lo AS recommend_ci_low, w.recommend_hi AS recommend_ci_high,
       w.teaching_mean, w.support_mean,
       d.suppression
FROM staging.provider_satisfaction_items AS w
JOIN staging.provider_disclosure AS d ON d.level = 'provider' AND d.code = w.ukprn AND d.survey = w.survey AND d.survey_year = w.survey_year;
DROP TABLE staging.provider_satisfaction_items;
