-- staging.evidence_scores (intermediate): the score each indicator's evidence rule suggests for a
-- framework, entity and year — from the most recent usable (unsuppressed) measure no older than the
-- rule's max_age_years — for every year the evidence can reach. Used by marts.indicator_scores and
-- by the panel packs, which show the suggestion before the panel has scored the year.
CREATE OR REPLACE TABLE staging.evidence_scores AS
WITH rules AS (
    SELECT * FROM staging.framework_indicators WHERE evidence_measure IS NOT NULL
),
usable AS (
    SELECT * FROM marts.evidence_measures WHERE NOT suppressed AND value IS NOT NULL
),
reach AS (  -- each measure counts for its own year and up to max_age_years after
    SELECT r.framework, r.indicator_id, u.entity_code, u.year + k.age AS year, u.year AS evidence_year, u.value, u.measure
    FROM rules AS r
    JOIN usable AS u ON u.measure = r.evidence_measure
    JOIN range(0, 100) AS k(age) ON k.age <= r.evidence_max_age_years
)
SELECT framework, entity_code, year, indicator_id, measure AS evidence_measure, value AS evidence_value, evidence_year,
       (SELECT max(t.score) FROM staging.evidence_thresholds AS t
         WHERE t.framework = reach.framework AND t.indicator_id = reach.indicator_id AND t.from_value <= reach.value) AS evidence_score
FROM reach
QUALIFY row_number() OVER (PARTITION BY framework, entity_code, year, indicator_id ORDER BY evidence_year DESC) = 1;
