-- marts.assessment_notes: the notes assessors wrote beside their scores (panel packs' note column, or
-- the assessment template's `note`), one per framework, entity, year, indicator and assessor. The text is
-- as written: escape it wherever it is shown.
CREATE OR REPLACE TABLE marts.assessment_notes AS
SELECT s.framework, s.entity_code, s.year, s.indicator_id, s.assessor, s.note, s.source_file, e.in_register
FROM staging.assessment_scores AS s
LEFT JOIN marts.entities AS e USING (entity_code)
WHERE s.note IS NOT NULL
ORDER BY framework, entity_code, year, indicator_id, assessor;

COMMENT ON TABLE marts.assessment_notes IS 'The notes assessors wrote beside their scores: one per framework, entity, year, indicator and assessor that wrote one. Text as written: escape it where it is shown.';
COMMENT ON COLUMN marts.assessment_notes.framework IS 'Framework id.';
COMMENT ON COLUMN marts.assessment_notes.entity_code IS 'Area code or UKPRN.';
COMMENT ON COLUMN marts.assessment_notes.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.assessment_notes.indicator_id IS 'Indicator id within the framework.';
COMMENT ON COLUMN marts.assessment_notes.assessor IS '''sector'', ''public_body'' or ''agreed'' (the panel).';
COMMENT ON COLUMN marts.assessment_notes.note IS 'The note, as written.';
COMMENT ON COLUMN marts.assessment_notes.source_file IS 'The file the note came from, relative to raw/.';
COMMENT ON COLUMN marts.assessment_notes.in_register IS 'A provider: whether its UKPRN is in raw/providers/; null for an area.';
