"""The measure catalogue, scorecards/measures.yaml: the label, unit, polarity, survey kind, definition,
method, suppression rule and source of every survey measure the warehouse computes, in one data file. It is
loaded as staging.measures (published as marts.measures) and read by the report, the panel packs and
the framework checks (which measures an evidence rule may use).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd
import yaml

from scorecard.bounded_yaml import YamlRefused, load_yaml
from scorecard.kinds import KINDS
from scorecard.paths import SCORECARDS_DIR

MEASURES_FILE = SCORECARDS_DIR / "measures.yaml"
POLARITIES = ("higher is better", "lower is better", "no direction")
ENTITY_TYPES = ("area", "provider")
TEXT_FIELDS = ("label", "short_label", "unit", "polarity", "entity_type", "kind", "definition", "method", "suppression_rule", "source")
FLAGS = ("evidence", "contextual")  # optional, false unless set


class MeasureCatalogueError(ValueError):
    """The measure catalogue is malformed; the message names the file, the measure and the problem."""


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    short_label: str
    unit: str
    polarity: str
    entity_type: str
    kind: str  # the survey kind it is computed from (scorecard/kinds.py): its source files are that kind's
    definition: str
    method: str
    suppression_rule: str
    source: str
    evidence: bool = False  # an evidence rule may use it: marts.evidence_measures publishes it
    contextual: bool = False  # it compares the entity with its peers or its locality


def parse_measures(document: object, source: Path) -> list[Measure]:
    def fail(message: str, measure: object = None) -> MeasureCatalogueError:
        where = f" measure {str(measure)[:80]!r}:" if measure is not None else ""
        return MeasureCatalogueError(f"{source}:{where} {message}")

    if not isinstance(document, dict) or not isinstance(document.get("measures"), list) or not document["measures"]:
        raise fail("expected a mapping with a non-empty list `measures`")
    measures: list[Measure] = []
    for position, entry in enumerate(document["measures"], 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise fail(f"entry #{position} needs an `id`")
        measure_id = entry["id"]
        unknown = set(entry) - {"id", *TEXT_FIELDS, *FLAGS}
        if unknown:
            raise fail(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}", measure_id)
        missing = [name for name in TEXT_FIELDS if not isinstance(entry.get(name), str) or not entry[name].strip()]
        if missing:
            raise fail(f"missing or empty {', '.join(missing)}", measure_id)
        if entry["polarity"] not in POLARITIES:
            raise fail(f"polarity must be one of {', '.join(POLARITIES)}, not {entry['polarity'][:80]!r}", measure_id)
        if entry["entity_type"] not in ENTITY_TYPES:
            raise fail(f"entity_type must be one of {', '.join(ENTITY_TYPES)}, not {entry['entity_type'][:80]!r}", measure_id)
        if entry["kind"] not in KINDS:
            raise fail(f"kind must be one of {', '.join(KINDS)}, not {entry['kind'][:80]!r}", measure_id)
        if any(not isinstance(entry.get(flag, False), bool) for flag in FLAGS):
            raise fail(f"{' and '.join(FLAGS)} must be true or false", measure_id)
        if measure_id in {measure.id for measure in measures}:
            raise fail("appears twice", measure_id)
        measures.append(
            Measure(id=measure_id, **{name: entry[name].strip() for name in TEXT_FIELDS}, **{f: entry.get(f, False) for f in FLAGS})
        )
    return measures


def load_measures(path: Path = MEASURES_FILE) -> list[Measure]:
    try:
        document = load_yaml(path)
    except (YamlRefused, yaml.YAMLError, OSError) as error:
        raise MeasureCatalogueError(f"{path}: cannot be read: {error}") from error
    return parse_measures(document, path)


def measure_table(measures: list[Measure]) -> pd.DataFrame:
    """One row per measure, loaded as staging.measures."""
    columns = [field.name for field in fields(Measure)]
    return pd.DataFrame([[getattr(m, c) for c in columns] for m in measures], columns=columns).astype(
        {"id": "str", **dict.fromkeys(TEXT_FIELDS, "str"), **dict.fromkeys(FLAGS, "bool")}
    )
