-- marts.scorecard_returns: the assessments returned for each scorecard — per framework, entity, year and
-- assessor, how many indicators were scored and from which files (staging.assessment_scores: where two
-- files score the same thing, the most recently loaded wins).
CREATE OR REPLACE TABLE marts.scorecard_returns AS
SELECT s.framework, s.entity_code, s.year, s.assessor, count(*) AS indicators,
       string_agg(DISTINCT s.source_file, ', ' ORDER BY s.source_file) AS files,
       any_value(e.in_register) AS in_register
FROM staging.assessment_scores AS s
LEFT JOIN marts.entities AS e USING (entity_code)
GROUP BY s.framework, s.entity_code, s.year, s.assessor
ORDER BY framework, entity_code, year, assessor;

COMMENT ON TABLE marts.scorecard_returns IS 'The assessments returned for each scorecard: per framework, entity, year and assessor, how many indicators were scored and from which files.';
COMMENT ON COLUMN marts.scorecard_returns.framework IS 'Framework id.';
COMMENT ON COLUMN marts.scorecard_returns.entity_code IS 'Area code or UKPRN.';
COMMENT ON COLUMN marts.scorecard_returns.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.scorecard_returns.assessor IS '''sector'', ''public_body'' or ''agreed'' (the panel).';
COMMENT ON COLUMN marts.scorecard_returns.indicators IS 'How many indicators the assessor scored.';
COMMENT ON COLUMN marts.scorecard_returns.files IS 'The files the scores came from (relative to raw/), '', ''-separated.';
COMMENT ON COLUMN marts.scorecard_returns.in_register IS 'A provider: whether its UKPRN is in raw/providers/; null for an area.';
