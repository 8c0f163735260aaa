-- staging.provider_register: the providers of raw/providers/ with their home area's name, tier,
-- upper-tier area (a district's county; itself otherwise) and region. One row per UKPRN: if the
-- register lists a UKPRN twice, the last file wins.
CREATE OR REPLACE TABLE staging.provider_register AS
SELECT p.ukprn, p.provider_name, p.provider_type, p.area_code, a.area_name, a.tier,
       coalesce(a.county_code, p.area_code) AS upper_tier_code,
       coalesce(c.area_name, a.area_name) AS upper_tier_name,
       a.region_code, a.region_name
FROM staging.providers AS p
LEFT JOIN staging.areas AS a ON a.area_code = p.area_code
LEFT JOIN staging.areas AS c ON c.area_code = a.county_code
QUALIFY row_number() OVER (PARTITION BY p.ukprn ORDER BY p.source_file DESC) = 1;

COMMENT ON TABLE staging.provider_register IS 'The provider register (raw/providers/), one row per UKPRN (the last file wins), with each provider''s home area, tier, upper-tier area and region.';
COMMENT ON COLUMN staging.provider_register.ukprn IS 'The provider''s UK Provider Reference Number (8 digits starting with 1).';
COMMENT ON COLUMN staging.provider_register.provider_name IS 'The provider''s name.';
COMMENT ON COLUMN staging.provider_register.provider_type IS 'The provider''s type in the register; its peers share it.';
COMMENT ON COLUMN staging.provider_register.area_code IS 'Home local authority code.';
COMMENT ON COLUMN staging.provider_register.area_name IS 'Home local authority name.';
COMMENT ON COLUMN staging.provider_register.tier IS 'Tier of the home local authority.';
COMMENT ON COLUMN staging.provider_register.upper_tier_code IS 'The upper-tier area: a district''s county, else the home area itself.';
COMMENT ON COLUMN staging.provider_register.upper_tier_name IS 'Its name.';
COMMENT ON COLUMN staging.provider_register.region_code IS 'ONS code of the English region.';
COMMENT ON COLUMN staging.provider_register.region_name IS 'Name of the English region.';
