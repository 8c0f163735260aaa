-- Typed survey rows as loaded, one table per kind, each row with its lineage:
-- source_file (relative to raw/), row_number (1-based data row), file_sha256, run_id.
-- Area codes written as a pre-2011 ONS code keep it in area_code_as_written.
CREATE TABLE IF NOT EXISTS staging.ni7_responses (
    respondent_id VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    survey_year INTEGER NOT NULL,
    influence TINYINT,              -- 1 very positive … 5 very negative; NULL = don't know / blank
    weight DOUBLE,                  -- NULL = 1
    org_type VARCHAR,
    income_band VARCHAR,
    funding_satisfaction TINYINT,   -- 1 strongly disagree … 5 strongly agree
    source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, file_sha256 VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
    area_code_as_written VARCHAR    -- a pre-2011 ONS code (00HB) as written, when area_code is its GSS code
);

CREATE TABLE IF NOT EXISTS staging.relationship_poll_responses (
    respondent_id VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    survey_year INTEGER NOT NULL,
    side VARCHAR NOT NULL,          -- sector | public_body
    relationship_good TINYINT,      -- agreement items: 1 strongly disagree … 5 strongly agree
    relationship_improving TINYINT,
    views_listened_to TINYINT,
    independence_respected TINYINT,
    funding_fair TINYINT,
    partner_body VARCHAR,
    source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, file_sha256 VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
    area_code_as_written VARCHAR    -- a pre-2011 ONS code (00HB) as written, when area_code is its GSS code
);

