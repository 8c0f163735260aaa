-- marts.provider_benchmarks: every provider measure beside the mean of its peers — the other
-- registered providers of the same type that year, nationally, in its region and in similar places
-- (home districts of the same broad rural–urban class, intermediate.area_rural_urban, under the
-- district's current code, as marts.provider_catchment reads it) — the unweighted mean of their
-- published values, the difference, and how it compares: 'higher' / 'lower' when the peer
-- mean lies outside the provider's 95% interval, 'similar' when inside (as OHID Fingertips compares
-- areas with England). Null when suppressed or when there are no peers. A suppressed value (primary or
-- secondary: intermediate.provider_measures) is never a peer, so no published peer mean contains it.
-- Peers' figures are each group's totals less the provider's own value (one pass, not a query per row),
-- in whole millionths, so a peer mean on a rounding boundary (7.825) is rounded exactly (7.83), the
-- same way every run. A provider without a type, a region or a class has no peers there (0, mean NULL).
CREATE OR REPLACE TABLE marts.provider_benchmarks AS
WITH measured AS (
    SELECT m.*, r.provider_name, r.provider_type, r.region_code, r.region_name, today.ruc_broad_class,
           CASE WHEN NOT m.suppressed AND m.value IS NOT NULL THEN 1 ELSE 0 END AS counted
    FROM intermediate.provider_measures AS m
    JOIN staging.provider_register AS r USING (ukprn)
    LEFT JOIN intermediate.area_rural_urban AS home ON home.area_code = r.area_code
    LEFT JOIN intermediate.area_rural_urban AS today ON today.area_code = coalesce(home.current_code, r.area_code)
),
national AS (
    SELECT measure, survey_year, provider_type, sum(counted)::BIGINT AS n, sum(micro(value)) FILTER (WHERE counted = 1) AS total
    FROM measured WHERE provider_type IS NOT NULL GROUP BY ALL
),
regional AS (
    SELECT measure, survey_year, provider_type, region_code, sum(counted)::BIGINT AS n, sum(micro(value)) FILTER (WHERE counted = 1) AS total
    FROM measured WHERE provider_type IS NOT NULL AND region_code IS NOT NULL GROUP BY ALL
),
similar_place AS (
    SELECT measure, survey_year, provider_type, ruc_broad_class, sum(counted)::BIGINT AS n, sum(micro(value)) FILTER (WHERE counted = 1) AS total
    FROM measured WHERE provider_type IS NOT NULL AND ruc_broad_class IS NOT NULL GROUP BY ALL
),
peers AS (
    SELECT p.*,
           coalesce(national.n - p.counted, 0) AS national_peers,
           coalesce(national.total, 0) - CASE WHEN p.counted = 1 THEN micro(p.value) ELSE 0 END AS national_others,
           coalesce(regional.n - p.counted, 0) AS regional_peers,
           coalesce(regional.total, 0) - CASE WHEN p.counted = 1 THEN micro(p.value) ELSE 0 END AS regional_others,
           coalesce(similar_place.n - p.counted, 0) AS similar_place_peers,
           coalesce(similar_place.total, 0) - CASE WHEN p.counted = 1 THEN micro(p.value) ELSE 0 END AS similar_place_others
    FROM measured AS p
    LEFT JOIN national ON national.measure = p.measure AND national.survey_year = p.survey_year AND national.provider_type = p.provider_type
    LEFT JOIN regional ON regional.measure = p.measure AND regional.survey_year = p.survey_year
        AND regional.provider_type = p.provider_type AND regional.region_code = p.region_code
    LEFT JOIN similar_place ON similar_place.measure = p.measure AND similar_place.survey_year = p.survey_year
        AND similar_place.provider_type = p.provider_type AND similar_place.ruc_broad_class = p.ruc_broad_class
),
compared AS (
    SELECT *,
           CASE WHEN national_peers > 0 THEN national_others / national_peers / 1000000 END AS national_peer_mean,
           CASE WHEN regional_peers > 0 THEN regional_others / regional_peers / 1000000 END AS regional_peer_mean,
           CASE WHEN similar_place_peers > 0 THEN similar_place_others / similar_place_peers / 1000000 END AS similar_place_peer_mean
    FROM peers
)
SELECT ukprn, provider_name, provider_type, region_name, survey_year, measure, value, ci_low, ci_high, base, suppressed,
       national_peers, rounded_mean(national_others, national_peers) AS national_peer_mean,
       round(value - national_peer_mean, 2) AS national_difference,
       CASE WHEN value IS NULL OR national_peer_mean IS NULL THEN NULL
            WHEN national_peer_mean < ci_low THEN 'higher' WHEN national_peer_mean > ci_high THEN 'lower' ELSE 'similar' END AS national_comparison,
       regional_peers, rounded_mean(regional_others, regional_peers) AS regional_peer_mean,
       round(value - regional_peer_mean, 2) AS regional_difference,
       CASE WHEN value IS NULL OR regional_peer_mean IS NULL THEN NULL
            WHEN regional_peer_mean < ci_low THEN 'higher' WHEN regional_peer_mean > ci_high THEN 'lower' ELSE 'similar' END AS regional_comparison,
       ruc_broad_class,
       similar_place_peers, rounded_mean(similar_place_others, similar_place_peers) AS similar_place_peer_mean,
       round(value - similar_place_peer_mean, 2) AS similar_place_difference,
       CASE WHEN value IS NULL OR similar_place_peer_mean IS NULL THEN NULL
            WHEN similar_place_peer_mean < ci_low THEN 'higher' WHEN similar_place_peer_mean > ci_high THEN 'lower' ELSE 'similar' END AS similar_place_comparison,
       suppression
