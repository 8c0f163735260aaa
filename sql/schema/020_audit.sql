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
