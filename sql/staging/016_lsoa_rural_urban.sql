-- staging.lsoa_rural_urban: the Rural–Urban Classification 2011 of every English 2011 LSOA, to tell
-- whether a learner's home neighbourhood (home_lsoa) is rural. Welsh LSOAs are left out: learners'
-- home_lsoa must be English. Source: reference/catchment/ruc2011_lsoa11_ew.csv.gz (Defra, OGL v3).
CREATE OR REPLACE TABLE staging.lsoa_rural_urban AS
SELECT LSOA11CD AS lsoa_code,
       RUC11CD AS ruc11_code,
       RUC11 AS ruc11_class,
       RUC11_2FOLD = 'Rural' AS is_rural
FROM read_csv(getvariable('reference_dir') || '/catchment/ruc2011_lsoa11_ew.csv.gz', all_varchar = true)
WHERE LSOA11CD LIKE 'E01%'
ORDER BY lsoa_code;

COMMENT ON TABLE staging.lsoa_rural_urban IS 'Rural–Urban Classification 2011 of each English 2011 LSOA (Defra lookup, August 2013).';
COMMENT ON COLUMN staging.lsoa_rural_urban.lsoa_code IS '2011 LSOA code (E01…), as learners'' home_lsoa.';
COMMENT ON COLUMN staging.lsoa_rural_urban.ruc11_code IS 'RUC 2011 code: A1, B1, C1, C2 urban; D1, D2 (rural town and fringe), E1, E2 (rural village and dispersed) rural; the 2 marks a sparse setting.';
COMMENT ON COLUMN staging.lsoa_rural_urban.ruc11_class IS 'RUC 2011 10-fold label as Defra writes it, e.g. ''Rural village and dispersed''.';
COMMENT ON COLUMN staging.lsoa_rural_urban.is_rural IS 'True for the rural classes D1, D2, E1, E2 (Defra''s 2-fold ''Rural'').';
