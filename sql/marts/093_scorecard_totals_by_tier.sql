-- marts.scorecard_totals_by_tier: area scorecards per local-authority tier (unitary / county / district).
-- Direction counts: improving + declining + no_change + first_year + not_comparable = entities.
CREATE OR REPLACE TABLE marts.scorecard_totals_by_tier AS
SELECT framework, group_code AS tier, year, entities, mean_total_score,
       max_score, pct_of_max, improving, declining, no_change, first_year, not_comparable
FROM intermediate.scorecard_groups WHERE level = 'tier'
ORDER BY framework, tier, year;

COMMENT ON TABLE marts.scorecard_totals_by_tier IS 'Area scorecards per local-authority tier, framework and year.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.framework IS 'Framework id (the `id` of its file in scorecards/).';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.tier IS '''unitary'', ''county'' or ''district''.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.entities IS 'Area scorecards of the tier.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.mean_total_score IS 'Mean total score.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.max_score IS 'The framework''s maximum score.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.pct_of_max IS 'All totals over all maxima, %.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.improving IS 'Scorecards improving.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.declining IS 'Scorecards declining.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.no_change IS 'Scorecards with no change.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.first_year IS 'Scorecards in their first year.';
COMMENT ON COLUMN marts.scorecard_totals_by_tier.not_comparable IS 'Scorecards whose change rests on too few indicators (the five counts add up to entities).';
