-- marts.relationship_poll: per area, year, side (sector / public_body) and statement: respondents
-- (answers 1-5; don't know not in the base), % agreeing (4-5) with its 95% Wilson interval, and the
-- mean answer. Disclosure control (macros in sql/schema/040_macros.sql): a side under min_base() is
-- suppressed ('primary'); the two sides add up to the area's both-sides figure (published as
-- relationship_good_pct_agree in marts.evidence_measures), so when one side is suppressed the other is
-- too ('secondary'; the rule: scorecard/warehouse/disclosure.py). A suppressed side keeps its respondents; agreeing, pct_agree, the interval and
-- the mean are null.
CREATE OR REPLACE TEMP TABLE poll_sides AS
WITH answers AS (
    UNPIVOT (SELECT area_code, survey_year, side, relationship_good, relationship_improving, views_listened_to,
                    independence_respected, funding_fair FROM staging.relationship_poll_responses)
    ON relationship_good, relationship_improving, views_listened_to, independence_respected, funding_fair
    INTO NAME statement VALUE answer
)
SELECT area_code, survey_year, side, statement,
       area_code || ':' || survey_year || ':' || statement AS grp,
       area_code || ':' || survey_year || ':' || statement || ':' || side AS cell,
       count(*) AS respondents,
       count(*) FILTER (WHERE answer >= 4) AS agreeing,
       round(100 * count(*) FILTER (WHERE answer >= 4) / count(*), 1) AS pct_agree,
       round(wilson_low(count(*) FILTER (WHERE answer >= 4) / count(*), count(*)), 1) AS ci_low,
       round(wilson_high(count(*) FILTER (WHERE answer >= 4) / count(*), count(*)), 1) AS ci_high,
       round(avg(answer), 2) AS mean_score
FROM answers
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE poll_cells AS
SELECT cell, respondents AS size, primary_suppression(respondents) IS NOT NULL AS is_primary FROM poll_sides;
-- each side is a part of the both-sides total (a cell of another mart: listed here, never hidden here)
CREATE OR REPLACE TEMP TABLE poll_links AS
SELECT grp, cell, false AS is_total FROM poll_sides
UNION ALL SELECT DISTINCT grp, grp || ':both', true FROM poll_sides;

CREATE OR REPLACE TABLE marts.relationship_poll AS
SELECT s.area_code, a.area_name, s.survey_year, s.side, s.statement,
       s.statement || '_pct_agree' AS measure,  -- the statement's % agreeing in the measure catalogue (marts.measures)
       s.respondents,
       unless_suppressed(s.agreeing, d.suppression) AS agreeing,
       unless_suppressed(s.pct_agree, d.suppression) AS pct_agree,
       unless_suppressed(s.ci_low, d.suppression) AS ci_low,
       unless_suppressed(s.ci_high, d.suppression) AS ci_high,
       unless_suppressed(s.mean_score, d.suppression) AS mean_score,
       d.suppression IS NOT NULL AS suppressed,
       d.suppression
FROM poll_sides AS s
JOIN secondary_suppression('poll_cells', 'poll_links') AS d USING (cell)
LEFT JOIN staging.areas AS a USING (area_code)
ORDER BY s.area_code, s.survey_year, s.statement, s.side;

COMMENT ON TABLE marts.relationship_poll IS 'The relationship poll per area, year, side and statement: % agreeing with its 95% Wilson interval and the mean answer. Method and disclosure control: marts.measures (the *_pct_agree measures).';
COMMENT ON COLUMN marts.relationship_poll.area_code IS 'ONS (GSS) code of the local authority.';
COMMENT ON COLUMN marts.relationship_poll.area_name IS 'Name of the local authority.';
COMMENT ON COLUMN marts.relationship_poll.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.relationship_poll.side IS '''sector'' (voluntary sector representatives) or ''public_body''.';
COMMENT ON COLUMN marts.relationship_poll.statement IS '''relationship_good'', ''relationship_improving'', ''views_listened_to'', ''independence_respected'' or ''funding_fair''.';
COMMENT ON COLUMN marts.relationship_poll.measure IS 'The statement''s measure in marts.measures (statement || ''_pct_agree'').';
COMMENT ON COLUMN marts.relationship_poll.respondents IS 'Answers 1–5 (don''t know not in the base).';
COMMENT ON COLUMN marts.relationship_poll.agreeing IS 'Answers 4–5; null when suppressed.';
COMMENT ON COLUMN marts.relationship_poll.pct_agree IS '% agreeing; null when suppressed.';
COMMENT ON COLUMN marts.relationship_poll.ci_low IS 'Lower end of the 95% Wilson interval, %.';
COMMENT ON COLUMN marts.relationship_poll.ci_high IS 'Upper end of the 95% Wilson interval, %.';
COMMENT ON COLUMN marts.relationship_poll.mean_score IS 'Mean answer, 1–5; null when suppressed.';
COMMENT ON COLUMN marts.relationship_poll.suppressed IS 'True when the value is withheld (suppression is not null).';
COMMENT ON COLUMN marts.relationship_poll.suppression IS '''primary'' (side under 10), ''secondary'' (the other side is suppressed: the two add up to the published both-sides figure) or null.';
