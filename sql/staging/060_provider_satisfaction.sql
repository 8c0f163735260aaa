-- staging.provider_satisfaction: learner and employer survey items per provider and year — base,
-- mean and 95% interval (mean ± 1.96·s/√n, s the sample standard deviation) — computed once and
-- published by marts.learner_satisfaction and marts.employer_satisfaction. Don't know / blank
-- answers are not in the base; a base under min_base() publishes no value.
CREATE OR REPLACE TABLE staging.provider_satisfaction AS
WITH answers AS (
    SELECT 'learner' AS survey, * FROM (
        UNPIVOT (SELECT ukprn, survey_year, overall_satisfaction, recommend, teaching, support FROM staging.learner_survey_responses)
        ON overall_satisfaction, recommend, teaching, support INTO NAME item VALUE score)
    UNION ALL
    SELECT 'employer', * FROM (
        UNPIVOT (SELECT ukprn, survey_year, overall_satisfaction, recommend FROM staging.employer_survey_responses)
        ON overall_satisfaction, recommend INTO NAME item VALUE score)
),
items AS (
    SELECT survey, ukprn, survey_year, item, count(*) AS n,
           unless_small(round(avg(score), 2), count(*)) AS mean,
           unless_small(round(avg(score) - 1.96 * stddev_samp(score) / sqrt(count(*)), 2), count(*)) AS lo,
           unless_small(round(avg(score) + 1.96 * stddev_samp(score) / sqrt(count(*)), 2), count(*)) AS hi
    FROM answers GROUP BY ALL
),
wide AS (
    PIVOT items ON item IN ('overall_satisfaction', 'recommend', 'teaching', 'support')
    USING any_value(n) AS n, any_value(mean) AS mean, any_value(lo) AS lo, any_value(hi) AS hi
    GROUP BY survey, ukprn, survey_year
)
SELECT survey, ukprn, survey_year,
       coalesce(overall_satisfaction_n, 0) AS respondents,
       overall_satisfaction_mean AS mean_score, overall_satisfaction_lo AS ci_low, overall_satisfaction_hi AS ci_high,
       coalesce(overall_satisfaction_n, 0) < min_base() AS suppressed,
       coalesce(recommend_n, 0) AS recommend_respondents, recommend_mean, recommend_lo AS recommend_ci_low, recommend_hi AS recommend_ci_high,
       teaching_mean, support_mean
FROM wide;
