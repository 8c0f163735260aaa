-- marts.entity_sources: the files each area's or provider's rows came from, per survey kind (every
-- loaded row of the kind's staging table, assessments included).
CREATE OR REPLACE TABLE marts.entity_sources AS
WITH sources AS (
    SELECT DISTINCT area_code AS entity_code, 'ni7' AS kind, source_file FROM staging.ni7_responses
    UNION SELECT DISTINCT area_code, 'relationship_poll', source_file FROM staging.relationship_poll_responses
    UNION SELECT DISTINCT ukprn, 'learner_survey', source_file FROM staging.learner_survey_responses
    UNION SELECT DISTINCT ukprn, 'employer_survey', source_file FROM staging.employer_survey_responses
    UNION SELECT DISTINCT entity_code, 'assessment', source_file FROM staging.assessments
)
SELECT s.entity_code, s.kind, s.source_file, e.in_register
FROM sources AS s
LEFT JOIN marts.entities AS e USING (entity_code)
ORDER BY entity_code, kind, source_file;

COMMENT ON TABLE marts.entity_sources IS 'The files each area''s or provider''s rows came from: one row per entity, survey kind and file.';
COMMENT ON COLUMN marts.entity_sources.entity_code IS 'Area code or UKPRN.';
COMMENT ON COLUMN marts.entity_sources.kind IS 'Survey kind of the file: ni7, relationship_poll, learner_survey, employer_survey or assessment.';
COMMENT ON COLUMN marts.entity_sources.source_file IS 'The file, relative to raw/.';
COMMENT ON COLUMN marts.entity_sources.in_register IS 'A provider: whether its UKPRN is in raw/providers/; null for an area.';
