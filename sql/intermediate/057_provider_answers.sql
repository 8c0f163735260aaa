-- intermediate.provider_answers: every answered overall-satisfaction question of the learner and employer
-- surveys, one row per answer, named by its measure: what marts.provider_survey_rollups pools.
CREATE OR REPLACE TABLE intermediate.provider_answers AS
SELECT 'learner_satisfaction' AS measure, ukprn, survey_year, overall_satisfaction AS score FROM staging.learner_survey_responses WHERE overall_satisfaction IS NOT NULL
UNION ALL
SELECT 'employer_satisfaction', ukprn, survey_year, overall_satisfaction FROM staging.employer_survey_responses WHERE overall_satisfaction IS NOT NULL;

COMMENT ON TABLE intermediate.provider_answers IS 'Every answered overall-satisfaction question of the learner and employer surveys (measure, ukprn, survey_year, score): the answers marts.provider_survey_rollups pools.';
