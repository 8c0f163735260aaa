-- marts.indicator_scores: every indicator of every framework, for each entity and year that has
-- panel scores or usable evidence, with its final score and the basis of it (GUIDE §4):
--   agreed     an 'agreed' assessment exists
--   consensus  sector and public bodies both scored it, the same
--   disputed   both scored it, differently: no score until the panel agrees
--   evidence   the indicator's evidence rule suggests a score from a survey measure
--   missing    none of the above
-- scorecard_year says whether the year is published as a scorecard (a row in marts.scorecard_totals):
-- by the framework's scorecard_years option, `panel` (default) — only years with a sector, public-body
-- or agreed assessment — or `all`. Evidence-only years stay here for the evidence columns and panel packs.
-- in_register: for a provider framework, whether the UKPRN is in raw/providers/ (false: loaded, but
-- flagged unregistered); null for an area framework. The entity's name, tier and region (marts.entities)
-- and the framework's name label each row.
CREATE OR REPLACE TABLE marts.indicator_scores AS
WITH assessed AS (
    PIVOT (SELECT framework, entity_code, year, indicator_id, assessor, score FROM staging.assessment_scores)
    ON assessor IN ('sector', 'public_body', 'agreed')
    USING any_value(score)
    GROUP BY framework, entity_code, year, indicator_id
),
rules AS (
    SELECT * FROM staging.framework_indicators WHERE evidence_measure IS NOT NULL
),
usable_evidence AS (
    SELECT * FROM marts.evidence_measures WHERE NOT suppressed AND value IS NOT NULL
),
scorecards AS (  -- the framework × entity × year combinations to publish
    SELECT DISTINCT framework, entity_code, year FROM assessed
    UNION
    SELECT DISTINCT r.framework, e.entity_code, e.year
    FROM rules AS r JOIN usable_evidence AS e ON e.measure = r.evidence_measure
),
panel_years AS (  -- years a panel scored: any sector, public-body or agreed assessment
    SELECT DISTINCT framework, entity_code, year FROM staging.assessment_scores
    WHERE assessor IN ('sector', 'public_body', 'agreed')
),
combined AS (
    SELECT s.framework, s.entity_code, s.year, i.indicator_id, i.position, i.indicator_text, i.max_points AS max_score,
           a.sector AS sector_score, a.public_body AS public_body_score, a.agreed AS agreed_score,
           e.evidence_score, e.evidence_value, e.evidence_year, i.evidence_measure,
           i.scorecard_years = 'all' OR p.year IS NOT NULL AS scorecard_year, i.framework_name, i.entity AS entity_type,
           CASE WHEN i.entity = 'provider' THEN reg.ukprn IS NOT NULL END AS in_register
    FROM scorecards AS s
    JOIN staging.framework_indicators AS i ON i.framework = s.framework
    LEFT JOIN assessed AS a
      ON a.framework = s.framework AND a.entity_code = s.entity_code AND a.year = s.year AND a.indicator_id = i.indicator_id
    LEFT JOIN marts.evidence_scores AS e
      ON e.framework = s.framework AND e.entity_code = s.entity_code AND e.year = s.year AND e.indicator_id = i.indicator_id
    LEFT JOIN panel_years AS p
      ON p.framework = s.framework AND p.entity_code = s.entity_code AND p.year = s.year
    LEFT JOIN staging.provider_register AS reg ON reg.ukprn = s.entity_code
),
decided AS (
    SELECT *,
        CASE
            WHEN agreed_score IS NOT NULL THEN 'agreed'
            WHEN sector_score IS NOT NULL AND public_body_score IS NOT NULL AND sector_score = public_body_score THEN 'consensus'
            WHEN sector_score IS NOT NULL AND public_body_score IS NOT NULL THEN 'disputed'
            WHEN evidence_score IS NOT NULL THEN 'evidence'
            ELSE 'missing'
        END AS basis
    FROM combined
)
SELECT
    framework, entity_code, year, indicator_id, indicator_text,
    CASE basis
        WHEN 'agreed' THEN agreed_score
        WHEN 'consensus' THEN sector_score
        WHEN 'evidence' THEN evidence_score
    END::TINYINT AS score,
    max_score, basis,
    sector_score::TINYINT AS sector_score, public_body_score::TINYINT AS public_body_score,
    agreed_score::TINYINT AS agreed_score, evidence_score::TINYINT AS evidence_score,
    evidence_measure, evidence_value, evidence_year, position, scorecard_year, d.in_register,
    framework_name, entity_type, coalesce(e.entity_name, entity_code) AS entity_name, e.tier, e.region_code, e.region_name
