-- marts.scorecard_totals: one row per framework, entity and year. total_score = sum of final scores;
-- max_score = points × indicators. Direction of travel compares like with like: change = Σ(this − previous)
-- over indicators scored both this year and in the previous year that had any score.
CREATE OR REPLACE TABLE marts.scorecard_totals AS
WITH totals AS (
    SELECT framework, entity_code, year,
           coalesce(sum(score), 0)::INTEGER AS total_score,
           sum(max_score)::INTEGER AS max_score,
           count(score)::INTEGER AS indicators_scored,
           count(*) FILTER (WHERE basis = 'disputed')::INTEGER AS indicators_disputed
    FROM marts.indicator_scores
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
    SELECT w.framework, w.entity_code, w.year, sum(this.score - prev.score)::INTEGER AS change
    FROM with_previous AS w
    JOIN marts.indicator_scores AS this
      ON this.framework = w.framework AND this.entity_code = w.entity_code AND this.year = w.year
    JOIN marts.indicator_scores AS prev
      ON prev.framework = w.framework AND prev.entity_code = w.entity_code AND prev.year = w.previous_year
     AND prev.indicator_id = this.indicator_id
    WHERE this.score IS NOT NULL AND prev.score IS NOT NULL
    GROUP BY ALL
)
SELECT
    w.framework, w.entity_code, w.year, w.total_score, w.max_score, w.indicators_scored, w.indicators_disputed,
    CASE WHEN w.previous_year IS NOT NULL THEN coalesce(c.change, 0) END AS change,
    CASE
        WHEN w.previous_year IS NULL THEN 'first year'
        WHEN coalesce(c.change, 0) > 0 THEN 'improving'
        WHEN coalesce(c.change, 0) < 0 THEN 'declining'
        ELSE 'no change'
    END AS direction_of_travel,
    w.previous_year   -- the year compared with
FROM with_previous AS w
LEFT JOIN changes AS c USING (framework, entity_code, year)
ORDER BY framework, entity_code, year;
