-- The provider register, loaded each run from raw/providers/*.csv (ukprn, provider_name,
-- provider_type, area_code). Created here empty so the models run when there is no register yet.
CREATE TABLE IF NOT EXISTS staging.providers (
    ukprn VARCHAR, provider_name VARCHAR, provider_type VARCHAR, area_code VARCHAR, source_file VARCHAR
);
