-- staging.area_districts: which lower-tier districts, of any vintage since 2011, lie inside each local
-- authority: a district itself, the current authority that replaced it (whole-district successors),
-- its county, and a county abolished since 2019 (through the unitaries that replaced it). Reference
-- figures published for old districts (2011 populations, IMD 2019) add up to the areas of today
-- through it.
CREATE OR REPLACE TABLE staging.area_districts AS
WITH districts AS (
    SELECT area_code AS district_code, county_code, successor_code FROM staging.areas WHERE tier <> 'county'
),
containing AS (
    SELECT district_code, district_code AS area_code, 'itself' AS relation FROM districts
    UNION ALL
    SELECT district_code, unnest(string_split(successor_code, ';')), 'successor' FROM districts WHERE successor_code <> district_code
    UNION ALL
    SELECT district_code, county_code, 'county' FROM districts WHERE county_code IS NOT NULL
),
in_abolished_counties AS (
    SELECT c.district_code, a.area_code, 'abolished county' AS relation
    FROM containing AS c
    JOIN staging.areas AS a ON a.tier = 'county' AND NOT a.is_current AND list_contains(string_split(a.successor_code, ';'), c.area_code)
)
SELECT area_code, district_code, relation
FROM (SELECT * FROM containing UNION ALL SELECT * FROM in_abolished_counties)
WHERE area_code IN (SELECT area_code FROM staging.areas)
-- a district both succeeded by and 'in the county of' a new unitary is listed once, as its successor's
QUALIFY row_number() OVER (PARTITION BY area_code, district_code ORDER BY relation = 'itself' DESC, relation = 'successor' DESC) = 1
ORDER BY area_code, district_code;

COMMENT ON TABLE staging.area_districts IS 'Lower-tier districts (any code since 2011) lying inside each local authority, to add up figures published for old districts to the areas of today.';
COMMENT ON COLUMN staging.area_districts.area_code IS 'The containing local authority (district, unitary, county; current or historic).';
COMMENT ON COLUMN staging.area_districts.district_code IS 'A lower-tier district code inside it.';
COMMENT ON COLUMN staging.area_districts.relation IS '''itself'', ''successor'' (the district was replaced by the area), ''county'' (the area is its county) or ''abolished county''.';
