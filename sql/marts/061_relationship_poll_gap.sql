-- marts.relationship_poll_gap: the perception gap per area, year and statement — public bodies' %
-- agreeing minus the sector's, in percentage points — and whether it is statistically significant
-- (two-proportion z-test, |z| > 1.96). Null unless both sides are published (marts.relationship_poll:
-- a side under min_base() is suppressed, and then the other side too). suppression: 'primary' when a
-- side is primary suppressed, else 'secondary' when a side is secondary suppressed, else null.
CREATE OR REPLACE TABLE marts.relationship_poll_gap AS
WITH sides AS (
    PIVOT (SELECT area_code, area_name, survey_year, statement, side, respondents, agreeing, pct_agree, suppression FROM marts.relationship_poll)
    ON side IN ('sector', 'public_body')
    USING any_value(respondents) AS n, any_value(agreeing) AS x, any_value(pct_agree) AS pct, any_value(suppression) AS suppression
    GROUP BY area_code, area_name, survey_year, statement
),
tested AS (
    SELECT *,
           (coalesce(sector_x, 0) + coalesce(public_body_x, 0)) / nullif(coalesce(sector_n, 0) + coalesce(public_body_n, 0), 0) AS pooled
    FROM sides
)
SELECT area_code, area_name, survey_year, statement,
       coalesce(sector_n, 0) AS sector_respondents, sector_pct AS sector_pct_agree,
       coalesce(public_body_n, 0) AS public_body_respondents, public_body_pct AS public_body_pct_agree,
       round(public_body_pct - sector_pct, 1) AS gap,
       CASE WHEN sector_pct IS NOT NULL AND public_body_pct IS NOT NULL THEN
           round((public_body_x / public_body_n - sector_x / sector_n)
                 / nullif(sqrt(pooled * (1 - pooled) * (1 / sector_n + 1 / public_body_n)), 0), 2)
       END AS z,
       CASE WHEN sector_pct IS NOT NULL AND public_body_pct IS NOT NULL THEN
           abs((public_body_x / public_body_n - sector_x / sector_n)
               / nullif(sqrt(pooled * (1 - pooled) * (1 / sector_n + 1 / public_body_n)), 0)) > 1.96
       END AS significant,
       CASE WHEN 'primary' IN (sector_suppression, public_body_suppression) THEN 'primary'
            WHEN 'secondary' IN (sector_suppression, public_body_suppression) THEN 'secondary' END AS suppression
FROM tested
ORDER BY area_code, survey_year, statement;

COMMENT ON TABLE marts.relationship_poll_gap IS 'The perception gap per area, year and statement: public bodies'' % agreeing minus the sector''s, and whether it is statistically significant. Null unless both sides are published.';
COMMENT ON COLUMN marts.relationship_poll_gap.area_code IS 'ONS (GSS) code of the local authority.';
COMMENT ON COLUMN marts.relationship_poll_gap.area_name IS 'Name of the local authority.';
COMMENT ON COLUMN marts.relationship_poll_gap.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.relationship_poll_gap.statement IS 'The poll statement (see marts.relationship_poll).';
COMMENT ON COLUMN marts.relationship_poll_gap.sector_respondents IS 'Sector answers 1–5.';
COMMENT ON COLUMN marts.relationship_poll_gap.sector_pct_agree IS 'Sector % agreeing; null when suppressed.';
COMMENT ON COLUMN marts.relationship_poll_gap.public_body_respondents IS 'Public-body answers 1–5.';
COMMENT ON COLUMN marts.relationship_poll_gap.public_body_pct_agree IS 'Public bodies'' % agreeing; null when suppressed.';
COMMENT ON COLUMN marts.relationship_poll_gap.gap IS 'public_body_pct_agree − sector_pct_agree, percentage points.';
COMMENT ON COLUMN marts.relationship_poll_gap.z IS 'Two-proportion z statistic.';
COMMENT ON COLUMN marts.relationship_poll_gap.significant IS '|z| > 1.96.';
COMMENT ON COLUMN marts.relationship_poll_gap.suppression IS '''primary'' when a side is primary suppressed, else ''secondary'' when a side is secondary suppressed, else null.';
