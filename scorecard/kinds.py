"""Import templates: the canonical columns of each survey kind and the value domain of each column.

A file whose header row uses these names loads with no mapping. The Great Expectations suite
`expectations/<kind>.json` states the rules each domain must satisfy; `normalise.py` turns the
labels people type into the codes those rules expect.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    staging_table: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    # column -> domain name understood by normalise.py
    domains: dict[str, str]
    # columns that identify one response within a file (checked for uniqueness)
    key: tuple[str, ...]
    # the column naming the area or provider a row is about
    entity_column: str

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def as_written_columns(self) -> tuple[str, ...]:
        """Lineage beside an area code stored under another code than written (a pre-2011 ONS code)."""
        return tuple(f"{column}_as_written" for column in self.columns if self.domains[column] == "area")


AGREEMENT_ITEMS = (
    "relationship_good",
    "relationship_improving",
    "views_listened_to",
    "independence_respected",
    "funding_fair",
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            name="ni7",
            description="NI7 third-sector organisations survey",
            staging_table="staging.ni7_responses",
            required=("respondent_id", "area_code", "survey_year", "influence"),
            optional=("weight", "org_type", "income_band", "funding_satisfaction"),
            domains={
                "respondent_id": "text",
                "area_code": "area",
                "survey_year": "year",
                "influence": "influence",
                "weight": "number",
                "org_type": "text",
                "income_band": "text",
                "funding_satisfaction": "agreement",
            },
            key=("respondent_id", "area_code", "survey_year"),
            entity_column="area_code",
        ),
        Kind(
            name="relationship_poll",
            description="Relationship poll between the voluntary sector and public bodies",
            staging_table="staging.relationship_poll_responses",
            required=("respondent_id", "area_code", "survey_year", "side", "relationship_good"),
            optional=(
                "relationship_improving",
                "views_listened_to",
                "independence_respected",
                "funding_fair",
                "partner_body",
            ),
            domains={
                "respondent_id": "text",
                "area_code": "area",
                "survey_year": "year",
                "side": "category",
                "partner_body": "text",
                **{item: "agreement" for item in AGREEMENT_ITEMS},
            },
            key=("respondent_id", "area_code", "survey_year"),
            entity_column="area_code",
        ),
        Kind(
            name="learner_survey",
            description="Learner survey of a learning provider",
            staging_table="staging.learner_survey_responses",
            required=("respondent_id", "ukprn", "survey_year", "overall_satisfaction"),
            optional=(
                "recommend",
                "teaching",
                "support",
                "home_lsoa",
                "age_band",
                "confidence_before",
                "confidence_now",
                "skills_before",
                "skills_now",
            ),
            domains={
                "respondent_id": "text",
                "ukprn": "code",
                "survey_year": "year",
                "overall_satisfaction": "scale",
                "recommend": "scale",
                "teaching": "scale",
                "support": "scale",
                "home_lsoa": "code",
                "age_band": "text",
                "confidence_before": "scale",
                "confidence_now": "scale",
                "skills_before": "scale",
                "skills_now": "scale",
            },
            key=("respondent_id", "ukprn", "survey_year"),
            entity_column="ukprn",
        ),
        Kind(
            name="employer_survey",
            description="Employer survey of a learning provider",
            staging_table="staging.employer_survey_responses",
            required=("respondent_id", "ukprn", "survey_year", "overall_satisfaction"),
            optional=("recommend", "employer_size", "sector"),
            domains={
                "respondent_id": "text",
                "ukprn": "code",
                "survey_year": "year",
                "overall_satisfaction": "scale",
                "recommend": "scale",
                "employer_size": "text",
                "sector": "text",
            },
            key=("respondent_id", "ukprn", "survey_year"),
            entity_column="ukprn",
        ),
        Kind(
            name="assessment",
            description="Panel scores proposed by each side or agreed",
            staging_table="staging.assessments",
            required=("framework", "entity_code", "year", "indicator_id", "assessor", "score"),
            optional=("note",),
            domains={
                "framework": "category",
                "entity_code": "code",
                "year": "year",
                "indicator_id": "code",
                "assessor": "category",
                "score": "scale",
                "note": "text",
            },
            key=("framework", "entity_code", "year", "indicator_id", "assessor"),
            entity_column="entity_code",
        ),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r}; expected one of: {', '.join(KINDS)}") from None
