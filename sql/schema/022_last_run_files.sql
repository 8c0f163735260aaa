-- audit.last_run_files: what the latest completed run did with each file (its audit.load_log rows).
CREATE OR REPLACE VIEW audit.last_run_files AS
SELECT file_path, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate, message
FROM audit.load_log
WHERE run_id = (SELECT run_id FROM audit.last_run)
ORDER BY file_path;

COMMENT ON VIEW audit.last_run_files IS 'What the latest completed run did with each file: its audit.load_log rows.';

COMMENT ON COLUMN audit.last_run_files.file_path IS 'The file, relative to the raw folder, e.g. ni7/ni7_2008_results.csv.';
COMMENT ON COLUMN audit.last_run_files.status IS '''loaded'', ''skipped_unchanged'' or ''rejected''.';
COMMENT ON COLUMN audit.last_run_files.rows_read IS 'Data rows read (= loaded + quarantined + duplicate); a text file refused before its rows could be read counts its lines, header left out.';
COMMENT ON COLUMN audit.last_run_files.rows_loaded IS 'Rows loaded into staging.';
COMMENT ON COLUMN audit.last_run_files.rows_quarantined IS 'Rows that failed validation (audit.quarantine).';
COMMENT ON COLUMN audit.last_run_files.rows_duplicate IS 'Rows repeating another row''s key within the file.';
COMMENT ON COLUMN audit.last_run_files.message IS 'Rejection reason, dropped columns, or why skipped.';
