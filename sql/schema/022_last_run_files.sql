-- audit.last_run_files: what the latest completed run did with each file (its audit.load_log rows).
CREATE OR REPLACE VIEW audit.last_run_files AS
SELECT file_path, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate, message
FROM audit.load_log
WHERE run_id = (SELECT run_id FROM audit.last_run)
ORDER BY file_path;

COMMENT ON VIEW audit.last_run_files IS 'What the latest completed run did with each file: its audit.load_log rows.';
