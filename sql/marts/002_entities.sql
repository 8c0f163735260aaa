-- marts.entities: every area and provider the warehouse holds data about — survey rows, panel
-- assessments, or (providers) the register — with the name, tier and region a dashboard labels it by.
-- A provider's tier and region are those of its home local authority in the register.
CREATE OR REPLACE TABLE marts.entities AS
WITH framework_entities AS (
    SELECT DISTINCT framework, entity FROM staging.framework_indicators
),
assessed AS (
    SELECT DISTINCT s.entity_code, f.entity
    FROM staging.assessment_scores AS s
    JOIN framework_entities AS f USING (framework)
),
area_codes AS (
    SELECT area_code AS entity_code FROM staging.ni7_responses
    UNION SELECT area_code FROM staging.relationship_poll_responses
    UNION SELECT entity_code FROM assessed WHERE entity = 'area'
),
provider_codes AS (
    SELECT ukprn AS entity_code FROM staging.learner_survey_responses
    UNION SELECT ukprn FROM staging.employer_survey_responses
    UNION SELECT ukprn FROM staging.provider_register
    UNION SELECT entity_code FROM assessed WHERE entity = 'provider'
)
SELECT c.entity_code, 'area' AS entity_type, coalesce(a.area_name, c.entity_code) AS entity_name, a.tier, a.region_code, a.region_name,
       NULL::VARCHAR AS provider_type, NULL::BOOLEAN AS in_register
FROM area_codes AS c
LEFT JOIN staging.areas AS a ON a.area_code = c.entity_code
UNION ALL
SELECT c.entity_code, 'provider', coalesce(r.provider_name, c.entity_code), r.tier, r.region_code, r.region_name,
       r.provider_type, r.ukprn IS NOT NULL
FROM provider_codes AS c
LEFT JOIN staging.provider_register AS r ON r.ukprn = c.entity_code
ORDER BY entity_type, entity_code;

COMMENT ON TABLE marts.entities IS 'Every area (local authority) and provider the warehouse holds data about: survey rows, panel assessments or (providers) the register. One row per entity, to label any mart''s entity_code, area_code or ukprn.';
COMMENT ON COLUMN marts.entities.entity_code IS 'The area''s ONS (GSS) code, or the provider''s UKPRN.';
COMMENT ON COLUMN marts.entities.entity_type IS '''area'' or ''provider''.';
COMMENT ON COLUMN marts.entities.entity_name IS 'The area''s name (ONS), or the provider''s name in the register; the code itself when neither is known.';
COMMENT ON COLUMN marts.entities.tier IS 'Tier of local government: ''unitary'' (unitary, metropolitan district or London borough), ''county'' or ''district''; for a provider, the tier of its home local authority.';
COMMENT ON COLUMN marts.entities.region_code IS 'ONS code of the English region (a provider: of its home local authority); null when unknown.';
COMMENT ON COLUMN marts.entities.region_name IS 'Name of the English region.';
COMMENT ON COLUMN marts.entities.provider_type IS 'A provider''s type in the register (its peers share it); null for areas and unregistered providers.';
COMMENT ON COLUMN marts.entities.in_register IS 'A provider: whether its UKPRN is in raw/providers/ (false: loaded, but unregistered); null for an area.';
