-- marts.distance_travelled: learners' progress from their starting point, per provider, year and
-- measure (confidence, skills; 1-5 scales): learners with both a before and a now answer (pairs),
-- mean before, mean now, mean change with its 95% interval, and % improved (now > before).
-- Under min_base() pairs every value is null (suppression 'primary'; no roll-up to difference from).
CREATE OR REPLACE TABLE marts.distance_travelled AS
WITH pairs AS (
    SELECT ukprn, survey_year, 'confidence' AS measure, confidence_before AS before, confidence_now AS now
    FROM staging.learner_survey_responses WHERE confidence_before IS NOT NULL AND confidence_now IS NOT NULL
    UNION ALL
    SELECT ukprn, survey_year, 'skills', skills_before, skills_now
    FROM staging.learner_survey_responses WHERE skills_before IS NOT NULL AND skills_now IS NOT NULL
)
SELECT p.ukprn, r.provider_name, r.ukprn IS NOT NULL AS in_register, p.survey_year, p.measure,
       count(*) AS pairs,
       unless_small(round(avg(before), 2), count(*)) AS mean_before,
       unless_small(round(avg(now), 2), count(*)) AS mean_now,
       unless_small(round(avg(now - before), 2), count(*)) AS mean_change,
       unless_small(round(avg(now - before) - 1.96 * stddev_samp(now - before) / sqrt(count(*)), 2), count(*)) AS change_ci_low,
       unless_small(round(avg(now - before) + 1.96 * stddev_samp(now - before) / sqrt(count(*)), 2), count(*)) AS change_ci_high,
       unless_small(round(100 * count(*) FILTER (WHERE now > before) / count(*), 1), count(*)) AS pct_improved,
       count(*) < min_base() AS suppressed,
       primary_suppression(count(*)) AS suppression
FROM pairs AS p
LEFT JOIN staging.provider_register AS r USING (ukprn)
GROUP BY ALL
ORDER BY p.ukprn, p.survey_year, p.measure;

COMMENT ON TABLE marts.distance_travelled IS 'Learners'' progress from their starting point per provider, year and measure (confidence, skills; 1–5 scales). Method: marts.measures (confidence_change, skills_change).';
COMMENT ON COLUMN marts.distance_travelled.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN marts.distance_travelled.provider_name IS 'The provider''s name in the register (raw/providers/); null when unregistered.';
COMMENT ON COLUMN marts.distance_travelled.in_register IS 'Whether the UKPRN is in the provider register, raw/providers/ (false: loaded, but unregistered).';
COMMENT ON COLUMN marts.distance_travelled.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.distance_travelled.measure IS '''confidence'' or ''skills'' (confidence_change / skills_change in marts.measures).';
COMMENT ON COLUMN marts.distance_travelled.pairs IS 'Learners with both a before and a now answer (the base).';
COMMENT ON COLUMN marts.distance_travelled.mean_before IS 'Mean rating before; null under 10 pairs.';
COMMENT ON COLUMN marts.distance_travelled.mean_now IS 'Mean rating now; null under 10 pairs.';
COMMENT ON COLUMN marts.distance_travelled.mean_change IS 'Mean of now − before; null under 10 pairs.';
COMMENT ON COLUMN marts.distance_travelled.change_ci_low IS 'Lower end of the change''s 95% interval (mean ± 1.96·s/√n).';
COMMENT ON COLUMN marts.distance_travelled.change_ci_high IS 'Upper end of the change''s 95% interval.';
COMMENT ON COLUMN marts.distance_travelled.pct_improved IS '% of pairs with now > before.';
COMMENT ON COLUMN marts.distance_travelled.suppressed IS 'True under 10 pairs: every value null.';
COMMENT ON COLUMN marts.distance_travelled.suppression IS '''primary'' under 10 pairs, else null (no roll-up to difference from).';
