-- marts.evidence_scores: the score each indicator's evidence rule suggests for a framework, entity and
-- year — from the most recent usable (unsuppressed) measure no older than the rule's max_age_years —
-- for every year the evidence can reach. Used by marts.indicator_scores and by the panel packs, which
-- show the suggestion before the panel has scored the year.
CREATE OR REPLACE TABLE marts.evidence_scores AS
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
),
latest AS (
    SELECT framework, entity_code, year, indicator_id, measure AS evidence_measure, value AS evidence_value, evidence_year,
           (SELECT max(t.score) FROM staging.evidence_thresholds AS t
             WHERE t.framework = reach.framework AND t.indicator_id = reach.indicator_id AND t.from_value <= reach.value) AS evidence_score
    FROM reach
    QUALIFY row_number() OVER (PARTITION BY framework, entity_code, year, indicator_id ORDER BY evidence_year DESC) = 1
)
SELECT l.*, e.in_register
FROM latest AS l
LEFT JOIN marts.entities AS e USING (entity_code)
ORDER BY framework, entity_code, year, indicator_id;

COMMENT ON TABLE marts.evidence_scores IS 'The score each indicator''s evidence rule suggests, per framework, entity and year the evidence reaches (the most recent usable measure no older than the rule''s max_age_years): what marts.indicator_scores and the panel packs show as the evidence.';
COMMENT ON COLUMN marts.evidence_scores.framework IS 'Framework id.';
COMMENT ON COLUMN marts.evidence_scores.entity_code IS 'Area code or UKPRN.';
COMMENT ON COLUMN marts.evidence_scores.year IS 'The scorecard year the suggestion is for.';
COMMENT ON COLUMN marts.evidence_scores.indicator_id IS 'Indicator id within the framework.';
COMMENT ON COLUMN marts.evidence_scores.evidence_measure IS 'The measure the rule reads (marts.measures).';
COMMENT ON COLUMN marts.evidence_scores.evidence_value IS 'The measure''s value the score rests on (never a suppressed one).';
COMMENT ON COLUMN marts.evidence_scores.evidence_year IS 'The survey year of that value (at most max_age_years before `year`).';
COMMENT ON COLUMN marts.evidence_scores.evidence_score IS 'The points the rule''s thresholds give the value (marts.indicators.thresholds).';
COMMENT ON COLUMN marts.evidence_scores.in_register IS 'A provider: whether its UKPRN is in raw/providers/ (false: unregistered); null for an area.';
