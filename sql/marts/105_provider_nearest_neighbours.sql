-- marts.provider_nearest_neighbours: for every framework that asks for them (nearest_neighbours in its
-- YAML, loaded as staging.nearest_neighbour_variables), each provider's k nearest neighbours in each
-- survey year: the other providers whose home districts are most alike, as LG Inform's nearest
-- neighbours. Candidates: every registered provider of any type surveyed that year whose home district
-- (marts.provider_catchment) has a value for each of the framework's variables — the place is what is
-- matched; the type has its own peers in marts.provider_benchmarks. Each variable is standardised
-- across the candidates of the year (z = (value − mean) / sample standard deviation; 0 when every
-- candidate has the same value, so that variable separates nobody), the distance between two
-- providers is the Euclidean distance of their z-scores, and the k nearest other candidates are the
-- neighbours, ties broken by the lower UKPRN. A provider missing a variable has no neighbours and is
-- nobody's neighbour. All pairs of a year are compared: n² distances for n providers.
CREATE OR REPLACE TABLE marts.provider_nearest_neighbours AS
WITH context AS (  -- the names below are scorecard.frameworks.CONTEXT_VARIABLES; UNPIVOT drops missing values
    UNPIVOT (
        SELECT ukprn, provider_name, survey_year,
               rural_population_pct_2011::DOUBLE AS rural_population_pct_2011,
               pct_lsoas_rural::DOUBLE AS pct_lsoas_rural,
               imd_pct_lsoas_most_deprived_10::DOUBLE AS imd_pct_lsoas_most_deprived_10,
               employment_rate::DOUBLE AS employment_rate,
               inactivity_rate::DOUBLE AS inactivity_rate,
               claimant_rate::DOUBLE AS claimant_rate,
               median_weekly_pay::DOUBLE AS median_weekly_pay,
               level3_pct::DOUBLE AS level3_pct
        FROM marts.provider_catchment
        WHERE in_register
    )
    ON rural_population_pct_2011, pct_lsoas_rural, imd_pct_lsoas_most_deprived_10, employment_rate,
       inactivity_rate, claimant_rate, median_weekly_pay, level3_pct
    INTO NAME variable VALUE value
),
settings AS (
    SELECT *, count(*) OVER (PARTITION BY framework) AS framework_variables FROM staging.nearest_neighbour_variables
),
candidates AS (  -- providers with every variable the framework names
    SELECT s.framework, s.k, s.position, c.ukprn, c.provider_name, c.survey_year, c.value
    FROM settings AS s
    JOIN context AS c ON c.variable = s.variable
    QUALIFY count(*) OVER (PARTITION BY s.framework, c.ukprn, c.survey_year) = s.framework_variables
),
z_scores AS (
    SELECT *,
           coalesce((value - avg(value) OVER year_variable) / nullif(stddev_samp(value) OVER year_variable, 0), 0) AS z
    FROM candidates
    WINDOW year_variable AS (PARTITION BY framework, survey_year, position)
),
standardised AS (
    SELECT framework, k, ukprn, provider_name, survey_year, list(z ORDER BY position) AS z
    FROM z_scores
    GROUP BY ALL
),
distances AS (
    SELECT p.framework, p.k, p.ukprn, p.survey_year, n.ukprn AS neighbour_ukprn, n.provider_name AS neighbour_name,
           list_distance(p.z, n.z) AS distance
    FROM standardised AS p
    JOIN standardised AS n ON n.framework = p.framework AND n.survey_year = p.survey_year AND n.ukprn <> p.ukprn
),
-- The nearest of each provider, kept as the pairs stream past (a bounded heap per provider, not all n²
-- pairs held and sorted): 50 is the largest k scorecard/frameworks.py allows (MAX_NEAREST_NEIGHBOURS).
nearest AS (
    SELECT framework, ukprn, survey_year, any_value(k) AS k,
           min_by({'neighbour_ukprn': neighbour_ukprn, 'neighbour_name': neighbour_name, 'distance': distance},
                  {'distance': distance, 'neighbour_ukprn': neighbour_ukprn}, 50) AS neighbours
    FROM distances
    GROUP BY framework, ukprn, survey_year
),
ranked AS (
    SELECT *, unnest(range(1, least(k, len(neighbours)) + 1)) AS rank FROM nearest
)
SELECT framework, ukprn, survey_year, neighbours[rank].neighbour_ukprn AS neighbour_ukprn,
       neighbours[rank].neighbour_name AS neighbour_name, rank, round(neighbours[rank].distance, 4) AS distance
FROM ranked
ORDER BY framework, ukprn, survey_year, rank;

COMMENT ON TABLE marts.provider_nearest_neighbours IS 'Each provider''s k nearest neighbours per survey year, for every framework that asks for them (nearest_neighbours in its YAML): the other registered providers, of any type, whose home districts are most alike on the framework''s context variables — Euclidean distance of z-scores standardised across the providers surveyed that year, ties to the lower UKPRN (as LG Inform''s nearest neighbours). marts.measure_comparisons compares each provider with their mean (benchmark ''nearest_neighbours'').';
COMMENT ON COLUMN marts.provider_nearest_neighbours.framework IS 'The framework whose nearest_neighbours option (k, variables) made the set.';
COMMENT ON COLUMN marts.provider_nearest_neighbours.ukprn IS 'The provider''s UK Provider Reference Number.';
COMMENT ON COLUMN marts.provider_nearest_neighbours.survey_year IS 'Survey year: the providers surveyed that year are the candidates, and the labour-market values are for the latest period starting in or before it.';
COMMENT ON COLUMN marts.provider_nearest_neighbours.neighbour_ukprn IS 'A neighbour''s UK Provider Reference Number.';
COMMENT ON COLUMN marts.provider_nearest_neighbours.neighbour_name IS 'The neighbour''s name in the register.';
COMMENT ON COLUMN marts.provider_nearest_neighbours.rank IS '1 = nearest; up to k. Equal distances rank the lower UKPRN first.';
COMMENT ON COLUMN marts.provider_nearest_neighbours.distance IS 'Euclidean distance between the two home districts'' z-scores on the framework''s variables (0 = alike on every variable), to 4 decimals.';
