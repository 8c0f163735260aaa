-- marts.learner_satisfaction: learner survey per provider and year (method and disclosure control:
-- sql/intermediate/042_provider_satisfaction.sql), with the provider's register entry; in_register false
-- when the UKPRN is not in raw/providers/.
CREATE OR REPLACE TABLE marts.learner_satisfaction AS
SELECT s.ukprn, r.provider_name, r.provider_type, r.region_name, r.ukprn IS NOT NULL AS in_register, s.survey_year,
       s.respondents, s.mean_score, s.ci_low, s.ci_high, s.suppressed,
       s.recommend_respondents, s.recommend_mean, s.recommend_ci_low, s.recommend_ci_high, s.teaching_mean, s.support_mean,
       s.suppression
FROM intermediate.provider_satisfaction AS s
LEFT JOIN staging.provider_register AS r USING (ukprn)
WHERE s.survey = 'learner'
ORDER BY s.ukprn, s.survey_year;
