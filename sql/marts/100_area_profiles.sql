-- marts.area_profiles: what stays put about every English local authority (current and historic codes):
-- its rural–urban class (intermediate.area_rural_urban: Defra RUC 2011, derived from 2011 populations
-- where the source has none) and its deprivation, the context a scorecard is read against.
-- Deprivation: MHCLG's IoD 2019 district summary; for an area it does not list, the share of LSOAs
-- in the most deprived 10% is computed from the LSOA deciles and there is no rank.
CREATE OR REPLACE TABLE marts.area_profiles AS
WITH imd_summary AS (
    SELECT "Local Authority District code (2019)" AS area_code,
           "IMD - Rank of average score"::INTEGER AS imd_rank_of_average_score,
           "IMD - Average score"::DOUBLE AS imd_average_score,
           round(100 * "IMD - Proportion of LSOAs in most deprived 10% nationally"::DOUBLE, 2) AS imd_pct_lsoas_most_deprived_10
    FROM read_csv(getvariable('reference_dir') || '/catchment/imd2019_lad19_summary_imd.csv', all_varchar = true)
),
lsoas AS (  -- the 2011 LSOAs inside each area, with their IMD decile and rural–urban class
    SELECT d.area_code, count(*) AS lsoas,
           round(100 * count(*) FILTER (WHERE i.imd_decile = 1) / count(*), 2) AS pct_most_deprived_10,
           round(100 * count(*) FILTER (WHERE u.is_rural) / count(*), 1) AS pct_rural
    FROM staging.area_districts AS d
    JOIN staging.imd_lsoa AS i ON i.lad19_code = d.district_code
    JOIN staging.lsoa_rural_urban AS u ON u.lsoa_code = i.lsoa_code
    GROUP BY d.area_code
)
SELECT
    a.area_code, a.area_name, a.area_type, a.tier, a.county_code, a.region_code, a.region_name, a.is_current,
    u.current_code, u.population_2011, u.rural_population_pct_2011,
    u.ruc_code, u.ruc_class, u.ruc_broad_class, u.ruc_derived, u.ruc_method,
    i.imd_rank_of_average_score,
    i.imd_average_score,
    coalesce(i.imd_pct_lsoas_most_deprived_10, p.pct_most_deprived_10) AS imd_pct_lsoas_most_deprived_10,
    CASE
        WHEN i.area_code IS NOT NULL THEN 'IoD 2019 district summary (MHCLG)'
        WHEN p.area_code IS NOT NULL THEN 'computed from the IMD 2019 deciles of its ' || p.lsoas || ' LSOAs; IoD 2019 ranks only the districts of 2019'
    END AS imd_basis,
    p.lsoas,
    p.pct_rural AS pct_lsoas_rural
FROM staging.areas AS a
JOIN intermediate.area_rural_urban AS u USING (area_code)
LEFT JOIN imd_summary AS i ON i.area_code = a.area_code
LEFT JOIN lsoas AS p ON p.area_code = a.area_code
ORDER BY a.area_code;

