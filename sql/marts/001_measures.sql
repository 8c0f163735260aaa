-- marts.measures: the measure catalogue (scorecards/measures.yaml, loaded as staging.measures): one
-- row per survey measure the warehouse computes, with what a reader needs to interpret it.
CREATE OR REPLACE TABLE marts.measures AS
SELECT id AS measure, label, short_label, unit, polarity, entity_type, definition, method, suppression_rule, source,
       evidence, contextual
FROM staging.measures
ORDER BY entity_type, measure;
