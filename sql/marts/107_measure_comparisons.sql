-- marts.measure_comparisons: every survey measure of an entity beside each benchmark it is compared
-- with, one row per entity, survey year, measure and benchmark:
--   areas      ni7_pct_positive vs the area's region (marts.ni7: shown only where at least two other
--              areas of the region publish figures) and vs all surveyed areas in England;
--              relationship_good_pct_agree vs all surveyed areas that year, both sides pooled (computed
--              like the area figure: % answering 4-5 of those answering 1-5);
--   providers  every measure of marts.provider_benchmarks vs its peers of the same type, nationally,
--              in its region and in similar places (home districts of the same broad rural–urban
--              class); and, where a framework asks for them, vs the mean of its nearest neighbours
--              (marts.provider_nearest_neighbours: published values only, as the other peer means).
-- Runs after the catchment marts, which the nearest neighbours are found from.
-- comparison (as OHID Fingertips): 'higher' / 'lower' when the benchmark lies outside the entity's 95%
-- interval, 'similar' inside; null (comparison_note says why) when the value is suppressed, the
-- benchmark is not shown, or there is no interval. significance reads it through the measure's polarity
-- (marts.measures): 'better' / 'similar' / 'worse', or 'higher' / 'similar' / 'lower' for 'no direction'.
-- Disclosure control: values and benchmarks come from marts that apply it, and the pooled poll figure
-- of all surveyed areas is a total of the areas' figures, so where it would give away a suppressed
-- area (the only one that year, say) it is withheld ('secondary'; scorecard/warehouse/disclosure.py;
-- the areas' own figures are published by marts.evidence_measures and never hidden here).
CREATE OR REPLACE TEMP TABLE poll_area_sums AS
SELECT area_code, survey_year, count(*) AS n, count(*) FILTER (WHERE relationship_good >= 4) AS x
FROM staging.relationship_poll_responses
WHERE relationship_good IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE poll_pooled_cells AS
SELECT 'area:' || area_code || ':' || survey_year AS cell, n AS size, true AS is_primary
FROM poll_area_sums WHERE primary_suppression(n) IS NOT NULL
UNION ALL
SELECT 'all:' || survey_year, sum(n), primary_suppression(sum(n)) IS NOT NULL FROM poll_area_sums GROUP BY survey_year;

CREATE OR REPLACE TEMP TABLE poll_pooled_links AS
SELECT 'year:' || survey_year AS grp, 'area:' || area_code || ':' || survey_year AS cell, false AS is_total FROM poll_area_sums
UNION ALL
SELECT DISTINCT 'year:' || survey_year, 'all:' || survey_year, true FROM poll_area_sums;

CREATE OR REPLACE TEMP TABLE poll_pooled AS
SELECT s.survey_year, count(*) AS areas, unless_suppressed(round(100 * sum(s.x) / sum(s.n), 1), d.suppression) AS pct_agree, d.suppression
FROM poll_area_sums AS s
JOIN secondary_suppression('poll_pooled_cells', 'poll_pooled_links') AS d ON d.cell = 'all:' || s.survey_year
GROUP BY s.survey_year, d.suppression;

CREATE OR REPLACE TEMP TABLE nearest_neighbour_means AS
WITH chosen AS (  -- frameworks that ask for nearest neighbours ask for the same set (scorecard/frameworks.py): one serves
    SELECT framework, k, string_agg(variable_label, ', ' ORDER BY position) AS variables
    FROM staging.nearest_neighbour_variables
    WHERE framework = (SELECT min(framework) FROM staging.nearest_neighbour_variables)
    GROUP BY framework, k
),
listed AS (
    SELECT n.ukprn, n.survey_year FROM marts.provider_nearest_neighbours AS n JOIN chosen USING (framework) GROUP BY ALL
),
means AS (  -- a suppressed value is never a peer, as in marts.provider_benchmarks
    SELECT n.ukprn, n.survey_year, m.measure,
           count(*) FILTER (WHERE NOT m.suppressed AND m.value IS NOT NULL) AS peers,
           sum(micro(m.value)) FILTER (WHERE NOT m.suppressed AND m.value IS NOT NULL) AS total
    FROM marts.provider_nearest_neighbours AS n
    JOIN chosen USING (framework)
    JOIN intermediate.provider_measures AS m ON m.ukprn = n.neighbour_ukprn AND m.survey_year = n.survey_year
    GROUP BY ALL
)
SELECT b.ukprn, b.survey_year, b.measure, chosen.k, chosen.variables, l.ukprn IS NOT NULL AS listed,
       coalesce(m.peers, 0) AS peers, rounded_mean(m.total, m.peers) AS peer_mean
FROM marts.provider_benchmarks AS b
CROSS JOIN chosen
LEFT JOIN listed AS l ON l.ukprn = b.ukprn AND l.survey_year = b.survey_year
LEFT JOIN means AS m ON m.ukprn = b.ukprn AND m.survey_year = b.survey_year AND m.measure = b.measure;

CREATE OR REPLACE TABLE marts.measure_comparisons AS
WITH compared AS (
    SELECT n.area_code AS entity_code, n.survey_year, 'ni7_pct_positive' AS measure, n.pct_positive AS value, n.ci_low, n.ci_high,
           n.respondents AS base, n.suppression, 'region' AS benchmark, coalesce(r.region_name, 'the area''s region') AS benchmark_label,
           coalesce(r.region_name, 'Region') AS benchmark_short_label,
           n.region_pct_positive AS benchmark_value, r.areas AS benchmark_count, NULL AS comparison, n.region_comparison_note AS benchmark_note
    FROM marts.ni7 AS n
    LEFT JOIN marts.entities AS e ON e.entity_code = n.area_code AND e.entity_type = 'area'
    LEFT JOIN marts.ni7_by_region AS r ON r.region_code = e.region_code AND r.survey_year = n.survey_year
    UNION ALL
    SELECT n.area_code, n.survey_year, 'ni7_pct_positive', n.pct_positive, n.ci_low, n.ci_high, n.respondents, n.suppression,
           'all_surveyed_areas', 'all surveyed areas in England', 'All surveyed areas', n.all_surveyed_pct_positive, r.areas, NULL,
           CASE WHEN n.all_surveyed_pct_positive IS NULL THEN 'the figure of all surveyed areas is suppressed' END
    FROM marts.ni7 AS n
    LEFT JOIN marts.ni7_by_region AS r ON r.region_code = 'E92000001' AND r.survey_year = n.survey_year
    UNION ALL
    SELECT m.entity_code, m.year, m.measure, m.value, m.ci_low, m.ci_high, m.base, CASE WHEN m.suppressed THEN 'primary' END,
           'all_surveyed_areas', 'all surveyed areas in England', 'All surveyed areas', p.pct_agree, p.areas, NULL,
           CASE WHEN p.pct_agree IS NULL THEN 'the figure of all surveyed areas is suppressed: it would reveal a suppressed area' END
    FROM marts.evidence_measures AS m
    JOIN poll_pooled AS p ON p.survey_year = m.year
    WHERE m.measure = 'relationship_good_pct_agree'
    UNION ALL
    SELECT b.ukprn, b.survey_year, b.measure, b.value, b.ci_low, b.ci_high, b.base, b.suppression,
           'national_peers', 'providers of the same type (' || coalesce(b.provider_type, 'none') || ') in England', 'Same type, England',
           b.national_peer_mean, b.national_peers, b.national_comparison,
           CASE WHEN b.provider_type IS NULL THEN 'the provider has no type in the register, so no peers'
                WHEN b.national_peers = 0 THEN 'no other provider of the same type has a published figure that year' END
    FROM marts.provider_benchmarks AS b
    UNION ALL
    SELECT b.ukprn, b.survey_year, b.measure, b.value, b.ci_low, b.ci_high, b.base, b.suppression,
           'regional_peers', 'providers of the same type (' || coalesce(b.provider_type, 'none') || ') in '
               || CASE WHEN b.region_name IS NULL THEN 'the provider''s region' WHEN b.region_name = 'London' THEN 'London' ELSE 'the ' || b.region_name END,
           'Same type, region',
           b.regional_peer_mean, b.regional_peers, b.regional_comparison,
           CASE WHEN b.provider_type IS NULL THEN 'the provider has no type in the register, so no peers'
                WHEN b.region_name IS NULL THEN 'the provider has no region in the register, so no regional peers'
                WHEN b.regional_peers = 0 THEN 'no other provider of the same type in the region has a published figure that year' END
    FROM marts.provider_benchmarks AS b
    UNION ALL
    SELECT b.ukprn, b.survey_year, b.measure, b.value, b.ci_low, b.ci_high, b.base, b.suppression,
           'similar_place_peers', 'providers of the same type (' || coalesce(b.provider_type, 'none') || ') in '
               || CASE b.ruc_broad_class
                      WHEN 'Predominantly Rural' THEN 'predominantly rural districts'
                      WHEN 'Predominantly Urban' THEN 'predominantly urban districts'
                      WHEN 'Urban with Significant Rural' THEN 'urban districts with a significant rural population'
                      ELSE 'districts of the same rural–urban class'
                  END,
           'Same type, similar places',
           b.similar_place_peer_mean, b.similar_place_peers, b.similar_place_comparison,
           CASE WHEN b.provider_type IS NULL THEN 'the provider has no type in the register, so no peers'
                WHEN b.ruc_broad_class IS NULL THEN 'the provider''s home district has no rural–urban class, so no similar-place peers'
                WHEN b.similar_place_peers = 0 THEN 'no other provider of the same type in a district of the same rural–urban class has a published figure that year' END
    FROM marts.provider_benchmarks AS b
    UNION ALL
    SELECT b.ukprn, b.survey_year, b.measure, b.value, b.ci_low, b.ci_high, b.base, b.suppression,
           'nearest_neighbours', 'the ' || n.k || ' providers of any type with the most alike home districts (nearest neighbours: '
               || 'Euclidean distance of z-scores of ' || n.variables || ')',
           'Nearest neighbours (' || n.k || ')',
           n.peer_mean, n.peers, NULL,
           CASE WHEN NOT n.listed THEN 'the provider has no nearest neighbours that year: its home district lacks a context value, or no other provider surveyed that year has them all'
                WHEN n.peers = 0 THEN 'none of the nearest neighbours has a published figure that year' END
    FROM marts.provider_benchmarks AS b
    JOIN nearest_neighbour_means AS n USING (ukprn, survey_year, measure)
),
read AS (
    SELECT c.*,
           coalesce(c.comparison, CASE
               WHEN c.value IS NULL OR c.benchmark_value IS NULL OR c.ci_low IS NULL OR c.ci_high IS NULL THEN NULL
               WHEN c.benchmark_value < c.ci_low THEN 'higher'
               WHEN c.benchmark_value > c.ci_high THEN 'lower'
               ELSE 'similar'
           END) AS compared
    FROM compared AS c
)
SELECT r.entity_code, e.entity_type, coalesce(e.entity_name, r.entity_code) AS entity_name, r.survey_year, r.measure,
       r.value, r.ci_low, r.ci_high, r.base, r.suppression,
       r.benchmark, r.benchmark_label, r.benchmark_short_label, r.benchmark_value, r.benchmark_count,
       r.compared AS comparison,
       CASE WHEN r.compared IS NULL OR r.compared = 'similar' OR m.polarity IS NULL OR m.polarity = 'no direction' THEN r.compared
            WHEN (r.compared = 'higher') = (m.polarity = 'higher is better') THEN 'better'
            ELSE 'worse'
       END AS significance,
       CASE WHEN r.suppression IS NOT NULL THEN 'the ' || e.entity_type || '''s figure is suppressed (' || r.suppression || ')'
            WHEN r.value IS NULL THEN 'the ' || e.entity_type || ' has no figure'
            WHEN r.benchmark_value IS NULL THEN coalesce(r.benchmark_note, 'the benchmark has no figure')
            WHEN r.ci_low IS NULL OR r.ci_high IS NULL THEN 'the figure has no interval to compare with'
       END AS comparison_note,
       e.in_register
FROM read AS r
LEFT JOIN marts.entities AS e ON e.entity_code = r.entity_code
LEFT JOIN staging.measures AS m ON m.id = r.measure
ORDER BY r.entity_code, r.survey_year, r.measure, r.benchmark;

COMMENT ON TABLE marts.measure_comparisons IS 'Every survey measure of an area or provider beside each benchmark it is compared with (all surveyed areas, region, peer providers of the same type nationally, in the region and in similar places, nearest neighbours where a framework asks for them), and whether it is significantly higher, similar or lower: one row per entity, survey year, measure and benchmark.';
COMMENT ON COLUMN marts.measure_comparisons.entity_code IS 'Area code or UKPRN.';
COMMENT ON COLUMN marts.measure_comparisons.entity_type IS '''area'' or ''provider''.';
COMMENT ON COLUMN marts.measure_comparisons.entity_name IS 'The area''s or provider''s name (marts.entities).';
COMMENT ON COLUMN marts.measure_comparisons.survey_year IS 'Survey year.';
COMMENT ON COLUMN marts.measure_comparisons.measure IS 'Measure id (marts.measures: label, unit, polarity, method).';
COMMENT ON COLUMN marts.measure_comparisons.value IS 'The entity''s value; null when suppressed.';
COMMENT ON COLUMN marts.measure_comparisons.ci_low IS 'Lower end of the value''s 95% interval.';
COMMENT ON COLUMN marts.measure_comparisons.ci_high IS 'Upper end of the value''s 95% interval.';
COMMENT ON COLUMN marts.measure_comparisons.base IS 'Unweighted base of the value (respondents, learners or pairs), published even when the value is suppressed.';
COMMENT ON COLUMN marts.measure_comparisons.suppression IS '''primary'' (base under 10), ''secondary'' (would reveal a suppressed figure by differencing) or null (published).';
COMMENT ON COLUMN marts.measure_comparisons.benchmark IS 'What the value is compared with: ''all_surveyed_areas'', ''region'', ''national_peers'', ''regional_peers'', ''similar_place_peers'' (same type, home district of the same broad rural–urban class) or ''nearest_neighbours'' (the k providers with the most alike home districts, marts.provider_nearest_neighbours; only when a framework asks for them).';
COMMENT ON COLUMN marts.measure_comparisons.benchmark_label IS 'The benchmark in words, e.g. ''all surveyed areas in England'', ''North West'', ''providers of the same type (general further education college) in England'', ''providers of the same type (general further education college) in predominantly rural districts''.';
COMMENT ON COLUMN marts.measure_comparisons.benchmark_short_label IS 'The benchmark in a few words for a column heading or a chart''s key: ''All surveyed areas'', the region''s name, ''Same type, England'', ''Same type, region'', ''Same type, similar places'', ''Nearest neighbours (3)''; benchmark_label says it in full.';
COMMENT ON COLUMN marts.measure_comparisons.benchmark_value IS 'The benchmark''s value: the pooled figure of the areas, or the unweighted mean of the peers'' published values; null when not shown (comparison_note says why).';
COMMENT ON COLUMN marts.measure_comparisons.benchmark_count IS 'Areas (all surveyed areas, region) or peer providers (of the nearest neighbours: those) with a published value the benchmark covers.';
COMMENT ON COLUMN marts.measure_comparisons.comparison IS '''higher'' / ''lower'' when the benchmark lies outside the value''s 95% interval (value below / above it), ''similar'' inside; null when not compared.';
COMMENT ON COLUMN marts.measure_comparisons.significance IS 'The comparison read through the measure''s polarity: ''better'' / ''similar'' / ''worse'', or ''higher'' / ''similar'' / ''lower'' for a measure with no direction; null when not compared.';
COMMENT ON COLUMN marts.measure_comparisons.comparison_note IS 'Why the value is not compared: suppressed, no figure, benchmark not shown (and why), no interval; null when compared.';
COMMENT ON COLUMN marts.measure_comparisons.in_register IS 'A provider: whether its UKPRN is in raw/providers/; null for an area.';
