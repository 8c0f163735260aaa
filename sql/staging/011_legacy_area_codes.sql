-- staging.legacy_area_codes: pre-2011 ONS (SNAC) local-authority codes, as NI7 files of 2008–2010
-- carry them (`00HB` Bristol, `37UJ` Rushcliffe, county `15` Cornwall), and the GSS code a row is
-- stored under: the same authority's own code where it is a known area; else, for an authority
-- abolished on 1 April 2009, its successor only when the successor covers exactly the same area
-- (it was that successor's only predecessor of its level: a county that became one unitary, a
-- district that became a unitary on its own). Otherwise `area_code` is NULL and `reason` says why,
-- and a row carrying the code is quarantined. Source: reference/geography/legacy (ONS, OGL v3).
CREATE OR REPLACE TABLE staging.legacy_area_codes AS
WITH legacy AS (
    SELECT *, entity_type = 'county' AS is_county
    FROM read_csv(getvariable('reference_dir') || '/geography/legacy/legacy_la_codes_england.csv', all_varchar = true)
),
predecessors AS (  -- how many old authorities of each level a 2009 successor took over
    SELECT successor_gss_2009, is_county, count(*) AS n
    FROM legacy WHERE code_in_use LIKE 'until 2009-03-31%'
    GROUP BY ALL
)
SELECT
    l.legacy_code,
    l.legacy_name,
    CASE
        WHEN a.area_code IS NOT NULL THEN l.gss_code
        WHEN l.code_in_use LIKE 'until 2009-03-31%' AND l.successor_gss_2009 NOT LIKE '%;%' AND p.n = 1 THEN l.successor_gss_2009
    END AS area_code,
    CASE
        WHEN a.area_code IS NOT NULL OR (l.code_in_use LIKE 'until 2009-03-31%' AND l.successor_gss_2009 NOT LIKE '%;%' AND p.n = 1) THEN NULL
        WHEN l.successor_gss_2009 LIKE '%;%'
            THEN 'split in 2009 between ' || replace(l.successor_name_2009, ';', ' and ') || ': no one successor covers its area'
        ELSE 'merged in 2009 with its neighbours into ' || l.successor_name_2009 || ', which covers a larger area'
    END AS reason
FROM legacy AS l
LEFT JOIN staging.areas AS a ON a.area_code = l.gss_code
LEFT JOIN predecessors AS p ON p.successor_gss_2009 = l.successor_gss_2009 AND p.is_county = l.is_county
ORDER BY l.legacy_code;

COMMENT ON TABLE staging.legacy_area_codes IS 'Pre-2011 ONS (SNAC) local-authority codes, as NI7 files of 2008–2010 carry them, with the GSS code a row carrying one is stored under. Source: reference/geography/legacy (ONS, OGL v3).';
COMMENT ON COLUMN staging.legacy_area_codes.legacy_code IS 'The pre-2011 code, e.g. 00HB.';
COMMENT ON COLUMN staging.legacy_area_codes.legacy_name IS 'The authority''s name.';
COMMENT ON COLUMN staging.legacy_area_codes.area_code IS 'The GSS code a row carrying it is stored under; null when none covers exactly the same area.';
COMMENT ON COLUMN staging.legacy_area_codes.reason IS 'Why area_code is null (split or merged in 2009); null otherwise.';
