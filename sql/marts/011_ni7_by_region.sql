-- marts.ni7_by_region: NI7 % positive per English region, and for all surveyed areas in England
-- (region_code E92000001: the responses of every area surveyed that year pooled, not England as such). Suppression: sql/intermediate/005_ni7_groups.sql.
CREATE OR REPLACE TABLE marts.ni7_by_region AS
SELECT group_code AS region_code, group_name AS region_name, survey_year, areas, respondents, positive,
       pct_positive, ci_low, ci_high, suppressed, suppression
FROM intermediate.ni7_groups
WHERE level IN ('region', 'england')
ORDER BY level = 'england', region_code, survey_year;
