-- marts.scorecard_range: does the set of scorecards cover the range the LSIS invitation asks for
-- (urban and rural, unitary and two-tier, the 9 regions, provider types, sizes)? Per framework and year,
-- scorecards are counted and their totals and survey measures averaged by each dimension of context:
-- rural–urban class (6-fold and broad), tier, region, and for providers provider type and size band
-- (marts.provider_catchment.size_band; 'no survey that year' when there was none), plus the whole
-- framework ('all'). A provider's context is its home area's (register); an area's, its own.
-- Disclosure: counts of scorecards and mean totals are published for every cell (totals are public per
-- scorecard). A survey measure is averaged only over the providers whose value is published (never a
-- suppressed value, so nothing suppressed can be recovered by differencing), and only when at least two
-- providers contribute: the mean of one provider is that provider's own figure, not a group's.
CREATE OR REPLACE TABLE marts.scorecard_range AS
WITH scorecards AS (
    SELECT t.framework, t.entity_type, t.entity_code, t.year, t.total_score, t.max_score,
           coalesce(pa.ruc_class, aa.ruc_class) AS ruc_class,
           coalesce(pa.ruc_broad_class, aa.ruc_broad_class) AS ruc_broad_class,
           coalesce(pa.tier, aa.tier) AS tier,
           coalesce(pa.region_name, aa.region_name) AS region_name,
           r.provider_type,
           CASE WHEN t.entity_type = 'provider' THEN coalesce(c.size_band, 'no survey that year') END AS size_band
    FROM marts.scorecard_totals AS t
    LEFT JOIN staging.provider_register AS r ON t.entity_type = 'provider' AND r.ukprn = t.entity_code
    LEFT JOIN marts.area_profiles AS pa ON pa.area_code = r.area_code
    LEFT JOIN marts.area_profiles AS aa ON t.entity_type = 'area' AND aa.area_code = t.entity_code
    LEFT JOIN marts.provider_catchment AS c ON t.entity_type = 'provider' AND c.ukprn = t.entity_code AND c.survey_year = t.year
),
items AS (
    SELECT s.*, 'total_score' AS item, s.total_score::DOUBLE AS value, true AS published FROM scorecards AS s
    UNION ALL
    SELECT s.*, 'learner_satisfaction', l.mean_score, NOT l.suppressed
    FROM scorecards AS s
    LEFT JOIN marts.learner_satisfaction AS l ON l.ukprn = s.entity_code AND l.survey_year = s.year
    WHERE s.entity_type = 'provider'
    UNION ALL
    SELECT s.*, 'employer_satisfaction', e.mean_score, NOT e.suppressed
    FROM scorecards AS s
    LEFT JOIN marts.employer_satisfaction AS e ON e.ukprn = s.entity_code AND e.survey_year = s.year
    WHERE s.entity_type = 'provider'
),
cells AS (
    SELECT *, 'all' AS dimension, 'all' AS group_value FROM items
    UNION ALL SELECT *, 'rural_urban_class', ruc_class FROM items
    UNION ALL SELECT *, 'broad_rural_urban_class', ruc_broad_class FROM items
    UNION ALL SELECT *, 'tier', tier FROM items
    UNION ALL SELECT *, 'region', region_name FROM items
    UNION ALL SELECT *, 'provider_type', provider_type FROM items WHERE entity_type = 'provider'
    UNION ALL SELECT *, 'size_band', size_band FROM items WHERE entity_type = 'provider'
),
summarised AS (
    SELECT framework, any_value(entity_type) AS entity_type, dimension, coalesce(group_value, 'unknown') AS group_value, year, item,
           count(*) AS scorecards,
           count(*) FILTER (WHERE published AND value IS NOT NULL) AS with_value,
           avg(value) FILTER (WHERE published) AS mean_value,
           CASE WHEN item = 'total_score' THEN max(max_score) END AS max_score
    FROM cells
    GROUP BY framework, dimension, coalesce(group_value, 'unknown'), year, item
)
SELECT framework, entity_type, dimension, group_value, year, item, scorecards, with_value,
       CASE WHEN item = 'total_score' OR with_value >= 2 THEN round(mean_value, 2) END AS mean_value,
       max_score,
       item <> 'total_score' AND with_value < 2 AS suppressed,
       CASE WHEN item <> 'total_score' AND with_value < 2 THEN 'fewer than 2 providers' END AS suppression
FROM summarised
ORDER BY framework, dimension, group_value, year, item;

COMMENT ON TABLE marts.scorecard_range IS 'The range the scorecards cover: per framework and year, scorecards counted and their totals and survey measures averaged by rural–urban class, broad class, tier, region, provider type and size band (and ''all''). Survey means only over published provider values and only from two providers up.';
COMMENT ON COLUMN marts.scorecard_range.framework IS 'Framework id.';
COMMENT ON COLUMN marts.scorecard_range.entity_type IS 'What the framework scores: ''area'' or ''provider''.';
COMMENT ON COLUMN marts.scorecard_range.dimension IS '''all'', ''rural_urban_class'' (6-fold), ''broad_rural_urban_class'', ''tier'', ''region'', and for providers ''provider_type'' and ''size_band''.';
COMMENT ON COLUMN marts.scorecard_range.group_value IS 'The class, tier, region name, provider type or size band (''unknown'' when the entity has none, e.g. an unregistered provider).';
COMMENT ON COLUMN marts.scorecard_range.year IS 'Scorecard year.';
COMMENT ON COLUMN marts.scorecard_range.item IS '''total_score'' (marts.scorecard_totals), or a provider survey measure: ''learner_satisfaction'', ''employer_satisfaction'' (mean 0–10 score of the provider''s survey that year).';
COMMENT ON COLUMN marts.scorecard_range.scorecards IS 'Scorecards in the cell (entities of the group with a scorecard that year); a count of scorecards, always shown.';
COMMENT ON COLUMN marts.scorecard_range.with_value IS 'Of them, how many have a published value of the item (a suppressed or missing survey figure does not count).';
COMMENT ON COLUMN marts.scorecard_range.mean_value IS 'Simple mean over the scorecards of their published values (each provider counts once, whatever its number of respondents); null when suppressed.';
COMMENT ON COLUMN marts.scorecard_range.max_score IS 'Maximum total of the framework (total_score rows); null for survey measures.';
COMMENT ON COLUMN marts.scorecard_range.suppressed IS 'True when a survey measure''s mean is withheld: fewer than 2 providers with a published value.';
COMMENT ON COLUMN marts.scorecard_range.suppression IS '''fewer than 2 providers'' when suppressed; null otherwise.';
