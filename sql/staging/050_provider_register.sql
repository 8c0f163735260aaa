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
