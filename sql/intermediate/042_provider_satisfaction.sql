-- intermediate.provider_satisfaction: learner and employer survey items per provider and year — base,
-- mean and 95% interval (mean ± 1.96·s/√n, s the sample standard deviation) — computed once and
-- published by marts.learner_satisfaction and marts.employer_satisfaction. Don't know / blank
-- answers are not in the base; a base under min_base() publishes no value.
-- Disclosure control (macros in sql/schema/040_macros.sql) of overall satisfaction: a provider's
-- mean is 'primary' suppressed under min_base(); marts.provider_survey_rollups pools the registered
-- providers' answers by region, upper-tier area and tier, so each roll-up is a total of its providers
-- (a region also of its upper-tier areas, and the regions, upper-tier areas, tiers and providers all
-- add up to the same national figure): where a hidden cell could be recovered by any sums and
-- differences of these groups, more cells are hidden ('secondary'; scorecard/warehouse/disclosure.py,
-- over all of a survey's groups of a year at once). intermediate.provider_disclosure holds the result for
-- providers and roll-ups alike; a suppressed provider publishes its base (respondents) and no mean or
-- interval.
CREATE OR REPLACE TABLE intermediate.provider_satisfaction AS
SELECT w.survey, w.ukprn, w.survey_year,
       coalesce(w.overall_satisfaction_n, 0) AS respondents,
       unless_suppressed(w.overall_satisfaction_mean, d.suppression) AS mean_score,
       unless_suppressed(w.overall_satisfaction_lo, d.suppression) AS ci_low,
       unless_suppressed(w.overall_satisfaction_hi, d.suppression) AS ci_high,
       d.suppression IS NOT NULL AS suppressed,
       coalesce(w.recommend_n, 0) AS recommend_respondents, w.recommend_mean, w.recommend_lo AS recommend_ci_low, w.recommend_hi AS recommend_ci_high,
       w.teaching_mean, w.support_mean,
       d.suppression
FROM intermediate.provider_satisfaction_items AS w
JOIN intermediate.provider_disclosure AS d ON d.level = 'provider' AND d.code = w.ukprn AND d.survey = w.survey AND d.survey_year = w.survey_year;

COMMENT ON TABLE intermediate.provider_satisfaction IS 'Learner and employer survey per provider and year with disclosure control applied; published by marts.learner_satisfaction and marts.employer_satisfaction.';
