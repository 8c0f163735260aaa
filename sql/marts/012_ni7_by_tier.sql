-- marts.ni7_by_tier: NI7 % positive by local-authority tier (unitary / county / district) and year.
-- Suppression: sql/intermediate/005_ni7_groups.sql.
CREATE OR REPLACE TABLE marts.ni7_by_tier AS
SELECT group_code AS tier, survey_year, areas, respondents, positive, pct_positive, ci_low, ci_high, suppressed, suppression
FROM intermediate.ni7_groups
WHERE level = 'tier'
ORDER BY tier, survey_year;

COMMENT ON TABLE marts.ni7_by_tier IS 'NI7 % positive by local-authority tier and year.';
COMMENT ON COLUMN marts.ni7_by_tier.tier IS '''unitary'' (unitary, metropolitan district or London borough), ''county'' or ''district''.';
COMMENT ON COLUMN marts.ni7_by_tier.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.ni7_by_tier.areas IS 'Areas of the tier surveyed that year.';
COMMENT ON COLUMN marts.ni7_by_tier.respondents IS 'Unweighted base: answers 1–5.';
COMMENT ON COLUMN marts.ni7_by_tier.positive IS 'Unweighted count answering very positive or positive; null when suppressed.';
COMMENT ON COLUMN marts.ni7_by_tier.pct_positive IS 'Weighted % positive; null when suppressed.';
COMMENT ON COLUMN marts.ni7_by_tier.ci_low IS 'Lower end of the 95% Wilson interval on Kish''s effective base, %.';
COMMENT ON COLUMN marts.ni7_by_tier.ci_high IS 'Upper end of the 95% Wilson interval on Kish''s effective base, %.';
COMMENT ON COLUMN marts.ni7_by_tier.suppressed IS 'True when the value is withheld (suppression is not null).';
COMMENT ON COLUMN marts.ni7_by_tier.suppression IS '''primary'' (unweighted base under 10), ''secondary'' (withheld because published figures would reveal a primary one by differencing) or null (published).';
