-- marts.evidence_measures: the survey measures that framework evidence rules can use, one row per
-- measure, entity and year. Suppressed measures stay listed but are never used as evidence.
CREATE OR REPLACE TABLE marts.evidence_measures AS
SELECT 'ni7_pct_positive' AS measure, area_code AS entity_code, survey_year AS year,
       pct_positive AS value, ci_low, ci_high, respondents AS base, suppressed
FROM marts.ni7
UNION ALL
SELECT 'relationship_good_pct_agree', area_code, survey_year,
       CASE WHEN count(*) >= min_base() THEN round(100 * count(*) FILTER (WHERE relationship_good >= 4) / count(*), 1) END,
       CASE WHEN count(*) >= min_base() THEN round(wilson_low(count(*) FILTER (WHERE relationship_good >= 4) / count(*), count(*)), 1) END,
       CASE WHEN count(*) >= min_base() THEN round(wilson_high(count(*) FILTER (WHERE relationship_good >= 4) / count(*), count(*)), 1) END,
       count(*), count(*) < min_base()
FROM staging.relationship_poll_responses
WHERE relationship_good IS NOT NULL
GROUP BY area_code, survey_year
ORDER BY measure, entity_code, year;
