"""Scorecard framework definitions: YAML files in scorecards/, one per framework.

A framework lists its indicators (id, text) in order, the points each can score, and — for the
indicators survey evidence can inform — an evidence rule: a measure published in
`marts.evidence_measures`, how old the evidence may be, and the thresholds that turn the measure
into a suggested score.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

# Measures the evidence model (sql/marts/020_evidence_measures.sql) publishes.
EVIDENCE_MEASURES = {"ni7_pct_positive", "relationship_good_pct_agree"}


class FrameworkError(ValueError):
    """A framework definition file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    entity: str
    points_per_indicator: int
    indicators: tuple[dict, ...]
    source: Path

    @property
    def indicator_ids(self) -> list[str]:
        return [indicator["id"] for indicator in self.indicators]


def parse_framework(document: dict, source: Path) -> Framework:
    def fail(message: str) -> FrameworkError:
        return FrameworkError(f"{source}: {message}")

    if not isinstance(document, dict):
        raise fail("expected a mapping with id, name, points_per_indicator and indicators")
    for key in ("id", "name", "points_per_indicator", "indicators"):
        if key not in document:
            raise fail(f"missing {key!r}")
    points = document["points_per_indicator"]
    if not isinstance(points, int) or points < 1:
        raise fail("points_per_indicator must be a positive whole number")
    indicators = document["indicators"]
    if not isinstance(indicators, list) or not indicators:
        raise fail("indicators must be a non-empty list")
    seen: set[str] = set()
    for position, indicator in enumerate(indicators, 1):
        if not isinstance(indicator, dict) or not indicator.get("id") or not indicator.get("text"):
            raise fail(f"indicator #{position} needs an id and a text")
        indicator_id = str(indicator["id"])
        if indicator_id in seen:
            raise fail(f"indicator id {indicator_id} appears twice")
        seen.add(indicator_id)
        evidence = indicator.get("evidence")
        if evidence is not None:
            check_evidence_rule(evidence, points, lambda message: fail(f"{indicator_id}: {message}"))
    return Framework(
        id=str(document["id"]),
        name=str(document["name"]),
        entity=str(document.get("entity", "area")),
        points_per_indicator=points,
        indicators=tuple(indicators),
        source=source,
    )


def check_evidence_rule(evidence: dict, points: int, fail) -> None:
    if evidence.get("measure") not in EVIDENCE_MEASURES:
        raise fail(f"evidence measure must be one of {sorted(EVIDENCE_MEASURES)}, not {evidence.get('measure')!r}")
    thresholds = evidence.get("thresholds")
    if not isinstance(thresholds, list) or not thresholds:
        raise fail("evidence needs a list of thresholds ({from: value, score: points})")
    starts = [threshold.get("from") for threshold in thresholds]
    if any(not isinstance(start, (int, float)) for start in starts) or starts != sorted(starts):
        raise fail("evidence thresholds need numeric `from` values in ascending order")
    if any(threshold.get("score") not in range(points + 1) for threshold in thresholds):
        raise fail(f"evidence threshold scores must be whole numbers from 0 to {points}")
    max_age = evidence.get("max_age_years", 0)
    if not isinstance(max_age, int) or max_age < 0:
        raise fail("max_age_years must be a whole number of years (0 = same year only)")


def load_frameworks(directory: Path) -> list[Framework]:
    frameworks = []
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise FrameworkError(f"{path}: not valid YAML: {error}") from None
        frameworks.append(parse_framework(document, path))
    ids = [framework.id for framework in frameworks]
    duplicates = {framework_id for framework_id in ids if ids.count(framework_id) > 1}
    if duplicates:
        raise FrameworkError(f"{directory}: framework id defined more than once: {', '.join(sorted(duplicates))}")
    return frameworks


def indicator_table(frameworks: list[Framework]) -> pd.DataFrame:
    """One row per framework indicator, loaded as staging.framework_indicators."""
    rows = [
        {
            "framework": framework.id,
            "framework_name": framework.name,
            "entity": framework.entity,
            "indicator_id": str(indicator["id"]),
            "position": position,
            "indicator_text": str(indicator["text"]).strip(),
            "max_points": framework.points_per_indicator,
            "evidence_measure": (indicator.get("evidence") or {}).get("measure"),
            "evidence_description": (indicator.get("evidence") or {}).get("description"),
            "evidence_max_age_years": (indicator.get("evidence") or {}).get("max_age_years", 0),
        }
        for framework in frameworks
        for position, indicator in enumerate(framework.indicators, 1)
    ]
    text = ["framework", "framework_name", "entity", "indicator_id", "indicator_text", "evidence_measure", "evidence_description"]
    whole = ["position", "max_points", "evidence_max_age_years"]
    return pd.DataFrame(rows, columns=text + whole).astype({**{c: "str" for c in text}, **{c: "int32" for c in whole}})


def threshold_table(frameworks: list[Framework]) -> pd.DataFrame:
    """One row per evidence threshold, loaded as staging.evidence_thresholds."""
    rows = [
        {
            "framework": framework.id,
            "indicator_id": str(indicator["id"]),
            "from_value": float(threshold["from"]),
            "score": int(threshold["score"]),
        }
        for framework in frameworks
        for indicator in framework.indicators
        if indicator.get("evidence")
        for threshold in indicator["evidence"]["thresholds"]
    ]
    return pd.DataFrame(rows, columns=["framework", "indicator_id", "from_value", "score"]).astype(
        {"framework": "str", "indicator_id": "str", "from_value": "float64", "score": "int32"}
    )


def framework_indicator_pairs(frameworks: list[Framework]) -> list[list[str]]:
    return [[framework.id, indicator_id] for framework in frameworks for indicator_id in framework.indicator_ids]
