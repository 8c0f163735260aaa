-- Schemas of the warehouse: staging (typed survey rows with lineage, reference data), intermediate
-- (internal aggregates the marts are built from), marts (published measures and scores), audit (what
-- every run did with every file and row).
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS intermediate;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS audit;

-- Aggregates that warehouses published before the intermediate schema held in staging (now in
-- intermediate, or marts.evidence_scores).
DROP TABLE IF EXISTS staging.ni7_groups;
DROP TABLE IF EXISTS staging.provider_satisfaction;
DROP TABLE IF EXISTS staging.provider_disclosure;
DROP TABLE IF EXISTS staging.provider_measures;
DROP TABLE IF EXISTS staging.provider_answers;
DROP TABLE IF EXISTS staging.evidence_scores;
DROP TABLE IF EXISTS staging.scorecard_groups;
