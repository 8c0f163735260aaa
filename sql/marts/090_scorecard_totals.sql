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
