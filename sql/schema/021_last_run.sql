-- audit.last_run: the latest completed run (the audit.run_log row that finished last).
CREATE OR REPLACE VIEW audit.last_run AS
SELECT * FROM audit.run_log ORDER BY finished_at DESC LIMIT 1;

COMMENT ON VIEW audit.last_run IS 'The latest completed run: the audit.run_log row that finished last (columns as in audit.run_log).';

COMMENT ON COLUMN audit.last_run.run_id IS 'The Prefect flow-run id.';
COMMENT ON COLUMN audit.last_run.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN audit.last_run.finished_at IS 'When it finished (UTC).';
COMMENT ON COLUMN audit.last_run.status IS 'Outcome of the run.';
COMMENT ON COLUMN audit.last_run.raw_dir IS 'The raw folder it read.';
COMMENT ON COLUMN audit.last_run.files_loaded IS 'Files loaded.';
COMMENT ON COLUMN audit.last_run.files_skipped IS 'Files skipped as unchanged.';
COMMENT ON COLUMN audit.last_run.files_rejected IS 'Files rejected whole.';
COMMENT ON COLUMN audit.last_run.rows_loaded IS 'Rows loaded.';
COMMENT ON COLUMN audit.last_run.rows_quarantined IS 'Rows quarantined.';
COMMENT ON COLUMN audit.last_run.rows_duplicate IS 'Duplicate rows dropped.';
COMMENT ON COLUMN audit.last_run.quarantine_purged IS 'Quarantined records this run deleted as past their retention (--keep-quarantine-days).';
