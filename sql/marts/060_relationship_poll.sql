-- marts.relationship_poll: per area, year, side (sector / public_body) and statement: respondents
-- (answers 1-5; don't know not in the base), % agreeing (4-5) with its 95% Wilson interval, and the
-- mean answer. Suppressed under min_base().
CREATE OR REPLACE TABLE marts.relationship_poll AS
WITH answers AS (
    UNPIVOT (SELECT area_code, survey_year, side, relationship_good, relationship_improving, views_listened_to,
                    independence_respected, funding_fair FROM staging.relationship_poll_responses)
    ON relationship_good, relationship_improving, views_listened_to, independence_respected, funding_fair
    INTO NAME statement VALUE answer
)
SELECT s.area_code, a.area_name, s.survey_year, s.side, s.statement,
       count(*) AS respondents,
       count(*) FILTER (WHERE answer >= 4) AS agreeing,
       unless_small(round(100 * count(*) FILTER (WHERE answer >= 4) / count(*), 1), count(*)) AS pct_agree,
       unless_small(round(wilson_low(count(*) FILTER (WHERE answer >= 4) / count(*), count(*)), 1), count(*)) AS ci_low,
       unless_small(round(wilson_high(count(*) FILTER (WHERE answer >= 4) / count(*), count(*)), 1), count(*)) AS ci_high,
       unless_small(round(avg(answer), 2), count(*)) AS mean_score,
       count(*) < min_base() AS suppressed
FROM answers AS s
LEFT JOIN staging.areas AS a USING (area_code)
GROUP BY ALL
ORDER BY s.area_code, s.survey_year, s.statement, s.side;
