-- Wilson score interval for a proportion p (0-1) on base n, 95% (z = 1.96), in percent.
-- With survey weights, pass Kish's effective base n_eff = (Σw)² / Σw².
CREATE OR REPLACE MACRO wilson_low(p, n) AS
    CASE WHEN n > 0 THEN 100 * greatest(0, (p + 1.96^2 / (2 * n) - 1.96 * sqrt(p * (1 - p) / n + 1.96^2 / (4 * n^2))) / (1 + 1.96^2 / n)) END;
CREATE OR REPLACE MACRO wilson_high(p, n) AS
    CASE WHEN n > 0 THEN 100 * least(1, (p + 1.96^2 / (2 * n) + 1.96 * sqrt(p * (1 - p) / n + 1.96^2 / (4 * n^2))) / (1 + 1.96^2 / n)) END;
-- Disclosure control (GUIDE §4 "Small numbers"; README "Disclosure control"), written once here:
-- min_base()                 the smallest unweighted base a survey measure is published on (10);
-- primary_suppression(base)  'primary' when the base is under min_base(), else NULL;
-- unless_small(value, base)  the value, or NULL when the base is under min_base();
-- unless_suppressed(v, s)    the value, or NULL when the cell is suppressed (s = 'primary' / 'secondary');
-- secondary_suppression(cells, links)  the cells a total-and-parts structure must hide (below).
-- Smallest unweighted base a survey measure is published on; below it value and interval are null.
CREATE OR REPLACE MACRO min_base() AS 10;
-- Primary suppression: a cell whose unweighted base is under min_base().
CREATE OR REPLACE MACRO primary_suppression(base) AS CASE WHEN coalesce(base, 0) < min_base() THEN 'primary' END;
-- A survey value is published only on a base of at least min_base(); below it, NULL (suppressed).
CREATE OR REPLACE MACRO unless_small(value, base) AS CASE WHEN base >= min_base() THEN value END;
-- Every number that reveals a suppressed cell (value, interval, numerator, count, mean) goes through this.
CREATE OR REPLACE MACRO unless_suppressed(value, suppression) AS CASE WHEN suppression IS NULL THEN value END;
-- Secondary suppression. cells: a table (name as a string) of (cell VARCHAR, size BIGINT, is_primary
-- BOOLEAN) — every published cell of one structure, size its unweighted base. links: (grp VARCHAR,
-- cell VARCHAR, is_total BOOLEAN) — each total-and-parts group: its total and its parts. A total not
-- listed in cells is treated as published elsewhere (e.g. the pooled both-sides figure) and is never
-- hidden here. Repeated until nothing changes: in every group where exactly one cell (total or part)
-- is hidden, that cell could be recovered as total minus parts, so the smallest other published part
-- (ties: the lowest cell key) is hidden too — or, with no such part, the total. Returns every cell
-- with its suppression: 'primary', 'secondary' or NULL.
CREATE OR REPLACE MACRO secondary_suppression(cells, links) AS TABLE
WITH RECURSIVE
    given AS (SELECT cell, size, is_primary FROM query_table(cells)),
    grouped AS (SELECT grp, cell, is_total FROM query_table(links)),
    rounds(step, cell, size, is_primary, hidden, changed) AS (
        SELECT 0, cell, size, is_primary, is_primary, true FROM given
        UNION ALL
        (WITH state AS (SELECT * FROM rounds WHERE changed),
              member AS (
                  SELECT g.grp, g.cell, g.is_total, s.size, coalesce(s.hidden, false) AS hidden, s.cell IS NOT NULL AS listed
                  FROM grouped AS g LEFT JOIN state AS s USING (cell)),
              leaky AS (SELECT grp FROM member GROUP BY grp HAVING count(*) FILTER (WHERE hidden) = 1),
              picked AS (
                  SELECT DISTINCT arg_min(m.cell, (m.is_total, m.size, m.cell)) AS cell
                  FROM member AS m JOIN leaky USING (grp)
                  WHERE m.listed AND NOT m.hidden
                  GROUP BY m.grp)
         SELECT s.step + 1, s.cell, s.size, s.is_primary, s.hidden OR p.cell IS NOT NULL, (SELECT count(*) FROM picked) > 0
         FROM state AS s LEFT JOIN picked AS p USING (cell))
    )
SELECT cell, CASE WHEN is_primary THEN 'primary' WHEN hidden THEN 'secondary' END AS suppression
FROM rounds
WHERE step = (SELECT max(step) FROM rounds);

-- A value in whole millionths, and the mean of such a total over n rounded exactly (half away from
-- zero) to 2 decimals: peer means that lie on a rounding boundary round the same way every run.
CREATE OR REPLACE MACRO micro(x) AS round(x * 1000000)::HUGEINT;
CREATE OR REPLACE MACRO rounded_mean(total_micro, n) AS
    CASE WHEN n > 0 THEN sign(total_micro) * ((abs(total_micro) * 100 + n * 500000) // (n * 1000000)) / 100.0 END;