FROM decided AS d
LEFT JOIN marts.entities AS e USING (entity_code, entity_type)
ORDER BY framework, entity_code, year, position;

COMMENT ON TABLE marts.indicator_scores IS 'Every indicator of every framework, for each entity and year with panel scores or usable evidence, with its final score and the basis of it, labelled with the entity''s name, tier and region.';
COMMENT ON COLUMN marts.indicator_scores.framework IS 'Framework id (the `id` of its file in scorecards/).';
COMMENT ON COLUMN marts.indicator_scores.entity_code IS 'Area code, or UKPRN for a provider framework.';
COMMENT ON COLUMN marts.indicator_scores.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.indicator_scores.indicator_id IS 'Indicator id within the framework.';
COMMENT ON COLUMN marts.indicator_scores.indicator_text IS 'The indicator as the framework words it.';
COMMENT ON COLUMN marts.indicator_scores.score IS 'Final score (agreed, consensus or evidence); null when disputed or missing.';
COMMENT ON COLUMN marts.indicator_scores.max_score IS 'Most points the indicator can score.';
COMMENT ON COLUMN marts.indicator_scores.basis IS '''agreed'' (the panel), ''consensus'' (both sides the same), ''disputed'' (both sides differ: no score until agreed), ''evidence'' (the evidence rule) or ''missing''.';
COMMENT ON COLUMN marts.indicator_scores.sector_score IS 'Score proposed by the sector representatives.';
COMMENT ON COLUMN marts.indicator_scores.public_body_score IS 'Score proposed by the public bodies.';
COMMENT ON COLUMN marts.indicator_scores.agreed_score IS 'Score agreed by the panel.';
COMMENT ON COLUMN marts.indicator_scores.evidence_score IS 'Score the evidence rule suggests (marts.evidence_scores).';
COMMENT ON COLUMN marts.indicator_scores.evidence_measure IS 'The measure behind the evidence score (marts.measures).';
COMMENT ON COLUMN marts.indicator_scores.evidence_value IS 'Its value.';
COMMENT ON COLUMN marts.indicator_scores.evidence_year IS 'Its survey year.';
COMMENT ON COLUMN marts.indicator_scores.position IS 'The indicator''s order in the framework.';
COMMENT ON COLUMN marts.indicator_scores.scorecard_year IS 'True when the year is published as a scorecard (the framework''s scorecard_years); false for an evidence-only year kept for its evidence.';
COMMENT ON COLUMN marts.indicator_scores.in_register IS 'Provider frameworks: false for an unregistered UKPRN; null for an area framework.';
COMMENT ON COLUMN marts.indicator_scores.framework_name IS 'The framework''s name.';
COMMENT ON COLUMN marts.indicator_scores.entity_type IS '''area'' or ''provider''.';
COMMENT ON COLUMN marts.indicator_scores.entity_name IS 'The area''s or provider''s name (marts.entities; the code when unknown).';
COMMENT ON COLUMN marts.indicator_scores.tier IS 'The entity''s tier (a provider: of its home local authority).';
COMMENT ON COLUMN marts.indicator_scores.region_code IS 'The entity''s region code.';
COMMENT ON COLUMN marts.indicator_scores.region_name IS 'The entity''s region.';
