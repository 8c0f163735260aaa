"""The measure catalogue (scorecards/measures.yaml): it loads, a malformed one is refused with the file and
measure named, and it lists exactly the measures the marts of the demo warehouse produce."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from scorecard.measures import MEASURES_FILE, MeasureCatalogueError, load_measures, parse_measures

ENTRY = {
    "id": "my_measure",
    "label": "My measure",
    "short_label": "mine",
    "unit": "%",
    "polarity": "higher is better",
    "entity_type": "area",
    "definition": "What it measures.",
    "method": "How.",
    "suppression_rule": "Base under 10.",
    "source": "A survey.",
    "kind": "ni7",
}


def test_the_shipped_catalogue_loads_with_labels_units_and_polarity():
    measures = {m.id: m for m in load_measures()}
    assert measures["ni7_pct_positive"].label == "NI7 % positive"
    assert measures["ni7_pct_positive"].unit == "%" and measures["ni7_pct_positive"].polarity == "higher is better"
    assert measures["deprivation_reach_ratio"].contextual and measures["deprivation_reach_ratio"].unit == "ratio"
    assert not measures["funding_fair_pct_agree"].evidence


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"polarity": "up is good"},
            "measure 'my_measure': polarity must be one of higher is better, lower is better, no direction, not 'up is good'",
        ),
        ({"method": None}, "measure 'my_measure': missing or empty method"),
        ({"entity_type": "region"}, "measure 'my_measure': entity_type must be one of area, provider, not 'region'"),
        ({"colour": "red"}, "measure 'my_measure': unknown field(s) colour"),
        ({"evidence": "yes"}, "measure 'my_measure': evidence and contextual must be true or false"),
        (
            {"kind": "survey"},
            "measure 'my_measure': kind must be one of ni7, relationship_poll, learner_survey, employer_survey, assessment, not 'survey'",
        ),
    ],
)
def test_a_malformed_entry_is_refused_naming_the_file_and_measure(tmp_path, change, message):
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump({"measures": [{**ENTRY, **change}]}), encoding="utf-8")
    with pytest.raises(MeasureCatalogueError) as error:
        load_measures(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_duplicate_id_is_refused(tmp_path):
    with pytest.raises(MeasureCatalogueError, match=r"measures.yaml: measure 'my_measure': appears twice"):
        parse_measures({"measures": [ENTRY, ENTRY]}, tmp_path / "measures.yaml")


def test_a_file_that_is_not_a_catalogue_is_refused(tmp_path):
    path = tmp_path / "measures.yaml"
    path.write_text("measures: [unclosed", encoding="utf-8")
    with pytest.raises(MeasureCatalogueError, match="cannot be read"):
        load_measures(path)


def produced_measures(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every measure a mart publishes values of: evidence measures, the poll's statements by side, provider benchmarks."""
    rows = con.execute(
        """SELECT measure FROM marts.evidence_measures
           UNION SELECT measure FROM marts.relationship_poll
           UNION SELECT measure FROM marts.provider_benchmarks"""
    ).fetchall()
    return {measure for (measure,) in rows}


def test_every_measure_the_marts_produce_is_catalogued_and_every_entry_is_produced(demo_warehouse):
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        produced = produced_measures(con)
        published = {m for (m,) in con.execute("SELECT measure FROM marts.measures").fetchall()}
        evidence = {m for (m,) in con.execute("SELECT DISTINCT measure FROM marts.evidence_measures").fetchall()}
    catalogue = {m.id for m in load_measures(MEASURES_FILE)}
    assert produced == catalogue
    assert published == catalogue
    assert evidence == {m.id for m in load_measures() if m.evidence}
