-- marts.scorecard_totals_by_tier: area scorecards per local-authority tier (unitary / county / district).
-- Direction counts: improving + declining + no_change + first_year + not_comparable = entities.
CREATE OR REPLACE TABLE marts.scorecard_totals_by_tier AS
SELECT framework, group_code AS tier, year, entities, mean_total_score,
       max_score, pct_of_max, improving, declining, no_change, first_year, not_comparable
FROM intermediate.scorecard_groups WHERE level = 'tier'
ORDER BY framework, tier, year;
