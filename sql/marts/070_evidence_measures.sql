-- marts.evidence_measures: the survey measures that framework evidence rules can use, one row per
-- measure, entity (area code or UKPRN) and year. Suppressed measures stay listed but are never used
-- as evidence. Contextual measures compare an entity with its peers or its locality:
-- deprivation_reach_ratio (vs the home local authority) and *_vs_peers (difference from the mean of
-- providers of the same type nationally). in_register: for a provider's measure (entity a UKPRN), whether it is in
-- raw/providers/ (false: unregistered); null for an area's.
CREATE OR REPLACE TABLE marts.evidence_measures AS
WITH measures AS (
SELECT 'ni7_pct_positive' AS measure, area_code AS entity_code, survey_year AS year,
       pct_positive AS value, ci_low, ci_high, respondents AS base, suppressed
FROM marts.ni7
UNION ALL
SELECT 'relationship_good_pct_agree', area_code, survey_year,
       unless_small(round(100 * count(*) FILTER (WHERE relationship_good >= 4) / count(*), 1), count(*)),
       unless_small(round(wilson_low(count(*) FILTER (WHERE relationship_good >= 4) / count(*), count(*)), 1), count(*)),
       unless_small(round(wilson_high(count(*) FILTER (WHERE relationship_good >= 4) / count(*), count(*)), 1), count(*)),
       count(*), count(*) < min_base()
FROM staging.relationship_poll_responses
WHERE relationship_good IS NOT NULL
GROUP BY area_code, survey_year
UNION ALL
SELECT measure, ukprn, survey_year, value, ci_low, ci_high, base, suppressed FROM intermediate.provider_measures
UNION ALL
SELECT 'deprivation_reach_ratio', ukprn, survey_year, reach_ratio, NULL, NULL, learners_with_lsoa, suppressed OR reach_ratio IS NULL
FROM marts.deprivation_reach
UNION ALL
SELECT measure || '_vs_peers', ukprn, survey_year, national_difference, NULL, NULL, base, suppressed OR national_difference IS NULL
FROM marts.provider_benchmarks
WHERE measure IN ('learner_satisfaction', 'employer_satisfaction')
)
SELECT m.*, CASE WHEN regexp_full_match(m.entity_code, '1[0-9]{7}') THEN r.ukprn IS NOT NULL END AS in_register
FROM measures AS m
LEFT JOIN staging.provider_register AS r ON r.ukprn = m.entity_code
ORDER BY measure, entity_code, year;

COMMENT ON TABLE marts.evidence_measures IS 'The survey measures framework evidence rules may use (marts.measures where evidence), one row per measure, entity and year. Suppressed values stay listed but are never used as evidence.';
COMMENT ON COLUMN marts.evidence_measures.measure IS 'Measure id (marts.measures).';
COMMENT ON COLUMN marts.evidence_measures.entity_code IS 'Area code or UKPRN.';
COMMENT ON COLUMN marts.evidence_measures.year IS 'Survey year.';
COMMENT ON COLUMN marts.evidence_measures.value IS 'The value; null when suppressed.';
COMMENT ON COLUMN marts.evidence_measures.ci_low IS 'Lower end of the 95% interval (null for measures without one).';
COMMENT ON COLUMN marts.evidence_measures.ci_high IS 'Upper end of the 95% interval.';
COMMENT ON COLUMN marts.evidence_measures.base IS 'Unweighted base.';
COMMENT ON COLUMN marts.evidence_measures.suppressed IS 'True when withheld, or (contextual measures) when there is no value to compare.';
COMMENT ON COLUMN marts.evidence_measures.in_register IS 'A provider''s measure: whether its UKPRN is in raw/providers/; null for an area''s.';
