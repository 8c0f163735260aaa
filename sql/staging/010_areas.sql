-- staging.areas: every English local authority code a survey may carry, current or historic,
-- with its tier, county (for districts), region and current successor (for roll-ups).
-- Source: reference/geography (ONS codes, OGL v3). getvariable('reference_dir') is set by the runner.
CREATE OR REPLACE TABLE staging.areas AS
WITH lower_tier AS (
    SELECT * FROM read_csv(getvariable('reference_dir') || '/geography/la_all_codes.csv', all_varchar = true)
    WHERE CTRYCD = 'E92000001'
),
upper_tier AS (
    SELECT * FROM read_csv(getvariable('reference_dir') || '/geography/utla_all_codes.csv', all_varchar = true)
    WHERE UTLACD LIKE 'E10%'
),
abolished AS (
    SELECT *, split_part(successor_codes, ';', 1) AS first_successor
    FROM read_csv(getvariable('reference_dir') || '/geography/abolished_counties.csv', all_varchar = true)
),
all_areas AS (
    SELECT LADCD AS area_code, LADNM AS area_name,
           CASE WHEN LADCD LIKE 'E07%' THEN UTLACD END AS county_code,
           RGNCD AS region_code, RGNNM AS region_name,
           LADCD_ACTIVE AS successor_code, Current = 'TRUE' AS is_current
    FROM lower_tier
    UNION ALL
    SELECT UTLACD, UTLANM, NULL, RGNCD, RGNNM, UTLACD, true FROM upper_tier
    UNION ALL
    SELECT a.UTLACD, a.UTLANM, NULL, l.RGNCD, l.RGNNM, a.successor_codes, false
    FROM abolished AS a LEFT JOIN lower_tier AS l ON l.LADCD = a.first_successor
)
SELECT
    area_code,
    area_name,
    CASE left(area_code, 3)
        WHEN 'E06' THEN 'unitary authority'
        WHEN 'E07' THEN 'non-metropolitan district'
        WHEN 'E08' THEN 'metropolitan district'
        WHEN 'E09' THEN 'London borough'
        WHEN 'E10' THEN 'county'
    END AS area_type,
    -- Tier of local government: single-tier areas (unitary, metropolitan, London) are 'unitary';
    -- two-tier areas have a 'county' above its 'district's.
    CASE left(area_code, 3) WHEN 'E10' THEN 'county' WHEN 'E07' THEN 'district' ELSE 'unitary' END AS tier,
    county_code,
    region_code,
    region_name,
    successor_code,   -- current code(s) that replaced it, ';'-separated; itself when current
    is_current
FROM all_areas
WHERE left(area_code, 3) IN ('E06', 'E07', 'E08', 'E09', 'E10')
QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY is_current DESC) = 1
ORDER BY area_code;

COMMENT ON TABLE staging.areas IS 'Every English local-authority code a survey may carry, current or historic, with its tier, county, region and current successor. Source: reference/geography (ONS, OGL v3).';
COMMENT ON COLUMN staging.areas.area_code IS 'ONS (GSS) code.';
COMMENT ON COLUMN staging.areas.area_name IS 'Name.';
COMMENT ON COLUMN staging.areas.area_type IS '''unitary authority'', ''non-metropolitan district'', ''metropolitan district'', ''London borough'' or ''county''.';
COMMENT ON COLUMN staging.areas.tier IS 'Tier of local government: ''unitary'' (unitary, metropolitan district or London borough), ''county'' or ''district''.';
COMMENT ON COLUMN staging.areas.county_code IS 'A district''s county; null otherwise.';
COMMENT ON COLUMN staging.areas.region_code IS 'ONS code of the English region.';
COMMENT ON COLUMN staging.areas.region_name IS 'Name of the English region.';
COMMENT ON COLUMN staging.areas.successor_code IS 'Current code(s) that replaced it, '';''-separated; itself when current.';
COMMENT ON COLUMN staging.areas.is_current IS 'True for an authority that exists now.';
