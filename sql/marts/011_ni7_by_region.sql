-- marts.ni7_by_region: NI7 % positive per English region, and for all surveyed areas in England
-- (region_code E92000001: the responses of every area surveyed that year pooled, not England as such). Suppression: sql/intermediate/005_ni7_groups.sql.
CREATE OR REPLACE TABLE marts.ni7_by_region AS
SELECT group_code AS region_code, group_name AS region_name, survey_year, areas, respondents, positive,
       pct_positive, ci_low, ci_high, suppressed, suppression
FROM intermediate.ni7_groups
WHERE level IN ('region', 'england')
ORDER BY level = 'england', region_code, survey_year;

COMMENT ON TABLE marts.ni7_by_region IS 'NI7 % positive pooling the responses of the areas surveyed in each English region, and of all surveyed areas in England (region_code E92000001: the areas surveyed that year, not England as such), per year.';
COMMENT ON COLUMN marts.ni7_by_region.region_code IS 'ONS code of the region; E92000001 for all surveyed areas in England.';
COMMENT ON COLUMN marts.ni7_by_region.region_name IS 'Name of the region, or ''All surveyed areas in England''.';
COMMENT ON COLUMN marts.ni7_by_region.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.ni7_by_region.areas IS 'Areas surveyed in the region that year.';
COMMENT ON COLUMN marts.ni7_by_region.respondents IS 'Unweighted base: answers 1–5.';
COMMENT ON COLUMN marts.ni7_by_region.positive IS 'Unweighted count answering very positive or positive; null when suppressed.';
COMMENT ON COLUMN marts.ni7_by_region.pct_positive IS 'Weighted % positive; null when suppressed.';
COMMENT ON COLUMN marts.ni7_by_region.ci_low IS 'Lower end of the 95% Wilson interval on Kish''s effective base, %.';
COMMENT ON COLUMN marts.ni7_by_region.ci_high IS 'Upper end of the 95% Wilson interval on Kish''s effective base, %.';
COMMENT ON COLUMN marts.ni7_by_region.suppressed IS 'True when the value is withheld (suppression is not null).';
COMMENT ON COLUMN marts.ni7_by_region.suppression IS '''primary'' (unweighted base under 10), ''secondary'' (withheld because published figures would reveal a primary one by differencing) or null (published).';
