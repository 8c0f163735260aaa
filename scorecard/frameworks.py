"""Scorecard framework definitions: YAML files in scorecards/, one per framework.

A framework lists its indicators (id, text) in order, the points each can score, and — for the
indicators survey evidence can inform — an evidence rule: a measure published in
`marts.evidence_measures`, how old the evidence may be, and the thresholds that turn the measure
into a suggested score.

Two framework options say what is published as a scorecard and when a direction of travel holds:
`scorecard_years` — `panel` (default): a year becomes a scorecard (a total, a direction of travel, a
report page) only when a panel scored it (any `sector`, `public_body` or `agreed` assessment);
`all`: every year with panel scores or usable evidence. `min_indicators_compared` — the fewest
indicators a change must be computed over for the direction of travel to count (default: half the
framework's indicators, rounded up); with fewer it is `not comparable`.

A provider framework may ask for `nearest_neighbours: {k: 3, variables: [...]}` (default: off): each
provider is compared with the mean of the k other providers whose home districts are most alike on
those context variables (CONTEXT_VARIABLES), as LG Inform's nearest neighbours
(sql/marts/105_provider_nearest_neighbours.sql has the method). Frameworks that ask for them must
ask for the same set: marts.measure_comparisons shows one nearest-neighbour benchmark per provider.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from scorecard.bounded_yaml import YamlRefused, compose_yaml, parse_yaml, yaml_text
from scorecard.measures import MEASURES_FILE, load_measures

SCORECARD_YEARS = ("panel", "all")  # the first is the default
# Framework and indicator ids name report pages, panel packs and SQL rows: a safe set of characters only.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
ID_RULE = "a letter or digit, then up to 63 letters, digits, '_', '.' or '-', without '..'"
# The home-district context a nearest-neighbour set may use: columns of marts.provider_catchment (the
# model unpivots the same names), each with the words benchmark labels use. IMD rank and average score
# are left out: ONS has none for authorities created since 2019 and for counties.
CONTEXT_VARIABLES = {
    "rural_population_pct_2011": "rural population share (2011)",
    "pct_lsoas_rural": "% of LSOAs rural",
    "imd_pct_lsoas_most_deprived_10": "% of LSOAs in the most deprived 10%",
    "employment_rate": "employment rate",
    "inactivity_rate": "economic inactivity rate",
    "claimant_rate": "claimant rate",
    "median_weekly_pay": "median weekly pay",
    "level3_pct": "% qualified to level 3+",
}
MAX_NEAREST_NEIGHBOURS = 50


def is_safe_id(value: object) -> bool:
    return (
        isinstance(value, (str, int))
        and not isinstance(value, bool)
        and ID_PATTERN.fullmatch(str(value)) is not None
        and ".." not in str(value)
    )


class FrameworkError(ValueError):
    """A framework definition file is malformed; the message names the file, the line and the problem."""

    def __init__(self, message: str, where: tuple = ()):
        super().__init__(message)
        self.where = where  # path into the document (keys and list positions) of the offending part


@dataclass(frozen=True)
class NearestNeighbours:
    k: int
    variables: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    entity: str
    points_per_indicator: int
    indicators: tuple[dict, ...]
    source: Path
    scorecard_years: str = SCORECARD_YEARS[0]
    min_indicators_compared: int | None = None  # None: half the indicators, rounded up
    nearest_neighbours: NearestNeighbours | None = None  # None: no nearest-neighbour benchmark

    @property
    def comparable_threshold(self) -> int:
        """The fewest indicators compared for a direction of travel to count."""
        if self.min_indicators_compared is not None:
            return self.min_indicators_compared
        return -(-len(self.indicators) // 2)

    @property
    def indicator_ids(self) -> list[str]:
        return [indicator["id"] for indicator in self.indicators]


def parse_framework(document: dict, source: Path) -> Framework:
    def fail(message: str, *where) -> FrameworkError:
        return FrameworkError(message, where)

    if not isinstance(document, dict):
        raise fail("expected a mapping with id, name, points_per_indicator and indicators")
    for key in ("id", "name", "points_per_indicator", "indicators"):
        if key not in document:
            raise fail(f"missing {key!r}")
    if not is_safe_id(document["id"]):
        raise fail(f"framework id {str(document['id'])[:80]!r} must be {ID_RULE}", "id")
    points = document["points_per_indicator"]
    if not isinstance(points, int) or points < 1:
        raise fail("points_per_indicator must be a positive whole number", "points_per_indicator")
    indicators = document["indicators"]
    if not isinstance(indicators, list) or not indicators:
        raise fail("indicators must be a non-empty list", "indicators")
    seen: set[str] = set()
    for position, indicator in enumerate(indicators):
        if not isinstance(indicator, dict) or not indicator.get("id") or not indicator.get("text"):
            raise fail(f"indicator #{position + 1} needs an id and a text", "indicators", position)
        indicator_id = str(indicator["id"])
        if not is_safe_id(indicator["id"]):
            raise fail(f"indicator #{position + 1}: id {indicator_id[:80]!r} must be {ID_RULE}", "indicators", position, "id")
        if indicator_id in seen:
            raise fail(f"indicator id {indicator_id} appears twice", "indicators", position)
        seen.add(indicator_id)
        evidence = indicator.get("evidence")
        if evidence is not None:
            check_evidence_rule(
                evidence,
                points,
                lambda message, *where, indicator_id=indicator_id, position=position: fail(
                    f"{indicator_id}: {message}", "indicators", position, "evidence", *where
                ),
            )
    scorecard_years = document.get("scorecard_years", SCORECARD_YEARS[0])
    if scorecard_years not in SCORECARD_YEARS:
        raise fail(
            f"scorecard_years must be {' or '.join(SCORECARD_YEARS)} (panel: only years a panel scored; "
            f"all: evidence-only years too), not {scorecard_years!r}",
            "scorecard_years",
        )
    min_compared = document.get("min_indicators_compared")
    if min_compared is not None and (
        not isinstance(min_compared, int) or isinstance(min_compared, bool) or not 1 <= min_compared <= len(indicators)
    ):
        raise fail(
            f"min_indicators_compared must be a whole number from 1 to {len(indicators)} (the number of indicators), not {min_compared!r}",
            "min_indicators_compared",
        )
    entity = str(document.get("entity", "area"))
    nearest = document.get("nearest_neighbours")
    return Framework(
        id=str(document["id"]),
        name=str(document["name"]),
        entity=entity,
        points_per_indicator=points,
        indicators=tuple(indicators),
        source=source,
        scorecard_years=scorecard_years,
        min_indicators_compared=min_compared,
        nearest_neighbours=None if nearest is None else parse_nearest_neighbours(nearest, entity, fail),
    )


def parse_nearest_neighbours(option: object, entity: str, fail) -> NearestNeighbours:
    where = "nearest_neighbours"
    if entity != "provider":
        raise fail(f"nearest_neighbours compares providers: it needs entity: provider, not {entity!r}", where)
    if not isinstance(option, dict) or set(option) != {"k", "variables"}:
        raise fail("nearest_neighbours must be a mapping with k (how many neighbours) and variables (a list), nothing else", where)
    k = option["k"]
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_NEAREST_NEIGHBOURS:
        raise fail(f"nearest_neighbours k must be a whole number from 1 to {MAX_NEAREST_NEIGHBOURS}, not {k!r}", where, "k")
    variables = option["variables"]
    if not isinstance(variables, list) or not variables:
        raise fail(f"nearest_neighbours variables must be a non-empty list of {sorted(CONTEXT_VARIABLES)}", where, "variables")
    for position, variable in enumerate(variables):
        if variable not in CONTEXT_VARIABLES:
            raise fail(
                f"nearest_neighbours variable {str(variable)[:80]!r} must be one of {sorted(CONTEXT_VARIABLES)}",
                where,
                "variables",
                position,
            )
        if variables.index(variable) != position:
            raise fail(f"nearest_neighbours variable {variable!r} appears twice", where, "variables", position)
    return NearestNeighbours(k=k, variables=tuple(variables))


@cache
def evidence_measures() -> dict[str, bool]:
    """The measures an evidence rule may use (marts.evidence_measures publishes them), each with
    whether it is contextual: from the measure catalogue, scorecards/measures.yaml."""
    return {measure.id: measure.contextual for measure in load_measures() if measure.evidence}


def check_evidence_rule(evidence: dict, points: int, fail) -> None:
    if not isinstance(evidence, dict):
        raise fail("evidence must be a mapping with measure and thresholds")
    usable = evidence_measures()
    if evidence.get("measure") not in usable:
        raise fail(f"evidence measure must be one of {sorted(usable)}, not {evidence.get('measure')!r}", "measure")
    if evidence.get("contextual") and not usable[evidence["measure"]]:
        contextual = sorted(measure for measure, is_contextual in usable.items() if is_contextual)
        raise fail(f"a contextual rule needs a measure compared with peers or locality: {contextual}", "contextual")
    thresholds = evidence.get("thresholds")
    if not isinstance(thresholds, list) or not thresholds:
        raise fail("evidence needs a list of thresholds ({from: value, score: points})", "thresholds")
    # YAML values, of any type until the line below has checked they are all numbers (so sorted() can compare them)
    starts: list[Any] = [threshold.get("from") if isinstance(threshold, dict) else None for threshold in thresholds]
    if any(not isinstance(start, (int, float)) for start in starts) or starts != sorted(starts):
        raise fail("evidence thresholds need numeric `from` values in ascending order", "thresholds")
    for position, threshold in enumerate(thresholds):
        if threshold.get("score") not in range(points + 1):
            raise fail(f"evidence threshold scores must be whole numbers from 0 to {points}", "thresholds", position)
    max_age = evidence.get("max_age_years", 0)
    if not isinstance(max_age, int) or max_age < 0:
        raise fail("max_age_years must be a whole number of years (0 = same year only)", "max_age_years")


def line_of(text: str, where: tuple) -> int | None:
    """1-based line of the YAML node at `where` (keys and list positions), as far as it exists."""
    node = compose_yaml(text)
    line = node.start_mark.line + 1 if node else None
    for step in where:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def load_frameworks(directory: Path) -> tuple[list[Framework], list[str]]:
    """Every framework file in the folder that is well formed, and one message per file that is not
    (naming the file, the line and what is wrong): a broken file never stops the others."""
    frameworks: list[Framework] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        if path.name == MEASURES_FILE.name:  # the measure catalogue lives beside the frameworks
            continue
        try:
            text = yaml_text(path)
            framework = parse_framework(parse_yaml(text), path)
        except YamlRefused as error:
            problems.append(f"{path}: {error}")
            continue
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problems.append(f"{path}: line {mark.line + 1 if mark else '?'}: not valid YAML: {getattr(error, 'problem', error)}")
            continue
        except FrameworkError as error:
            problems.append(f"{path}: line {line_of(text, error.where)}: {error}")
            continue
        if framework.id in {f.id for f in frameworks}:
            problems.append(f"{path}: framework id {framework.id!r} is already defined by another file; this one is ignored")
            continue
        other = next((f for f in frameworks if f.nearest_neighbours and framework.nearest_neighbours), None)
        if other is not None and other.nearest_neighbours != framework.nearest_neighbours:
            problems.append(
                f"{path}: line {line_of(text, ('nearest_neighbours',))}: nearest_neighbours differs from framework {other.id!r} "
                f"({other.source.name}): a provider is compared with one nearest-neighbour set, so frameworks that ask for one "
                "must ask for the same k and variables; this one is ignored"
            )
            continue
        frameworks.append(framework)
    return frameworks, problems


def indicator_table(frameworks: list[Framework]) -> pd.DataFrame:
    """One row per framework indicator, loaded as staging.framework_indicators; the framework's options
    (scorecard_years, min_indicators_compared — resolved to a number) repeat on each of its rows."""
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
            "contextual": bool((indicator.get("evidence") or {}).get("contextual", False)),
            "scorecard_years": framework.scorecard_years,
            "min_indicators_compared": framework.comparable_threshold,
        }
        for framework in frameworks
        for position, indicator in enumerate(framework.indicators, 1)
    ]
    text = ["framework", "framework_name", "entity", "indicator_id", "indicator_text", "evidence_measure", "evidence_description"]
    whole = ["position", "max_points", "evidence_max_age_years"]
    options = {"scorecard_years": "str", "min_indicators_compared": "int32"}
    return pd.DataFrame(rows, columns=text + whole + ["contextual", *options]).astype(
        {**{c: "str" for c in text}, **{c: "int32" for c in whole}, "contextual": "bool", **options}
    )


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


def nearest_neighbour_table(frameworks: list[Framework]) -> pd.DataFrame:
    """One row per framework and context variable of its nearest-neighbour set, loaded as
    staging.nearest_neighbour_variables (empty when no framework asks for nearest neighbours)."""
    rows = [
        {
            "framework": framework.id,
            "k": framework.nearest_neighbours.k,
            "variable": variable,
            "variable_label": CONTEXT_VARIABLES[variable],
            "position": position,
        }
        for framework in frameworks
        if framework.nearest_neighbours
        for position, variable in enumerate(framework.nearest_neighbours.variables, 1)
    ]
    return pd.DataFrame(rows, columns=["framework", "k", "variable", "variable_label", "position"]).astype(
        {"framework": "str", "k": "int32", "variable": "str", "variable_label": "str", "position": "int32"}
    )


def framework_indicator_pairs(frameworks: list[Framework]) -> list[list[str]]:
    return [[framework.id, indicator_id] for framework in frameworks for indicator_id in framework.indicator_ids]
