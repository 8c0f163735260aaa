-- marts.deprivation_reach: the "post-code effect". Of a provider's learners whose home LSOA is known,
-- the share living in England's 20% most deprived LSOAs (IMD 2019 deciles 1-2, 95% Wilson interval),
-- beside the same share among all LSOAs of the provider's home local authority (a county: all its
-- districts), and their ratio (≥ 1: the provider reaches deprived areas at least in proportion to its
-- locality). The local share needs the provider in the register. Under min_base() learners the share,
-- interval and ratio are null (suppression 'primary'; no roll-up to difference from).
CREATE OR REPLACE TABLE marts.deprivation_reach AS
WITH learners AS (
    SELECT l.ukprn, l.survey_year, count(*) AS n, count(*) FILTER (WHERE i.imd_decile <= 2) AS deprived
    FROM staging.learner_survey_responses AS l
    JOIN staging.imd_lsoa AS i ON i.lsoa_code = l.home_lsoa
    GROUP BY ALL
),
locality AS (
    SELECT r.ukprn, 100 * count(*) FILTER (WHERE i.imd_decile <= 2) / count(*) AS local_pct
    FROM staging.provider_register AS r
    JOIN staging.areas AS d ON d.area_code = r.area_code OR d.county_code = r.area_code
    JOIN staging.imd_lsoa AS i ON i.lad19_code = d.area_code
    GROUP BY r.ukprn
)
SELECT l.ukprn, r.provider_name, r.ukprn IS NOT NULL AS in_register, l.survey_year,
       l.n AS learners_with_lsoa,
       unless_small(round(100 * l.deprived / l.n, 1), l.n) AS pct_most_deprived_20,
       unless_small(round(wilson_low(l.deprived / l.n, l.n), 1), l.n) AS ci_low,
       unless_small(round(wilson_high(l.deprived / l.n, l.n), 1), l.n) AS ci_high,
       round(c.local_pct, 1) AS local_pct_most_deprived_20,
       unless_small(round((100 * l.deprived / l.n) / nullif(c.local_pct, 0), 2), l.n) AS reach_ratio,
       l.n < min_base() AS suppressed,
       primary_suppression(l.n) AS suppression
FROM learners AS l
LEFT JOIN staging.provider_register AS r USING (ukprn)
LEFT JOIN locality AS c USING (ukprn)
ORDER BY l.ukprn, l.survey_year;

COMMENT ON TABLE marts.deprivation_reach IS 'The post-code effect per provider and year: the share of its learners from England''s 20% most deprived LSOAs (IMD 2019) beside the same share of its home local authority''s LSOAs. Method: marts.measures (deprivation_pct_most_deprived, deprivation_reach_ratio).';
COMMENT ON COLUMN marts.deprivation_reach.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN marts.deprivation_reach.provider_name IS 'The provider''s name in the register (raw/providers/); null when unregistered.';
COMMENT ON COLUMN marts.deprivation_reach.in_register IS 'Whether the UKPRN is in the provider register, raw/providers/ (false: loaded, but unregistered).';
COMMENT ON COLUMN marts.deprivation_reach.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.deprivation_reach.learners_with_lsoa IS 'Learners whose home LSOA is in the IMD 2019 (the base).';
COMMENT ON COLUMN marts.deprivation_reach.pct_most_deprived_20 IS '% of them living in IMD deciles 1–2; null under a base of 10.';
COMMENT ON COLUMN marts.deprivation_reach.ci_low IS 'Lower end of the 95% Wilson interval, %.';
COMMENT ON COLUMN marts.deprivation_reach.ci_high IS 'Upper end of the 95% Wilson interval, %.';
COMMENT ON COLUMN marts.deprivation_reach.local_pct_most_deprived_20 IS '% of the LSOAs of the provider''s home local authority (a county: all its districts) in deciles 1–2; needs the provider in the register.';
COMMENT ON COLUMN marts.deprivation_reach.reach_ratio IS 'pct_most_deprived_20 ÷ local_pct_most_deprived_20 (≥ 1: reaches deprived areas at least in proportion); null under a base of 10 or when the locality has none.';
COMMENT ON COLUMN marts.deprivation_reach.suppressed IS 'True under 10 learners: share, interval and ratio null.';
COMMENT ON COLUMN marts.deprivation_reach.suppression IS '''primary'' under 10 learners, else null.';
