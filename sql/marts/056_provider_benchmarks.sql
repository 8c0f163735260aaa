-- marts.provider_benchmarks: every provider measure beside the mean of its peers — the other
-- registered providers of the same type, nationally and in its region, that year (unweighted mean of
-- their published values) — the difference, and how it compares: 'higher' / 'lower' when the peer
-- mean lies outside the provider's 95% interval, 'similar' when inside (as OHID Fingertips compares
-- areas with England). Null when suppressed or when there are no peers.
CREATE OR REPLACE TABLE marts.provider_benchmarks AS
WITH measured AS (
    SELECT m.*, r.provider_name, r.provider_type, r.region_code, r.region_name
    FROM staging.provider_measures AS m
    JOIN staging.provider_register AS r USING (ukprn)
),
compared AS (
    SELECT p.*,
           (SELECT count(q.value) FROM measured AS q WHERE q.measure = p.measure AND q.survey_year = p.survey_year
               AND q.provider_type = p.provider_type AND q.ukprn <> p.ukprn AND NOT q.suppressed) AS national_peers,
           (SELECT avg(q.value) FROM measured AS q WHERE q.measure = p.measure AND q.survey_year = p.survey_year
               AND q.provider_type = p.provider_type AND q.ukprn <> p.ukprn AND NOT q.suppressed) AS national_peer_mean,
           (SELECT count(q.value) FROM measured AS q WHERE q.measure = p.measure AND q.survey_year = p.survey_year
               AND q.provider_type = p.provider_type AND q.region_code = p.region_code AND q.ukprn <> p.ukprn AND NOT q.suppressed) AS regional_peers,
           (SELECT avg(q.value) FROM measured AS q WHERE q.measure = p.measure AND q.survey_year = p.survey_year
               AND q.provider_type = p.provider_type AND q.region_code = p.region_code AND q.ukprn <> p.ukprn AND NOT q.suppressed) AS regional_peer_mean
    FROM measured AS p
)
SELECT ukprn, provider_name, provider_type, region_name, survey_year, measure, value, ci_low, ci_high, base, suppressed,
       national_peers, round(national_peer_mean, 2) AS national_peer_mean, round(value - national_peer_mean, 2) AS national_difference,
       CASE WHEN value IS NULL OR national_peer_mean IS NULL THEN NULL
            WHEN national_peer_mean < ci_low THEN 'higher' WHEN national_peer_mean > ci_high THEN 'lower' ELSE 'similar' END AS national_comparison,
       regional_peers, round(regional_peer_mean, 2) AS regional_peer_mean, round(value - regional_peer_mean, 2) AS regional_difference,
       CASE WHEN value IS NULL OR regional_peer_mean IS NULL THEN NULL
            WHEN regional_peer_mean < ci_low THEN 'higher' WHEN regional_peer_mean > ci_high THEN 'lower' ELSE 'similar' END AS regional_comparison
FROM compared
ORDER BY ukprn, survey_year, measure;
