-- marts.scorecard_totals_by_region: area scorecards per English region, framework and year.
-- Direction counts: improving + declining + no_change + first_year + not_comparable = entities.
CREATE OR REPLACE TABLE marts.scorecard_totals_by_region AS
SELECT framework, group_code AS region_code, group_name AS region_name, year, entities, mean_total_score,
       max_score, pct_of_max, improving, declining, no_change, first_year, not_comparable
FROM intermediate.scorecard_groups WHERE level = 'region'
ORDER BY framework, region_code, year;

COMMENT ON TABLE marts.scorecard_totals_by_region IS 'Area scorecards per English region, framework and year. Historic (abolished) areas count in the region of their successor.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.framework IS 'Framework id (the `id` of its file in scorecards/).';
COMMENT ON COLUMN marts.scorecard_totals_by_region.region_code IS 'ONS code of the English region.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.region_name IS 'Name of the English region.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.entities IS 'Area scorecards in the region.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.mean_total_score IS 'Mean total score.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.max_score IS 'The framework''s maximum score.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.pct_of_max IS 'All totals over all maxima, %.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.improving IS 'Scorecards improving.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.declining IS 'Scorecards declining.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.no_change IS 'Scorecards with no change.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.first_year IS 'Scorecards in their first year.';
COMMENT ON COLUMN marts.scorecard_totals_by_region.not_comparable IS 'Scorecards whose change rests on too few indicators (improving + declining + no_change + first_year + not_comparable = entities).';
