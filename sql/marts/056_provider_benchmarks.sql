-- marts.provider_benchmarks: every provider measure beside the mean of its peers — the other
-- registered providers of the same type, nationally and in its region, that year (unweighted mean of
-- their published values) — the difference, and how it compares: 'higher' / 'lower' when the peer
-- mean lies outside the provider's 95% interval, 'similar' when inside (as OHID Fingertips compares
-- areas with England). Null when suppressed or when there are no peers.
-- Peers' figures are each group's totals less the provider's own value (one pass, not a query per row),
-- summed as decimals so a mean that lies on a rounding boundary rounds the same way every run.
CREATE OR REPLACE TABLE marts.provider_benchmarks AS
WITH measured AS (
    SELECT m.*, r.provider_name, r.provider_type, r.region_code, r.region_name,
           CASE WHEN NOT m.suppressed AND m.value IS NOT NULL THEN 1 ELSE 0 END AS counted
    FROM staging.provider_measures AS m
    JOIN staging.provider_register AS r USING (ukprn)
),
national AS (
    SELECT measure, survey_year, provider_type, sum(counted) AS n, sum(value::DECIMAL(38, 12)) FILTER (WHERE counted = 1) AS total
    FROM measured GROUP BY ALL
),
regional AS (
    SELECT measure, survey_year, provider_type, region_code, sum(counted) AS n, sum(value::DECIMAL(38, 12)) FILTER (WHERE counted = 1) AS total
    FROM measured GROUP BY ALL
),
compared AS (
    SELECT p.*,
           national.n - p.counted AS national_peers,
           ((national.total - CASE WHEN p.counted = 1 THEN p.value::DECIMAL(38, 12) ELSE 0 END) / nullif(national.n - p.counted, 0))::DOUBLE
               AS national_peer_mean,
           regional.n - p.counted AS regional_peers,
           ((regional.total - CASE WHEN p.counted = 1 THEN p.value::DECIMAL(38, 12) ELSE 0 END) / nullif(regional.n - p.counted, 0))::DOUBLE
               AS regional_peer_mean
    FROM measured AS p
    JOIN national USING (measure, survey_year, provider_type)
    LEFT JOIN regional ON regional.measure = p.measure AND regional.survey_year = p.survey_year
        AND regional.provider_type = p.provider_type AND regional.region_code IS NOT DISTINCT FROM p.region_code
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
