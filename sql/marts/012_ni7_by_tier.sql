-- marts.ni7_by_tier: NI7 % positive by local-authority tier (unitary / county / district) and year.
-- Suppression: sql/intermediate/005_ni7_groups.sql.
CREATE OR REPLACE TABLE marts.ni7_by_tier AS
SELECT group_code AS tier, survey_year, areas, respondents, positive, pct_positive, ci_low, ci_high, suppressed, suppression
FROM intermediate.ni7_groups
WHERE level = 'tier'
ORDER BY tier, survey_year;