FROM compared
ORDER BY ukprn, survey_year, measure;

COMMENT ON TABLE marts.provider_benchmarks IS 'Every survey measure of a registered provider beside the mean of its peers — the other registered providers of the same type that year, nationally, in its region and in similar places (home districts of the same broad rural–urban class) — and how it compares (as OHID Fingertips). A suppressed value is never counted as a peer.';
COMMENT ON COLUMN marts.provider_benchmarks.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN marts.provider_benchmarks.provider_name IS 'The provider''s name in the register (raw/providers/); null when unregistered.';
COMMENT ON COLUMN marts.provider_benchmarks.provider_type IS 'The provider''s type in the register; its peers share it.';
COMMENT ON COLUMN marts.provider_benchmarks.region_name IS 'Name of the English region.';
COMMENT ON COLUMN marts.provider_benchmarks.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.provider_benchmarks.measure IS 'Measure id (marts.measures).';
COMMENT ON COLUMN marts.provider_benchmarks.value IS 'The provider''s value; null when suppressed.';
COMMENT ON COLUMN marts.provider_benchmarks.ci_low IS 'Lower end of the value''s 95% interval.';
COMMENT ON COLUMN marts.provider_benchmarks.ci_high IS 'Upper end of the value''s 95% interval.';
COMMENT ON COLUMN marts.provider_benchmarks.base IS 'Unweighted base of the value.';
COMMENT ON COLUMN marts.provider_benchmarks.suppressed IS 'True when the value is withheld (suppression is not null).';
COMMENT ON COLUMN marts.provider_benchmarks.national_peers IS 'Peers in England with a published value (0: none).';
COMMENT ON COLUMN marts.provider_benchmarks.national_peer_mean IS 'Unweighted mean of their published values, rounded exactly to 2 decimals.';
COMMENT ON COLUMN marts.provider_benchmarks.national_difference IS 'value − national peer mean.';
COMMENT ON COLUMN marts.provider_benchmarks.national_comparison IS '''higher'' / ''lower'' when the peer mean lies outside the provider''s 95% interval, ''similar'' inside; null when suppressed or no peers.';
COMMENT ON COLUMN marts.provider_benchmarks.regional_peers IS 'Peers in the provider''s region with a published value.';
COMMENT ON COLUMN marts.provider_benchmarks.regional_peer_mean IS 'Unweighted mean of their published values.';
COMMENT ON COLUMN marts.provider_benchmarks.regional_difference IS 'value − regional peer mean.';
COMMENT ON COLUMN marts.provider_benchmarks.regional_comparison IS 'As national_comparison, against the regional peers.';
COMMENT ON COLUMN marts.provider_benchmarks.ruc_broad_class IS 'Broad rural–urban class of the provider''s home district under its current code (''Predominantly Rural'', ''Urban with Significant Rural'', ''Predominantly Urban''; marts.area_profiles): the place its similar-place peers share; null when unknown.';
COMMENT ON COLUMN marts.provider_benchmarks.similar_place_peers IS 'Peers of the same type whose home district has the same broad rural–urban class, with a published value that year (0: none).';
COMMENT ON COLUMN marts.provider_benchmarks.similar_place_peer_mean IS 'Unweighted mean of their published values, rounded exactly to 2 decimals; null when there are none.';
COMMENT ON COLUMN marts.provider_benchmarks.similar_place_difference IS 'value − similar-place peer mean.';
COMMENT ON COLUMN marts.provider_benchmarks.similar_place_comparison IS 'As national_comparison, against the peers in similar places.';
COMMENT ON COLUMN marts.provider_benchmarks.suppression IS '''primary'' (unweighted base under 10), ''secondary'' (withheld because published figures would reveal a primary one by differencing) or null (published).';
