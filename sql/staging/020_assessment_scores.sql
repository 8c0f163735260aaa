-- staging.assessment_scores: one score per framework, entity, year, indicator and assessor.
-- If two files score the same thing, the most recently loaded file wins.
CREATE OR REPLACE TABLE staging.assessment_scores AS
SELECT a.framework, a.entity_code, a.year, a.indicator_id, a.assessor, a.score, a.note, a.source_file
FROM staging.assessments AS a
LEFT JOIN (
    SELECT file_path, max(loaded_at) AS loaded_at FROM audit.load_log WHERE status = 'loaded' GROUP BY file_path
) AS f ON f.file_path = a.source_file
QUALIFY row_number() OVER (
    PARTITION BY a.framework, a.entity_code, a.year, a.indicator_id, a.assessor
    ORDER BY f.loaded_at DESC NULLS LAST, a.source_file DESC, a.row_number DESC
) = 1;
