-- marts.measures: the measure catalogue (scorecards/measures.yaml, loaded as staging.measures): one
-- row per survey measure the warehouse computes, with what a reader needs to interpret it.
CREATE OR REPLACE TABLE marts.measures AS
SELECT id AS measure, label, short_label, unit, polarity, entity_type, kind, definition, method, suppression_rule, source,
       evidence, contextual
FROM staging.measures
ORDER BY entity_type, measure;

COMMENT ON TABLE marts.measures IS 'The measure catalogue (scorecards/measures.yaml): every survey measure the warehouse computes, with its label, unit, polarity, definition, method, suppression rule and source.';
COMMENT ON COLUMN marts.measures.measure IS 'Measure id, as in marts.evidence_measures, marts.measure_comparisons, marts.provider_benchmarks and marts.relationship_poll.';
COMMENT ON COLUMN marts.measures.label IS 'Full label, e.g. ''NI7 % positive''.';
COMMENT ON COLUMN marts.measures.short_label IS 'Short label for tight spaces (chart axes, table headings).';
COMMENT ON COLUMN marts.measures.unit IS 'Unit of the value: ''%'', ''mean, 0–10 scale'', ''ratio'', points …';
COMMENT ON COLUMN marts.measures.polarity IS '''higher is better'', ''lower is better'' or ''no direction'': how a higher value reads in marts.measure_comparisons.significance.';
COMMENT ON COLUMN marts.measures.entity_type IS 'What it is measured for: ''area'' or ''provider''.';
COMMENT ON COLUMN marts.measures.kind IS 'The survey kind it is computed from (raw/<kind>/; marts.entity_sources.kind lists an entity''s files of that kind).';
COMMENT ON COLUMN marts.measures.definition IS 'What the measure measures, in plain words.';
COMMENT ON COLUMN marts.measures.method IS 'How it is computed, with its interval.';
COMMENT ON COLUMN marts.measures.suppression_rule IS 'When the value is withheld (disclosure control).';
COMMENT ON COLUMN marts.measures.source IS 'The survey (kind, raw/ folder) and questions it comes from.';
COMMENT ON COLUMN marts.measures.evidence IS 'True when framework evidence rules may use it (it is in marts.evidence_measures).';
COMMENT ON COLUMN marts.measures.contextual IS 'True when it compares the entity with its peers or locality rather than standing alone.';
