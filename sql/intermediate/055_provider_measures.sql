-- intermediate.provider_measures: every provider survey measure in one long table —
-- value, 95% interval, base, suppressed and suppression ('primary' / 'secondary' / null) — for
-- benchmarks, roll-ups and evidence rules.
CREATE OR REPLACE TABLE intermediate.provider_measures AS
SELECT ukprn, survey_year, 'learner_satisfaction' AS measure, mean_score AS value, ci_low, ci_high, respondents AS base, suppressed, suppression FROM marts.learner_satisfaction
UNION ALL SELECT ukprn, survey_year, 'learner_recommend', recommend_mean, recommend_ci_low, recommend_ci_high, recommend_respondents, recommend_respondents < min_base(), primary_suppression(recommend_respondents) FROM marts.learner_satisfaction
UNION ALL SELECT ukprn, survey_year, 'employer_satisfaction', mean_score, ci_low, ci_high, respondents, suppressed, suppression FROM marts.employer_satisfaction
UNION ALL SELECT ukprn, survey_year, 'employer_recommend', recommend_mean, recommend_ci_low, recommend_ci_high, recommend_respondents, recommend_respondents < min_base(), primary_suppression(recommend_respondents) FROM marts.employer_satisfaction
UNION ALL SELECT ukprn, survey_year, measure || '_change', mean_change, change_ci_low, change_ci_high, pairs, suppressed, suppression FROM marts.distance_travelled
UNION ALL SELECT ukprn, survey_year, 'deprivation_pct_most_deprived', pct_most_deprived_20, ci_low, ci_high, learners_with_lsoa, suppressed, suppression FROM marts.deprivation_reach;
