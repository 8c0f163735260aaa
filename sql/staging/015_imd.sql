-- staging.imd_lsoa: English Indices of Deprivation 2019 — decile of every 2011 LSOA (1 = most deprived
-- 10%) and its local authority district (2019 codes). Source: reference/deprivation (MHCLG, OGL v3).
CREATE OR REPLACE TABLE staging.imd_lsoa AS
SELECT "LSOA code (2011)" AS lsoa_code,
       "Local Authority District code (2019)" AS lad19_code,
       "Index of Multiple Deprivation (IMD) Decile"::INTEGER AS imd_decile
FROM read_csv(getvariable('reference_dir') || '/deprivation/imd2019_lsoa.csv.gz', header = true);

COMMENT ON TABLE staging.imd_lsoa IS 'English Indices of Deprivation 2019: the decile of every 2011 LSOA. Source: reference/deprivation (MHCLG, OGL v3).';
COMMENT ON COLUMN staging.imd_lsoa.lsoa_code IS '2011 LSOA code.';
COMMENT ON COLUMN staging.imd_lsoa.lad19_code IS 'Its local authority district (2019 codes).';
COMMENT ON COLUMN staging.imd_lsoa.imd_decile IS 'IMD decile: 1 = the most deprived 10% of LSOAs in England.';
