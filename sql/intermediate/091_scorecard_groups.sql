-- intermediate.scorecard_groups (built after marts.scorecard_totals): area scorecard totals
-- summarised per region and per tier, framework and year (computed once, published by the two models
-- after it). Historic (abolished) areas count in the region of their successor. Every scorecard counts in
-- `entities` and the mean; for direction, each in exactly one of improving / declining / no_change /
-- first_year / not_comparable — a not-comparable year is in none of the first four.
CREATE OR REPLACE TABLE intermediate.scorecard_groups AS
SELECT
    CASE WHEN grouping(a.region_code) = 0 THEN 'region' ELSE 'tier' END AS level,
    CASE WHEN grouping(a.region_code) = 0 THEN a.region_code ELSE a.tier END AS group_code,
    CASE WHEN grouping(a.region_code) = 0 THEN any_value(a.region_name) END AS group_name,
    t.framework, t.year,
    count(*) AS entities,
    round(avg(t.total_score), 1) AS mean_total_score,
    any_value(t.max_score) AS max_score,
    round(100 * sum(t.total_score) / sum(t.max_score), 1) AS pct_of_max,
    count(*) FILTER (WHERE t.direction_of_travel = 'improving') AS improving,
    count(*) FILTER (WHERE t.direction_of_travel = 'declining') AS declining,
    count(*) FILTER (WHERE t.direction_of_travel = 'no change') AS no_change,
    count(*) FILTER (WHERE t.direction_of_travel = 'first year') AS first_year,
    count(*) FILTER (WHERE t.direction_of_travel = 'not comparable') AS not_comparable
FROM marts.scorecard_totals AS t
JOIN staging.areas AS a ON a.area_code = t.entity_code
GROUP BY GROUPING SETS ((t.framework, t.year, a.region_code), (t.framework, t.year, a.tier));
