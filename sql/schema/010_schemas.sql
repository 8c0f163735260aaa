-- Schemas of the warehouse: staging (typed survey rows with lineage), marts (published measures
-- and scores), audit (what every run did with every file and row).
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS audit;
