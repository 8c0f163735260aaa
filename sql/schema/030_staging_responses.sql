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
