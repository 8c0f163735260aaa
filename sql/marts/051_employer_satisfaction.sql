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

COMMENT ON TABLE marts.employer_satisfaction IS 'Employer survey per provider and year: overall satisfaction (0–10) with its 95% interval, and likelihood to recommend. Method and disclosure control: marts.measures (employer_satisfaction, employer_recommend).';
COMMENT ON COLUMN marts.employer_satisfaction.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN marts.employer_satisfaction.provider_name IS 'The provider''s name in the register (raw/providers/); null when unregistered.';
COMMENT ON COLUMN marts.employer_satisfaction.provider_type IS 'The provider''s type in the register; its peers share it.';
COMMENT ON COLUMN marts.employer_satisfaction.region_name IS 'Name of the English region.';
COMMENT ON COLUMN marts.employer_satisfaction.in_register IS 'Whether the UKPRN is in the provider register, raw/providers/ (false: loaded, but unregistered).';
COMMENT ON COLUMN marts.employer_satisfaction.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.employer_satisfaction.respondents IS 'Employers who answered overall satisfaction (the base).';
COMMENT ON COLUMN marts.employer_satisfaction.mean_score IS 'Mean overall satisfaction, 0–10; null when suppressed.';
COMMENT ON COLUMN marts.employer_satisfaction.ci_low IS 'Lower end of the 95% interval (mean − 1.96·s/√n); null when suppressed.';
COMMENT ON COLUMN marts.employer_satisfaction.ci_high IS 'Upper end of the 95% interval (mean + 1.96·s/√n); null when suppressed.';
COMMENT ON COLUMN marts.employer_satisfaction.suppressed IS 'True when overall satisfaction is withheld.';
COMMENT ON COLUMN marts.employer_satisfaction.recommend_respondents IS 'Employers who answered the recommend question.';
COMMENT ON COLUMN marts.employer_satisfaction.recommend_mean IS 'Mean likelihood to recommend, 0–10; null under a base of 10.';
COMMENT ON COLUMN marts.employer_satisfaction.recommend_ci_low IS 'Lower end of its 95% interval.';
COMMENT ON COLUMN marts.employer_satisfaction.recommend_ci_high IS 'Upper end of its 95% interval.';
COMMENT ON COLUMN marts.employer_satisfaction.suppression IS 'Suppression of overall satisfaction: ''primary'' (base under 10), ''secondary'' (would reveal a suppressed provider or roll-up by differencing) or null.';
