-- audit.last_run: the latest completed run (the audit.run_log row that finished last).
CREATE OR REPLACE VIEW audit.last_run AS
SELECT * FROM audit.run_log ORDER BY finished_at DESC LIMIT 1;

COMMENT ON VIEW audit.last_run IS 'The latest completed run: the audit.run_log row that finished last (columns as in audit.run_log).';
