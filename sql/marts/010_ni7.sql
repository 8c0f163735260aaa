-- marts.ni7: NI7 % positive per area and year (method and disclosure control: sql/staging/030_ni7_groups.sql).
CREATE OR REPLACE TABLE marts.ni7 AS
SELECT g.group_code AS area_code, a.area_name, g.survey_year, g.respondents, g.positive,
       g.pct_positive, g.ci_low, g.ci_high, g.suppressed, g.suppression
FROM staging.ni7_groups AS g
LEFT JOIN staging.areas AS a ON a.area_code = g.group_code
WHERE g.level = 'area'
ORDER BY area_code, survey_year;
