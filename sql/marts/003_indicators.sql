-- marts.indicators: every indicator of every framework (scorecards/*.yaml), in framework order, with
-- its evidence rule in words and the polarity of the evidence measure (marts.measures).
CREATE OR REPLACE TABLE marts.indicators AS
WITH thresholds AS (
    SELECT framework, indicator_id,
           string_agg('from ' || rtrim(rtrim(printf('%.6f', from_value), '0'), '.') || ': ' || score
                      || CASE WHEN score = 1 THEN ' point' ELSE ' points' END, '; ' ORDER BY from_value) AS thresholds
    FROM staging.evidence_thresholds
    GROUP BY ALL
),
sizes AS (
    SELECT framework, count(*)::INTEGER AS framework_indicators FROM staging.framework_indicators GROUP BY framework
)
SELECT i.framework, i.framework_name, i.entity AS entity_type, i.position, i.indicator_id, i.indicator_text, i.max_points,
       i.evidence_measure, i.evidence_description,
       CASE WHEN i.evidence_measure IS NOT NULL THEN i.evidence_max_age_years END AS evidence_max_age_years,
       t.thresholds, m.polarity, i.contextual,
       i.min_indicators_compared, s.framework_indicators, i.scorecard_years
FROM staging.framework_indicators AS i
JOIN sizes AS s USING (framework)
LEFT JOIN thresholds AS t USING (framework, indicator_id)
LEFT JOIN staging.measures AS m ON m.id = i.evidence_measure
ORDER BY framework, position;

COMMENT ON TABLE marts.indicators IS 'Every indicator of every scorecard framework (scorecards/*.yaml), with its evidence rule: one row per framework and indicator, in framework order.';
COMMENT ON COLUMN marts.indicators.framework IS 'Framework id (the `id` of its file in scorecards/).';
COMMENT ON COLUMN marts.indicators.framework_name IS 'The framework''s name.';
COMMENT ON COLUMN marts.indicators.entity_type IS 'What the framework scores: ''area'' (a local authority) or ''provider'' (a UKPRN).';
COMMENT ON COLUMN marts.indicators.position IS 'The indicator''s place in the framework (1 = first).';
COMMENT ON COLUMN marts.indicators.indicator_id IS 'Indicator id, unique within the framework.';
COMMENT ON COLUMN marts.indicators.indicator_text IS 'The indicator as the framework words it.';
COMMENT ON COLUMN marts.indicators.max_points IS 'Most points the indicator can score (the framework''s points_per_indicator).';
COMMENT ON COLUMN marts.indicators.evidence_measure IS 'The survey measure (marts.measures) whose value suggests a score; null when no evidence rule scores the indicator.';
COMMENT ON COLUMN marts.indicators.evidence_description IS 'The evidence rule''s description, as the framework words it.';
COMMENT ON COLUMN marts.indicators.evidence_max_age_years IS 'How many years old the evidence may be (0: the same year only); null without an evidence rule.';
COMMENT ON COLUMN marts.indicators.thresholds IS 'The evidence rule''s thresholds in words: the score when the measure is at least each `from` value.';
COMMENT ON COLUMN marts.indicators.polarity IS 'Polarity of the evidence measure (higher is better / lower is better / no direction); null without an evidence rule.';
COMMENT ON COLUMN marts.indicators.contextual IS 'True when the evidence rule compares the entity with its peers or locality rather than a fixed bar.';
COMMENT ON COLUMN marts.indicators.min_indicators_compared IS 'Fewest indicators a change must be computed over for the direction of travel to count (the framework''s option, default half its indicators rounded up).';
COMMENT ON COLUMN marts.indicators.framework_indicators IS 'How many indicators the framework has.';
COMMENT ON COLUMN marts.indicators.scorecard_years IS 'The framework''s scorecard_years option: ''panel'' (only years a panel scored become scorecards) or ''all'' (evidence-only years too).';
