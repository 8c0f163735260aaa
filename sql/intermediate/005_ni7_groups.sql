-- intermediate.ni7_groups: NI7 % positive per area, region, tier and England, per year — computed once
-- here, published by the marts.ni7* models. An answer counts when it is on the 5-point scale
-- (don't know / blank excluded); positive = very positive (1) or positive (2); missing weight = 1.
-- pct_positive is weighted; the 95% Wilson interval uses Kish's effective base (Σw)²/Σw².
-- Disclosure control (macros in sql/schema/040_macros.sql): an unweighted base under min_base() is
-- suppressed ('primary'); each year's cells are totals of parts — a region of its areas, a tier of its
-- areas, England of all areas, of the regions and of the tiers — so where a hidden cell could be
-- recovered from the published cells by any sums and differences of these groups, more cells are hidden
-- ('secondary'; scorecard/warehouse/disclosure.py, over all of a year's groups at once). A suppressed
-- cell publishes its base (respondents, areas) and nothing else: positive, pct_positive, ci_low, ci_high are null.
CREATE OR REPLACE TEMP TABLE ni7_sums AS
WITH answers AS (
    SELECT r.area_code, r.survey_year, a.region_code, a.region_name, a.tier,
           coalesce(r.weight, 1.0) AS w, r.influence IN (1, 2) AS is_positive
    FROM staging.ni7_responses AS r
    LEFT JOIN staging.areas AS a USING (area_code)
    WHERE r.influence IS NOT NULL
)
SELECT
    CASE
        WHEN grouping(area_code) = 0 THEN 'area'
        WHEN grouping(region_code) = 0 THEN 'region'
        WHEN grouping(tier) = 0 THEN 'tier'
        ELSE 'england'
    END AS level,
    CASE
        WHEN grouping(area_code) = 0 THEN area_code
        WHEN grouping(region_code) = 0 THEN region_code
        WHEN grouping(tier) = 0 THEN tier
        ELSE 'E92000001'
    END AS group_code,
    CASE WHEN grouping(region_code) = 0 THEN any_value(region_name)
         WHEN grouping(area_code) = 1 AND grouping(tier) = 1 THEN 'All surveyed areas in England' END AS group_name,
    survey_year,
    -- an area's own region and tier (null for other levels, or for a code missing in staging.areas)
    CASE WHEN grouping(area_code) = 0 THEN any_value(region_code) END AS area_region,
    CASE WHEN grouping(area_code) = 0 THEN any_value(tier) END AS area_tier,
    count(DISTINCT area_code) AS areas,
    count(*) AS respondents,
    count(*) FILTER (WHERE is_positive) AS positive,
    coalesce(sum(w) FILTER (WHERE is_positive), 0) / sum(w) AS p,
    sum(w) ^ 2 / sum(w * w) AS n_eff
FROM answers
GROUP BY GROUPING SETS ((area_code, survey_year), (region_code, survey_year), (tier, survey_year), (survey_year));

-- responses from a code missing in staging.areas cannot be placed in a region or tier
DELETE FROM ni7_sums WHERE group_code IS NULL;

CREATE OR REPLACE TEMP TABLE ni7_cells AS
SELECT level || ':' || group_code || ':' || survey_year AS cell, respondents AS size,
       primary_suppression(respondents) IS NOT NULL AS is_primary
FROM ni7_sums;

-- total-and-parts groups per year; an area with no region (or tier) is a part of England beside the regions (tiers)
CREATE OR REPLACE TEMP TABLE ni7_links AS
WITH areas AS (SELECT * FROM ni7_sums WHERE level = 'area')
SELECT 'region:' || area_region || ':' || survey_year AS grp, 'area:' || group_code || ':' || survey_year AS cell, false AS is_total
FROM areas WHERE area_region IS NOT NULL
UNION ALL SELECT 'region:' || group_code || ':' || survey_year, 'region:' || group_code || ':' || survey_year, true
FROM ni7_sums WHERE level = 'region'
UNION ALL SELECT 'tier:' || area_tier || ':' || survey_year, 'area:' || group_code || ':' || survey_year, false
FROM areas WHERE area_tier IS NOT NULL
UNION ALL SELECT 'tier:' || group_code || ':' || survey_year, 'tier:' || group_code || ':' || survey_year, true
FROM ni7_sums WHERE level = 'tier'
UNION ALL SELECT 'england-areas:' || survey_year, 'area:' || group_code || ':' || survey_year, false FROM areas
UNION ALL SELECT 'england-regions:' || survey_year, 'region:' || group_code || ':' || survey_year, false
FROM ni7_sums WHERE level = 'region'
UNION ALL SELECT 'england-regions:' || survey_year, 'area:' || group_code || ':' || survey_year, false
FROM areas WHERE area_region IS NULL
UNION ALL SELECT 'england-tiers:' || survey_year, 'tier:' || group_code || ':' || survey_year, false
FROM ni7_sums WHERE level = 'tier'
UNION ALL SELECT 'england-tiers:' || survey_year, 'area:' || group_code || ':' || survey_year, false
FROM areas WHERE area_tier IS NULL
UNION ALL SELECT grp || survey_year, 'england:E92000001:' || survey_year, true
FROM ni7_sums, (VALUES ('england-areas:'), ('england-regions:'), ('england-tiers:')) AS g(grp)
WHERE level = 'england';

CREATE OR REPLACE TABLE intermediate.ni7_groups AS
SELECT
    s.level, s.group_code, s.group_name, s.survey_year, s.areas, s.respondents,
    unless_suppressed(s.positive, d.suppression) AS positive,
    unless_suppressed(round(100 * s.p, 1), d.suppression) AS pct_positive,
    unless_suppressed(round(wilson_low(s.p, s.n_eff), 1), d.suppression) AS ci_low,
    unless_suppressed(round(wilson_high(s.p, s.n_eff), 1), d.suppression) AS ci_high,
    d.suppression IS NOT NULL AS suppressed,
    d.suppression
FROM ni7_sums AS s
JOIN secondary_suppression('ni7_cells', 'ni7_links') AS d ON d.cell = s.level || ':' || s.group_code || ':' || s.survey_year;

DROP TABLE ni7_sums;

COMMENT ON TABLE intermediate.ni7_groups IS 'NI7 % positive per area, region, tier and all surveyed areas in England, per year, with disclosure control applied; published by marts.ni7, marts.ni7_by_region and marts.ni7_by_tier.';
