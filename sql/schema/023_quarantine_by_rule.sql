-- audit.quarantine_by_rule: quarantined rows counted per file and rule, from audit.quarantine's `rules`
-- (the reasons without the values they quote), so no quarantined value reaches a summary. A row broken
-- by two rules counts under each.
CREATE OR REPLACE VIEW audit.quarantine_by_rule AS
SELECT file_path, rule, count(*) AS rows
FROM (
    SELECT file_path, unnest(coalesce(rules, ['quarantined by an earlier version: reasons in audit.quarantine'])) AS rule
    FROM audit.quarantine
)
GROUP BY ALL
ORDER BY file_path, rows DESC, rule;

COMMENT ON VIEW audit.quarantine_by_rule IS 'Quarantined rows counted per file and rule (the reasons without the values they quote: never the quarantined values). A row broken by two rules counts under each.';

COMMENT ON COLUMN audit.quarantine_by_rule.file_path IS 'The file, relative to the raw folder.';
COMMENT ON COLUMN audit.quarantine_by_rule.rule IS 'A validation rule, without the value it is about.';
COMMENT ON COLUMN audit.quarantine_by_rule.rows IS 'Quarantined rows of the file broken by the rule.';
