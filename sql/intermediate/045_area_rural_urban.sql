-- intermediate.area_rural_urban: the rural–urban class of every English local authority (current and
-- historic codes) and the code in use for it today. Built ahead of the provider marts, so that
-- provider_benchmarks can compare providers in similar places; marts.area_profiles publishes it.
-- Rural–urban class: Defra's RUC 2011 of local authority districts (6-fold and broad 3-fold), under the
-- district's 2011 or 2018 code. An area the source does not classify (a unitary or district created
-- since 2019, a county) gets a class derived from the 2011 populations of the 2011 districts inside it
-- (staging.area_districts), by Defra's own thresholds: rural including hub towns ≥ 80% Mainly Rural,
-- 50–79% Largely Rural, 26–49% Urban with Significant Rural; below 26%, Urban with Major (or Minor)
-- Conurbation when at least half its people live in a major (minor) conurbation, else Urban with City
-- and Town (the same rule gives the source's class for all 326 districts of 2011) — ruc_derived true,
-- ruc_method says how. Where ONS gives the broad class on the current code, that broad class is used.
CREATE OR REPLACE TABLE intermediate.area_rural_urban AS
WITH ruc AS (
    SELECT LAD11CD AS lad11_code, LAD18CD AS lad18_code,
           "Total population 2011"::INTEGER AS population,
           "Rural including hub towns (rural & rural related) population 2011"::INTEGER AS rural_population,
           "Urban Major Conurbation population 2011"::INTEGER AS major_conurbation_population,
           "Urban Minor Conurbation population 2011"::INTEGER AS minor_conurbation_population,
           RUC11CD::INTEGER AS ruc_code,
           -- labels as Defra writes them, without the threshold note and the trailing space
           trim(regexp_replace(RUC11, '\(.*\)', '')) AS ruc_class,
           trim("Broad RUC11") AS ruc_broad_class
    FROM read_csv(getvariable('reference_dir') || '/catchment/RUC_LAD_2011_EN_LU.csv', all_varchar = true)
),
broad_on_current_codes AS (  -- ONS Explore Local Statistics: the broad class on 2025 codes (other rows name a country)
    SELECT areacd AS area_code, urban AS ruc_broad_class
    FROM read_csv(getvariable('reference_dir') || '/catchment/ons_els_areas_geog_info_2025.csv', all_varchar = true)
    WHERE urban IN ('Predominantly Rural', 'Urban with Significant Rural', 'Predominantly Urban')
),
given AS (
    SELECT a.area_code, r.* FROM staging.areas AS a JOIN ruc AS r ON a.area_code IN (r.lad11_code, r.lad18_code)
),
summed AS (
    SELECT d.area_code, count(*) AS districts,
           string_agg(r.lad11_code, ', ' ORDER BY r.lad11_code) AS district_codes,
           sum(r.population) AS population,
           100 * sum(r.rural_population) / sum(r.population) AS rural_pct,
           100 * sum(r.major_conurbation_population) / sum(r.population) AS major_conurbation_pct,
           100 * sum(r.minor_conurbation_population) / sum(r.population) AS minor_conurbation_pct
    FROM staging.area_districts AS d JOIN ruc AS r ON r.lad11_code = d.district_code
    GROUP BY d.area_code
),
derived AS (
    SELECT *,
           CASE
               WHEN rural_pct >= 80 THEN 1
               WHEN rural_pct >= 50 THEN 2
               WHEN rural_pct >= 26 THEN 3
               WHEN major_conurbation_pct >= 50 THEN 6
               WHEN minor_conurbation_pct >= 50 THEN 5
               ELSE 4
           END AS ruc_code
    FROM summed
),
ruc_labels AS (
    SELECT DISTINCT ruc_code, ruc_class, ruc_broad_class FROM ruc
)
SELECT
    a.area_code,
    CASE WHEN a.is_current THEN a.area_code WHEN a.successor_code NOT LIKE '%;%' THEN a.successor_code END AS current_code,
    coalesce(g.population, s.population) AS population_2011,
    round(coalesce(100 * g.rural_population / g.population, s.rural_pct), 1) AS rural_population_pct_2011,
    coalesce(g.ruc_code, s.ruc_code) AS ruc_code,
    coalesce(g.ruc_class, l.ruc_class) AS ruc_class,
    coalesce(g.ruc_broad_class, b.ruc_broad_class, l.ruc_broad_class) AS ruc_broad_class,
    g.area_code IS NULL AND s.area_code IS NOT NULL AS ruc_derived,
    CASE
        WHEN g.area_code IS NOT NULL THEN 'Defra RUC 2011 (local authority districts)'
        WHEN s.area_code IS NOT NULL THEN
            'derived by Defra''s thresholds from the 2011 populations of ' ||
            CASE WHEN s.districts = 1 THEN 'its 2011 district ' ELSE 'its ' || s.districts || ' districts of 2011 ' END ||
            '(' || s.district_codes || ')' ||
            CASE WHEN b.area_code IS NOT NULL THEN '; broad class as ONS gives it on the current code' ELSE '' END
        -- e.g. Somerset West and Taunton (2019–2023): the lookups map its 2011 districts to Somerset only
        ELSE 'no 6-fold class: no source classifies this area and no 2011 district maps to it whole; now part of ' || a.successor_code
    END AS ruc_method
FROM staging.areas AS a
LEFT JOIN given AS g USING (area_code)
LEFT JOIN derived AS s ON s.area_code = a.area_code AND g.area_code IS NULL
LEFT JOIN ruc_labels AS l ON l.ruc_code = s.ruc_code
LEFT JOIN broad_on_current_codes AS b ON b.area_code = a.area_code AND g.area_code IS NULL
ORDER BY a.area_code;
