-- marts.scorecard_totals: one row per framework, entity and scorecard year — a year the framework
-- publishes (marts.indicator_scores.scorecard_year: by default only years a panel scored; with
-- `scorecard_years: all`, evidence-only years too). total_score = sum of final scores;
-- max_score = points × indicators. Direction of travel compares like with like: change = Σ(this − previous)
-- over the indicators scored both this year and in the previous scorecard year that had any score;
-- indicators_compared counts them. With fewer than the framework's min_indicators_compared (default
-- half its indicators, rounded up) the direction is 'not comparable' — change is still shown as computed.
-- The entity's name, tier and region (marts.entities) and the framework's name and size label each row.
CREATE OR REPLACE TABLE marts.scorecard_totals AS
WITH published AS (
    SELECT * FROM marts.indicator_scores WHERE scorecard_year
),
totals AS (
    SELECT framework, entity_code, year,
           coalesce(sum(score), 0)::INTEGER AS total_score,
           sum(max_score)::INTEGER AS max_score,
           count(score)::INTEGER AS indicators_scored,
           count(*) FILTER (WHERE basis = 'disputed')::INTEGER AS indicators_disputed,
           any_value(in_register) AS in_register
    FROM published
    GROUP BY framework, entity_code, year
),
with_previous AS (
    SELECT t.*,
           (SELECT max(p.year) FROM totals AS p
             WHERE p.framework = t.framework AND p.entity_code = t.entity_code
               AND p.year < t.year AND p.indicators_scored > 0) AS previous_year
    FROM totals AS t
),
changes AS (
    SELECT w.framework, w.entity_code, w.year, sum(this.score - prev.score)::INTEGER AS change,
           count(*)::INTEGER AS indicators_compared
    FROM with_previous AS w
    JOIN published AS this
      ON this.framework = w.framework AND this.entity_code = w.entity_code AND this.year = w.year
    JOIN published AS prev
      ON prev.framework = w.framework AND prev.entity_code = w.entity_code AND prev.year = w.previous_year
     AND prev.indicator_id = this.indicator_id
    WHERE this.score IS NOT NULL AND prev.score IS NOT NULL
    GROUP BY ALL
),
thresholds AS (
    SELECT framework, any_value(framework_name) AS framework_name, any_value(entity) AS entity_type,
           count(*)::INTEGER AS framework_indicators, any_value(min_indicators_compared) AS min_indicators_compared
    FROM staging.framework_indicators GROUP BY framework
)
SELECT
    w.framework, w.entity_code, w.year, w.total_score, w.max_score, w.indicators_scored, w.indicators_disputed,
    CASE WHEN w.previous_year IS NOT NULL THEN coalesce(c.change, 0) END AS change,
    CASE
        WHEN w.previous_year IS NULL THEN 'first year'
        WHEN coalesce(c.indicators_compared, 0) < k.min_indicators_compared THEN 'not comparable'
        WHEN coalesce(c.change, 0) > 0 THEN 'improving'
        WHEN coalesce(c.change, 0) < 0 THEN 'declining'
        ELSE 'no change'
    END AS direction_of_travel,
    w.previous_year,   -- the year compared with
    CASE WHEN w.previous_year IS NOT NULL THEN coalesce(c.indicators_compared, 0) END::INTEGER AS indicators_compared,
    w.in_register,   -- provider frameworks: false for a UKPRN not in the register (unregistered); null for areas
    k.framework_name, k.entity_type, coalesce(e.entity_name, w.entity_code) AS entity_name, e.tier, e.region_code, e.region_name,
    k.framework_indicators, k.min_indicators_compared
FROM with_previous AS w
LEFT JOIN changes AS c USING (framework, entity_code, year)
JOIN thresholds AS k USING (framework)
LEFT JOIN marts.entities AS e ON e.entity_code = w.entity_code AND e.entity_type = k.entity_type
ORDER BY framework, entity_code, year;

COMMENT ON TABLE marts.scorecard_totals IS 'One row per framework, entity and scorecard year: total score and direction of travel (like for like), labelled with the entity''s name, tier and region and the framework''s name and size.';
COMMENT ON COLUMN marts.scorecard_totals.framework IS 'Framework id (the `id` of its file in scorecards/).';
COMMENT ON COLUMN marts.scorecard_totals.entity_code IS 'Area code, or UKPRN for a provider framework.';
COMMENT ON COLUMN marts.scorecard_totals.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.scorecard_totals.total_score IS 'Sum of the final scores.';
COMMENT ON COLUMN marts.scorecard_totals.max_score IS 'Points per indicator × indicators.';
COMMENT ON COLUMN marts.scorecard_totals.indicators_scored IS 'Indicators with a final score.';
COMMENT ON COLUMN marts.scorecard_totals.indicators_disputed IS 'Indicators the two sides scored differently, not yet agreed.';
COMMENT ON COLUMN marts.scorecard_totals.change IS 'Σ(this − previous) over the indicators scored both this year and in previous_year; null in the first year.';
COMMENT ON COLUMN marts.scorecard_totals.direction_of_travel IS '''improving'', ''declining'', ''no change'', ''first year'' or ''not comparable'' (fewer than min_indicators_compared indicators compared).';
COMMENT ON COLUMN marts.scorecard_totals.previous_year IS 'The previous scorecard year with any score: the year compared with.';
COMMENT ON COLUMN marts.scorecard_totals.indicators_compared IS 'How many indicators change is computed over; null in the first year.';
COMMENT ON COLUMN marts.scorecard_totals.in_register IS 'Provider frameworks: false for an unregistered UKPRN; null for an area framework.';
COMMENT ON COLUMN marts.scorecard_totals.framework_name IS 'The framework''s name.';
COMMENT ON COLUMN marts.scorecard_totals.entity_type IS '''area'' or ''provider''.';
COMMENT ON COLUMN marts.scorecard_totals.entity_name IS 'The area''s or provider''s name (marts.entities; the code when unknown).';
COMMENT ON COLUMN marts.scorecard_totals.tier IS 'The entity''s tier (a provider: of its home local authority).';
COMMENT ON COLUMN marts.scorecard_totals.region_code IS 'The entity''s region code.';
COMMENT ON COLUMN marts.scorecard_totals.region_name IS 'The entity''s region.';
COMMENT ON COLUMN marts.scorecard_totals.framework_indicators IS 'How many indicators the framework has.';
COMMENT ON COLUMN marts.scorecard_totals.min_indicators_compared IS 'Fewest indicators compared for a direction of travel to count.';
