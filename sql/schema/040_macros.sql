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
-- secondary_suppression(cells, links)  the cells a total-and-parts structure must hide (below;
--                            defined in scorecard/warehouse/disclosure.py).
-- Smallest unweighted base a survey measure is published on; below it value and interval are null.
CREATE OR REPLACE MACRO min_base() AS 10;
-- Primary suppression: a cell whose unweighted base is under min_base().
CREATE OR REPLACE MACRO primary_suppression(base) AS CASE WHEN coalesce(base, 0) < min_base() THEN 'primary' END;
-- A survey value is published only on a base of at least min_base(); below it, NULL (suppressed).
CREATE OR REPLACE MACRO unless_small(value, base) AS CASE WHEN base >= min_base() THEN value END;
-- Every number that reveals a suppressed cell (value, interval, numerator, count, mean) goes through this.
CREATE OR REPLACE MACRO unless_suppressed(value, suppression) AS CASE WHEN suppression IS NULL THEN value END;
-- Secondary suppression: the table macro secondary_suppression(cells, links) is defined by
-- scorecard/warehouse/disclosure.py on the connection that runs the models (the rule needs linear
-- algebra over every total-and-parts equation of a structure, so it is written in Python, once). The
-- SQL version it replaces, stored in older warehouse files, is dropped here.
DROP MACRO TABLE IF EXISTS main.secondary_suppression;

-- A value in whole millionths, and the mean of such a total over n rounded exactly (half away from
-- zero) to 2 decimals: peer means that lie on a rounding boundary round the same way every run.
CREATE OR REPLACE MACRO micro(x) AS round(x * 1000000)::HUGEINT;
CREATE OR REPLACE MACRO rounded_mean(total_micro, n) AS
    CASE WHEN n > 0 THEN sign(total_micro) * ((abs(total_micro) * 100 + n * 500000) // (n * 1000000)) / 100.0 END;
