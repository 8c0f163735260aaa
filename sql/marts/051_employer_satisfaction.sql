-- marts.employer_satisfaction: employer survey per provider and year (method and disclosure control:
-- sql/intermediate/042_provider_satisfaction.sql).
CREATE OR REPLACE TABLE marts.employer_satisfaction AS
SELECT s.ukprn, r.provider_name, r.provider_type, r.region_name, r.ukprn IS NOT NULL AS in_register, s.survey_year,
       s.respondents, s.mean_score, s.ci_low, s.ci_high, s.suppressed,
       s.recommend_respondents, s.recommend_mean, s.recommend_ci_low, s.recommend_ci_high,
       s.suppression
FROM intermediate.provider_satisfaction AS s
LEFT JOIN staging.provider_register AS r USING (ukprn)
WHERE s.survey = 'employer'
ORDER BY s.ukprn, s.survey_year;
