-- staging.ni7_groups: NI7 % positive per area, region, tier and England, per year — computed once
-- here, published by the marts.ni7* models. An answer counts when it is on the 5-point scale
-- (don't know / blank excluded); positive = very positive (1) or positive (2); missing weight = 1.
-- pct_positive is weighted; the 95% Wilson interval uses Kish's effective base (Σw)²/Σw²;
-- an unweighted base under min_base() is suppressed (value and interval null).
CREATE OR REPLACE TABLE staging.ni7_groups AS
WITH answers AS (
    SELECT r.area_code, r.survey_year, a.region_code, a.region_name, a.tier,
           coalesce(r.weight, 1.0) AS w, r.influence IN (1, 2) AS is_positive
    FROM staging.ni7_responses AS r
    LEFT JOIN staging.areas AS a USING (area_code)
    WHERE r.influence IS NOT NULL
),
sums AS (
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
             WHEN grouping(area_code) = 1 AND grouping(tier) = 1 THEN 'England' END AS group_name,
        survey_year,
        count(DISTINCT area_code) AS areas,
        count(*) AS respondents,
        count(*) FILTER (WHERE is_positive) AS positive,
        coalesce(sum(w) FILTER (WHERE is_positive), 0) / sum(w) AS p,
        sum(w) ^ 2 / sum(w * w) AS n_eff
    FROM answers
    GROUP BY GROUPING SETS ((area_code, survey_year), (region_code, survey_year), (tier, survey_year), (survey_year))
)
SELECT
    level, group_code, group_name, survey_year, areas, respondents, positive,
    CASE WHEN respondents >= min_base() THEN round(100 * p, 1) END AS pct_positive,
    CASE WHEN respondents >= min_base() THEN round(wilson_low(p, n_eff), 1) END AS ci_low,
    CASE WHEN respondents >= min_base() THEN round(wilson_high(p, n_eff), 1) END AS ci_high,
    respondents < min_base() AS suppressed
FROM sums
-- responses from a code missing in staging.areas cannot be placed in a region or tier
WHERE group_code IS NOT NULL;
