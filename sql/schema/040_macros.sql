-- Wilson score interval for a proportion p (0-1) on base n, 95% (z = 1.96), in percent.
-- With survey weights, pass Kish's effective base n_eff = (Σw)² / Σw².
CREATE OR REPLACE MACRO wilson_low(p, n) AS
    CASE WHEN n > 0 THEN 100 * greatest(0, (p + 1.96^2 / (2 * n) - 1.96 * sqrt(p * (1 - p) / n + 1.96^2 / (4 * n^2))) / (1 + 1.96^2 / n)) END;
CREATE OR REPLACE MACRO wilson_high(p, n) AS
    CASE WHEN n > 0 THEN 100 * least(1, (p + 1.96^2 / (2 * n) + 1.96 * sqrt(p * (1 - p) / n + 1.96^2 / (4 * n^2))) / (1 + 1.96^2 / n)) END;
-- Smallest unweighted base a survey measure is published on; below it value and interval are null.
CREATE OR REPLACE MACRO min_base() AS 10;
-- A survey value is published only on a base of at least min_base(); below it, NULL (suppressed).
CREATE OR REPLACE MACRO unless_small(value, base) AS CASE WHEN base >= min_base() THEN value END;