COMMENT ON TABLE marts.area_profiles IS 'Every English local authority (current and historic codes) with its rural–urban class (Defra RUC 2011; derived from 2011 populations where the source has no class) and its deprivation (IoD 2019): the context a scorecard is read against, and the variables a similar-places comparison uses.';
COMMENT ON COLUMN marts.area_profiles.area_code IS 'ONS (GSS) code of the local authority.';
COMMENT ON COLUMN marts.area_profiles.area_name IS 'Its name (ONS).';
COMMENT ON COLUMN marts.area_profiles.area_type IS '''unitary authority'', ''non-metropolitan district'', ''metropolitan district'', ''London borough'' or ''county'' (from the code prefix E06, E07, E08, E09, E10).';
COMMENT ON COLUMN marts.area_profiles.tier IS 'Tier of local government: ''unitary'' (unitary, metropolitan district, London borough), ''district'' (of a two-tier area) or ''county''.';
COMMENT ON COLUMN marts.area_profiles.county_code IS 'A two-tier district''s county; null otherwise.';
COMMENT ON COLUMN marts.area_profiles.region_code IS 'ONS code of its English region.';
COMMENT ON COLUMN marts.area_profiles.region_name IS 'Name of its English region.';
COMMENT ON COLUMN marts.area_profiles.is_current IS 'Whether the code is in use today.';
COMMENT ON COLUMN marts.area_profiles.current_code IS 'The code in use today for the same area: itself, or the one authority that replaced it; null when it was split.';
COMMENT ON COLUMN marts.area_profiles.population_2011 IS 'Usual residents at the 2011 Census (Defra RUC file; summed over its 2011 districts when derived).';
COMMENT ON COLUMN marts.area_profiles.rural_population_pct_2011 IS '% of 2011 residents living in rural areas or rural-related hub towns: the figure Defra classifies districts by.';
COMMENT ON COLUMN marts.area_profiles.ruc_code IS 'Defra RUC 2011 district class code: 1 Mainly Rural, 2 Largely Rural, 3 Urban with Significant Rural, 4 Urban with City and Town, 5 Urban with Minor Conurbation, 6 Urban with Major Conurbation.';
COMMENT ON COLUMN marts.area_profiles.ruc_class IS '6-fold rural–urban class, e.g. ''Mainly Rural'' (Defra''s label without its threshold note).';
COMMENT ON COLUMN marts.area_profiles.ruc_broad_class IS 'Broad 3-fold class: ''Predominantly Rural'' (classes 1–2), ''Urban with Significant Rural'' (3), ''Predominantly Urban'' (4–6); from the source, ONS on current codes, or the derived 6-fold class, in that order.';
COMMENT ON COLUMN marts.area_profiles.ruc_derived IS 'True when the 6-fold class was derived here, not published: the area did not exist in 2011 (e.g. Cumberland, North Yorkshire, Buckinghamshire) or is a county. Method: Defra''s thresholds on the summed 2011 populations of the 2011 districts inside it — rural including hub towns ≥ 80% Mainly Rural, 50–79% Largely Rural, 26–49% Urban with Significant Rural; under 26%, Urban with Major (Minor) Conurbation when ≥ 50% live in a major (minor) conurbation, else Urban with City and Town. The rule reproduces the published class of all 326 districts of 2011. Not an official classification.';
COMMENT ON COLUMN marts.area_profiles.ruc_method IS 'Where the class comes from, naming the 2011 districts it was derived from; for the one historic area with no class, why.';
COMMENT ON COLUMN marts.area_profiles.imd_rank_of_average_score IS 'IoD 2019 rank of the district''s average IMD score among the 317 districts of 2019 (1 = most deprived); null for an area the district summary does not list (created since 2019, a county).';
COMMENT ON COLUMN marts.area_profiles.imd_average_score IS 'IoD 2019 average IMD score of the district (population-weighted mean of its LSOA scores; higher = more deprived); null as the rank.';
COMMENT ON COLUMN marts.area_profiles.imd_pct_lsoas_most_deprived_10 IS '% of its LSOAs among the 10% most deprived in England (IMD 2019): the district summary''s proportion, or computed from the LSOA deciles for other areas (the two agree to 4 decimals on every 2019 district).';
COMMENT ON COLUMN marts.area_profiles.imd_basis IS 'Where the deprivation figures come from: the IoD 2019 district summary, or computed from the LSOA deciles.';
COMMENT ON COLUMN marts.area_profiles.lsoas IS 'Number of 2011 LSOAs inside the area.';
COMMENT ON COLUMN marts.area_profiles.pct_lsoas_rural IS '% of its 2011 LSOAs classed rural (RUC 2011 D1–E2): the local figure to read a provider''s share of rural learners against.';