CREATE TABLE IF NOT EXISTS staging.learner_survey_responses (
    respondent_id VARCHAR NOT NULL,
    ukprn VARCHAR NOT NULL,
    survey_year INTEGER NOT NULL,
    overall_satisfaction TINYINT,   -- 0-10
    recommend TINYINT,              -- 0-10
    teaching TINYINT,               -- 0-10
    support TINYINT,                -- 0-10
    home_lsoa VARCHAR,              -- 2011 LSOA code
    age_band VARCHAR,
    confidence_before TINYINT,      -- 1-5
    confidence_now TINYINT,
    skills_before TINYINT,
    skills_now TINYINT,
    source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, file_sha256 VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.employer_survey_responses (
    respondent_id VARCHAR NOT NULL,
    ukprn VARCHAR NOT NULL,
    survey_year INTEGER NOT NULL,
    overall_satisfaction TINYINT,   -- 0-10
    recommend TINYINT,              -- 0-10
    employer_size VARCHAR,
    sector VARCHAR,
    source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, file_sha256 VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.assessments (
    framework VARCHAR NOT NULL,
    entity_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    assessor VARCHAR NOT NULL,      -- sector | public_body | agreed
    score TINYINT NOT NULL,         -- 0-3
    note VARCHAR,
    source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, file_sha256 VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);

-- Warehouses built before area_code_as_written existed gain it (NULL for the rows they hold).
ALTER TABLE staging.ni7_responses ADD COLUMN IF NOT EXISTS area_code_as_written VARCHAR;
ALTER TABLE staging.relationship_poll_responses ADD COLUMN IF NOT EXISTS area_code_as_written VARCHAR;

COMMENT ON TABLE staging.ni7_responses IS 'NI7 survey answers as loaded, typed, one row per respondent, with lineage.';
COMMENT ON COLUMN staging.ni7_responses.respondent_id IS 'The respondent''s id as the survey tool exported it.';
COMMENT ON COLUMN staging.ni7_responses.area_code IS 'ONS (GSS) code of the local authority the row is about.';
COMMENT ON COLUMN staging.ni7_responses.survey_year IS 'Survey year.';
COMMENT ON COLUMN staging.ni7_responses.influence IS 'How the area''s statutory bodies influence the organisation''s success: 1 very positive … 5 very negative; null = don''t know / blank.';
COMMENT ON COLUMN staging.ni7_responses.weight IS 'Survey weight; null counts as 1.';
COMMENT ON COLUMN staging.ni7_responses.org_type IS 'Type of organisation, as answered.';
COMMENT ON COLUMN staging.ni7_responses.income_band IS 'Income band, as answered.';
COMMENT ON COLUMN staging.ni7_responses.funding_satisfaction IS 'Agreement that funding is satisfactory: 1 strongly disagree … 5 strongly agree.';
COMMENT ON COLUMN staging.ni7_responses.source_file IS 'The file the row came from, relative to raw/.';
COMMENT ON COLUMN staging.ni7_responses.row_number IS '1-based data row in the file (header rows not counted).';
COMMENT ON COLUMN staging.ni7_responses.file_sha256 IS 'SHA-256 of the file version the row was loaded from.';
COMMENT ON COLUMN staging.ni7_responses.run_id IS 'The run that loaded it (audit.run_log.run_id).';
COMMENT ON COLUMN staging.ni7_responses.area_code_as_written IS 'A pre-2011 ONS code (00HB) as written, when area_code is its GSS code; else null.';
COMMENT ON TABLE staging.relationship_poll_responses IS 'Relationship poll answers as loaded, typed, one row per respondent, with lineage.';
COMMENT ON COLUMN staging.relationship_poll_responses.respondent_id IS 'The respondent''s id as the survey tool exported it.';
COMMENT ON COLUMN staging.relationship_poll_responses.area_code IS 'ONS (GSS) code of the local authority the row is about.';
COMMENT ON COLUMN staging.relationship_poll_responses.survey_year IS 'Survey year.';
COMMENT ON COLUMN staging.relationship_poll_responses.side IS '''sector'' or ''public_body''.';
COMMENT ON COLUMN staging.relationship_poll_responses.relationship_good IS 'The relationship is good: 1 strongly disagree … 5 strongly agree; null = don''t know.';
COMMENT ON COLUMN staging.relationship_poll_responses.relationship_improving IS 'The relationship is improving: 1–5, as above.';
COMMENT ON COLUMN staging.relationship_poll_responses.views_listened_to IS 'The sector''s views are listened to: 1–5.';
COMMENT ON COLUMN staging.relationship_poll_responses.independence_respected IS 'The sector''s independence is respected: 1–5.';
COMMENT ON COLUMN staging.relationship_poll_responses.funding_fair IS 'Funding is fair: 1–5.';
COMMENT ON COLUMN staging.relationship_poll_responses.partner_body IS 'The public body answered about, as written.';
COMMENT ON COLUMN staging.relationship_poll_responses.source_file IS 'The file the row came from, relative to raw/.';
COMMENT ON COLUMN staging.relationship_poll_responses.row_number IS '1-based data row in the file (header rows not counted).';
COMMENT ON COLUMN staging.relationship_poll_responses.file_sha256 IS 'SHA-256 of the file version the row was loaded from.';
COMMENT ON COLUMN staging.relationship_poll_responses.run_id IS 'The run that loaded it (audit.run_log.run_id).';
COMMENT ON COLUMN staging.relationship_poll_responses.area_code_as_written IS 'A pre-2011 ONS code (00HB) as written, when area_code is its GSS code; else null.';
COMMENT ON TABLE staging.learner_survey_responses IS 'Learner survey answers as loaded, typed, one row per learner, with lineage.';
COMMENT ON COLUMN staging.learner_survey_responses.respondent_id IS 'The respondent''s id as the survey tool exported it.';
COMMENT ON COLUMN staging.learner_survey_responses.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN staging.learner_survey_responses.survey_year IS 'Survey year.';
COMMENT ON COLUMN staging.learner_survey_responses.overall_satisfaction IS 'Overall satisfaction, 0–10.';
COMMENT ON COLUMN staging.learner_survey_responses.recommend IS 'Likelihood to recommend, 0–10.';
COMMENT ON COLUMN staging.learner_survey_responses.teaching IS 'Rating of teaching, 0–10.';
COMMENT ON COLUMN staging.learner_survey_responses.support IS 'Rating of support, 0–10.';
COMMENT ON COLUMN staging.learner_survey_responses.home_lsoa IS 'Home 2011 LSOA code.';
COMMENT ON COLUMN staging.learner_survey_responses.age_band IS 'Age band, as answered.';
COMMENT ON COLUMN staging.learner_survey_responses.confidence_before IS 'Confidence before the course, 1–5.';
COMMENT ON COLUMN staging.learner_survey_responses.confidence_now IS 'Confidence now, 1–5.';
COMMENT ON COLUMN staging.learner_survey_responses.skills_before IS 'Skills before the course, 1–5.';
COMMENT ON COLUMN staging.learner_survey_responses.skills_now IS 'Skills now, 1–5.';
COMMENT ON COLUMN staging.learner_survey_responses.source_file IS 'The file the row came from, relative to raw/.';
COMMENT ON COLUMN staging.learner_survey_responses.row_number IS '1-based data row in the file (header rows not counted).';
COMMENT ON COLUMN staging.learner_survey_responses.file_sha256 IS 'SHA-256 of the file version the row was loaded from.';
COMMENT ON COLUMN staging.learner_survey_responses.run_id IS 'The run that loaded it (audit.run_log.run_id).';
COMMENT ON TABLE staging.employer_survey_responses IS 'Employer survey answers as loaded, typed, one row per employer, with lineage.';
COMMENT ON COLUMN staging.employer_survey_responses.respondent_id IS 'The respondent''s id as the survey tool exported it.';
COMMENT ON COLUMN staging.employer_survey_responses.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN staging.employer_survey_responses.survey_year IS 'Survey year.';
COMMENT ON COLUMN staging.employer_survey_responses.overall_satisfaction IS 'Overall satisfaction, 0–10.';
COMMENT ON COLUMN staging.employer_survey_responses.recommend IS 'Likelihood to recommend, 0–10.';
COMMENT ON COLUMN staging.employer_survey_responses.employer_size IS 'Size band, as answered.';
COMMENT ON COLUMN staging.employer_survey_responses.sector IS 'Industry sector, as answered.';
COMMENT ON COLUMN staging.employer_survey_responses.source_file IS 'The file the row came from, relative to raw/.';
COMMENT ON COLUMN staging.employer_survey_responses.row_number IS '1-based data row in the file (header rows not counted).';
COMMENT ON COLUMN staging.employer_survey_responses.file_sha256 IS 'SHA-256 of the file version the row was loaded from.';
COMMENT ON COLUMN staging.employer_survey_responses.run_id IS 'The run that loaded it (audit.run_log.run_id).';
COMMENT ON TABLE staging.assessments IS 'Panel scores as loaded (assessment template and filled panel packs), one row per file row, with lineage.';
COMMENT ON COLUMN staging.assessments.framework IS 'Framework id (the `id` of its file in scorecards/).';
COMMENT ON COLUMN staging.assessments.entity_code IS 'Area code, or UKPRN for a provider framework.';
COMMENT ON COLUMN staging.assessments.year IS 'Scorecard year.';
COMMENT ON COLUMN staging.assessments.indicator_id IS 'Indicator id within the framework.';
COMMENT ON COLUMN staging.assessments.assessor IS '''sector'', ''public_body'' or ''agreed'' (the panel).';
COMMENT ON COLUMN staging.assessments.score IS 'Points, 0–3.';
COMMENT ON COLUMN staging.assessments.note IS 'The assessor''s note, as written.';
COMMENT ON COLUMN staging.assessments.source_file IS 'The file the row came from, relative to raw/.';
COMMENT ON COLUMN staging.assessments.row_number IS '1-based data row in the file (header rows not counted).';
COMMENT ON COLUMN staging.assessments.file_sha256 IS 'SHA-256 of the file version the row was loaded from.';
COMMENT ON COLUMN staging.assessments.run_id IS 'The run that loaded it (audit.run_log.run_id).';
