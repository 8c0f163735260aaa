-- intermediate.provider_disclosure: the suppression of every cell of learner and employer overall
-- satisfaction — providers, and the roll-ups of registered providers by region, upper-tier area and tier
-- (marts.provider_survey_rollups) — per survey and year. Method: intermediate/042_provider_satisfaction.sql.
-- every cell of overall satisfaction: providers, and the roll-ups of registered providers
CREATE OR REPLACE TEMP TABLE provider_parts AS
SELECT w.survey, w.ukprn, w.survey_year, coalesce(w.overall_satisfaction_n, 0) AS n,
       r.ukprn IS NOT NULL AS registered, r.region_code, r.upper_tier_code, r.tier
FROM intermediate.provider_satisfaction_items AS w
LEFT JOIN staging.provider_register AS r USING (ukprn);

CREATE OR REPLACE TEMP TABLE provider_disclosure_cells AS
SELECT survey, 'provider' AS level, ukprn AS code, survey_year, n FROM provider_parts
UNION ALL SELECT survey, 'region', region_code, survey_year, sum(n) FROM provider_parts WHERE registered GROUP BY ALL
UNION ALL SELECT survey, 'upper_tier_area', upper_tier_code, survey_year, sum(n) FROM provider_parts WHERE registered GROUP BY ALL
UNION ALL SELECT survey, 'tier', tier, survey_year, sum(n) FROM provider_parts WHERE registered GROUP BY ALL;

CREATE OR REPLACE TEMP MACRO provider_cell(survey, level, code, survey_year) AS
    survey || ':' || level || ':' || coalesce(code, '-') || ':' || survey_year;

CREATE OR REPLACE TEMP TABLE provider_cells AS
SELECT provider_cell(survey, level, code, survey_year) AS cell, n AS size, primary_suppression(n) IS NOT NULL AS is_primary
FROM provider_disclosure_cells
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
FROM provider_disclosure_cells WHERE level <> 'provider' AND n > 0
UNION ALL
SELECT 'upper:' || provider_cell(survey, 'region', region_code, survey_year), provider_cell(survey, 'region', region_code, survey_year), true FROM uppers
UNION ALL
SELECT 'upper:' || provider_cell(survey, 'region', region_code, survey_year), provider_cell(survey, 'upper_tier_area', upper_tier_code, survey_year), false FROM uppers
UNION ALL
SELECT DISTINCT 'national:' || level || ':' || survey || ':' || survey_year, provider_cell(survey, level, code, survey_year), false
FROM parts, LATERAL (VALUES ('provider', ukprn), ('region', region_code), ('upper_tier_area', upper_tier_code), ('tier', tier)) AS l(level, code);

CREATE OR REPLACE TABLE intermediate.provider_disclosure AS
SELECT c.survey, c.level, c.code, c.survey_year, coalesce(d.suppression, primary_suppression(c.n)) AS suppression
FROM provider_disclosure_cells AS c
LEFT JOIN secondary_suppression('provider_cells', 'provider_links') AS d ON d.cell = provider_cell(c.survey, c.level, c.code, c.survey_year);
DROP TABLE provider_disclosure_cells;

COMMENT ON TABLE intermediate.provider_disclosure IS 'Suppression (primary / secondary / null) of every provider and roll-up cell of learner and employer overall satisfaction, per survey and year.';
