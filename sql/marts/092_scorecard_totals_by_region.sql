-- marts.scorecard_totals_by_region: area scorecards per English region, framework and year.
-- Direction counts: improving + declining + no_change + first_year + not_comparable = entities.
CREATE OR REPLACE TABLE marts.scorecard_totals_by_region AS
SELECT framework, group_code AS region_code, group_name AS region_name, year, entities, mean_total_score,
       max_score, pct_of_max, improving, declining, no_change, first_year, not_comparable
FROM intermediate.scorecard_groups WHERE level = 'region'
ORDER BY framework, region_code, year;
