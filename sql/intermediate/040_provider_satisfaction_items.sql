-- intermediate.provider_satisfaction_items: per survey (learner / employer), provider and year, the base,
-- mean and 95% interval (mean ± 1.96·s/√n) of each 0-10 item, before secondary suppression: only
-- intermediate.provider_satisfaction (after intermediate.provider_disclosure) publishes them. Don't know /
-- blank answers are not in the base; a base under min_base() has no value.
CREATE OR REPLACE TABLE intermediate.provider_satisfaction_items AS
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
SELECT * FROM wide;

COMMENT ON TABLE intermediate.provider_satisfaction_items IS 'Learner and employer survey items per provider and year before secondary suppression: internal, never published as such (see intermediate.provider_satisfaction).';
