-- marts.ni7: NI7 % positive per area and year (method and disclosure control: sql/intermediate/005_ni7_groups.sql),
-- beside its comparators: the area's region, shown only where at least two other areas of the region
-- have published figures that year (else null, and `region_comparison_note` says why), and all surveyed
-- areas in England pooled (not England as such: only the areas surveyed that year).
CREATE OR REPLACE TABLE marts.ni7 AS
WITH areas AS (
    SELECT g.*, a.area_name, a.region_code
    FROM intermediate.ni7_groups AS g
    LEFT JOIN staging.areas AS a ON a.area_code = g.group_code
    WHERE g.level = 'area'
),
published_neighbours AS (
    SELECT x.group_code, x.survey_year, count(y.group_code) AS others
    FROM areas AS x
    LEFT JOIN areas AS y
        ON y.region_code = x.region_code AND y.survey_year = x.survey_year AND y.group_code <> x.group_code AND NOT y.suppressed
    GROUP BY ALL
)
SELECT x.group_code AS area_code, x.area_name, x.survey_year, x.respondents, x.positive,
       x.pct_positive, x.ci_low, x.ci_high, x.suppressed, x.suppression,
       CASE WHEN n.others >= 2 THEN r.pct_positive END AS region_pct_positive,
       CASE WHEN x.region_code IS NULL THEN 'the area has no region in the reference geography'
            WHEN n.others < 2 THEN 'fewer than two other areas of the region have published figures this year'
            WHEN r.pct_positive IS NULL THEN 'the region''s figure is suppressed'
       END AS region_comparison_note,
       e.pct_positive AS all_surveyed_pct_positive
FROM areas AS x
JOIN published_neighbours AS n USING (group_code, survey_year)
LEFT JOIN intermediate.ni7_groups AS r ON r.level = 'region' AND r.group_code = x.region_code AND r.survey_year = x.survey_year
LEFT JOIN intermediate.ni7_groups AS e ON e.level = 'england' AND e.survey_year = x.survey_year
ORDER BY area_code, survey_year;

COMMENT ON TABLE marts.ni7 IS 'NI7 % positive per area and year, with the area''s region and all surveyed areas in England as comparators. Method and disclosure control: marts.measures (ni7_pct_positive).';
COMMENT ON COLUMN marts.ni7.area_code IS 'ONS (GSS) code of the local authority.';
COMMENT ON COLUMN marts.ni7.area_name IS 'Name of the local authority.';
COMMENT ON COLUMN marts.ni7.survey_year IS 'Survey year (an academic year 2023/24 is stored as 2023).';
COMMENT ON COLUMN marts.ni7.respondents IS 'Unweighted base: answers 1–5 (don''t know and blank left out); published even when suppressed.';
COMMENT ON COLUMN marts.ni7.positive IS 'Unweighted count answering very positive or positive (1–2); null when suppressed.';
COMMENT ON COLUMN marts.ni7.pct_positive IS 'Weighted % positive (missing weight = 1); null when suppressed.';
COMMENT ON COLUMN marts.ni7.ci_low IS 'Lower end of the 95% Wilson interval on Kish''s effective base, %; null when suppressed.';
COMMENT ON COLUMN marts.ni7.ci_high IS 'Upper end of the 95% Wilson interval on Kish''s effective base, %; null when suppressed.';
COMMENT ON COLUMN marts.ni7.suppressed IS 'True when the value is withheld (suppression is not null).';
COMMENT ON COLUMN marts.ni7.suppression IS '''primary'' (unweighted base under 10), ''secondary'' (withheld because published figures would reveal a primary one by differencing) or null (published).';
COMMENT ON COLUMN marts.ni7.region_pct_positive IS 'The area''s region pooled, %: shown only where at least two other areas of the region publish figures that year (else null, and region_comparison_note says why).';
COMMENT ON COLUMN marts.ni7.region_comparison_note IS 'Why region_pct_positive is null: no region, too few other published areas, or the region''s figure suppressed.';
COMMENT ON COLUMN marts.ni7.all_surveyed_pct_positive IS 'All areas surveyed that year pooled, % (not England as such).';
