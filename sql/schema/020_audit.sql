-- One row per source file per run. For every file: rows_read = rows_loaded + rows_quarantined + rows_duplicate.
CREATE TABLE IF NOT EXISTS audit.load_log (
    run_id           VARCHAR NOT NULL,
    file_path        VARCHAR NOT NULL,   -- relative to the raw folder, e.g. ni7/ni7_2008_results.csv
    file_sha256      VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    status           VARCHAR NOT NULL CHECK (status IN ('loaded', 'skipped_unchanged', 'rejected')),
    rows_read        INTEGER NOT NULL,
    rows_loaded      INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    rows_duplicate   INTEGER NOT NULL,
    message          VARCHAR,
    loaded_at        TIMESTAMP NOT NULL,
    CHECK (rows_read = rows_loaded + rows_quarantined + rows_duplicate)
);

-- Rows that failed validation, whole, with every reason. Holds the quarantine of the version of
-- each file currently loaded (a changed file replaces its earlier quarantine along with its rows),
-- for keep_quarantine_days (default 365) after the run that loaded it (audit.run_log.started_at);
-- then a run purges it. The counts stay in audit.load_log.
CREATE TABLE IF NOT EXISTS audit.quarantine (
    run_id     VARCHAR NOT NULL,
    file_path  VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,   -- 1-based data row in the file (header rows not counted)
    kind       VARCHAR NOT NULL,
    reasons    VARCHAR NOT NULL,   -- human-readable, '; '-separated, each quoting the value it is about
                                   -- (masked where it looks like personal data)
    record     JSON NOT NULL,      -- the row's original values (template columns only; personal-looking values masked)
    rules      VARCHAR[]           -- the same reasons without the values: what summaries count and show
);
-- Warehouses published before `rules` existed gain it here (null for their rows).
ALTER TABLE audit.quarantine ADD COLUMN IF NOT EXISTS rules VARCHAR[];

-- One row per run: when, outcome and totals.
CREATE TABLE IF NOT EXISTS audit.run_log (
    run_id           VARCHAR NOT NULL,
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP NOT NULL,
    status           VARCHAR NOT NULL,
    raw_dir          VARCHAR NOT NULL,
    files_loaded     INTEGER NOT NULL,
    files_skipped    INTEGER NOT NULL,
    files_rejected   INTEGER NOT NULL,
    rows_loaded      INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    rows_duplicate   INTEGER NOT NULL
);

-- Quarantined records this run purged as past their retention. Warehouses published before the
-- column existed gain it here (0 for their runs).
ALTER TABLE audit.run_log ADD COLUMN IF NOT EXISTS quarantine_purged INTEGER DEFAULT 0;

COMMENT ON TABLE audit.load_log IS 'One row per source file per run: what the run did with it. Skipped files have all counts 0.';
COMMENT ON COLUMN audit.load_log.run_id IS 'The run (the Prefect flow-run id; audit.run_log).';
COMMENT ON COLUMN audit.load_log.file_path IS 'The file, relative to the raw folder, e.g. ni7/ni7_2008_results.csv.';
COMMENT ON COLUMN audit.load_log.file_sha256 IS 'SHA-256 of the file''s contents.';
COMMENT ON COLUMN audit.load_log.kind IS 'Survey kind (ni7, relationship_poll, learner_survey, employer_survey, assessment).';
COMMENT ON COLUMN audit.load_log.status IS '''loaded'', ''skipped_unchanged'' or ''rejected''.';
COMMENT ON COLUMN audit.load_log.rows_read IS 'Data rows read (= loaded + quarantined + duplicate); a text file refused before its rows could be read counts its lines, header left out.';
COMMENT ON COLUMN audit.load_log.rows_loaded IS 'Rows loaded into staging.';
COMMENT ON COLUMN audit.load_log.rows_quarantined IS 'Rows that failed validation (audit.quarantine).';
COMMENT ON COLUMN audit.load_log.rows_duplicate IS 'Rows repeating another row''s key within the file.';
COMMENT ON COLUMN audit.load_log.message IS 'Rejection reason, dropped columns, or why skipped.';
COMMENT ON COLUMN audit.load_log.loaded_at IS 'When (UTC).';
COMMENT ON TABLE audit.quarantine IS 'Rows that failed validation, whole, with every reason: the quarantine of the version of each file loaded now, kept keep_quarantine_days (default 365) after the run that loaded it. Values that look like personal data are masked.';
COMMENT ON COLUMN audit.quarantine.run_id IS 'The run that loaded the file.';
COMMENT ON COLUMN audit.quarantine.file_path IS 'The file, relative to the raw folder.';
COMMENT ON COLUMN audit.quarantine.row_number IS '1-based data row of the file (header not counted; blank lines are not rows).';
COMMENT ON COLUMN audit.quarantine.kind IS 'Survey kind.';
COMMENT ON COLUMN audit.quarantine.reasons IS 'Why, ''; ''-separated, each quoting the value it is about (masked where it looks like personal data).';
COMMENT ON COLUMN audit.quarantine.record IS 'JSON of the row''s original template values (personal-looking values masked).';
COMMENT ON COLUMN audit.quarantine.rules IS 'The same reasons without the values: what summaries count and show (null for rows quarantined before it existed).';
COMMENT ON TABLE audit.run_log IS 'One row per completed run: when, outcome and totals.';
COMMENT ON COLUMN audit.run_log.run_id IS 'The Prefect flow-run id.';
COMMENT ON COLUMN audit.run_log.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN audit.run_log.finished_at IS 'When it finished (UTC).';
COMMENT ON COLUMN audit.run_log.status IS 'Outcome of the run.';
COMMENT ON COLUMN audit.run_log.raw_dir IS 'The raw folder it read.';
COMMENT ON COLUMN audit.run_log.files_loaded IS 'Files loaded.';
COMMENT ON COLUMN audit.run_log.files_skipped IS 'Files skipped as unchanged.';
COMMENT ON COLUMN audit.run_log.files_rejected IS 'Files rejected whole.';
COMMENT ON COLUMN audit.run_log.rows_loaded IS 'Rows loaded.';
COMMENT ON COLUMN audit.run_log.rows_quarantined IS 'Rows quarantined.';
COMMENT ON COLUMN audit.run_log.rows_duplicate IS 'Duplicate rows dropped.';
COMMENT ON COLUMN audit.run_log.quarantine_purged IS 'Quarantined records this run deleted as past their retention (--keep-quarantine-days).';
