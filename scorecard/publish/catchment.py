"""The "Your catchment" section of a scorecard page: the entity's local profile (a provider's from
marts.provider_catchment, for the survey year nearest at or before the page's year; an area's from
marts.area_context) with England's and the region's values beside each figure
(marts.catchment_benchmarks), a one-line plain reading made from the figures, and a provider's fair
peers: the broad rural–urban class its similar-place peers share, and its nearest neighbours where
its framework asks for them (marts.provider_nearest_neighbours).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from scorecard.publish.charts import number

Row = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    column: str  # of the profile and the benchmarks; its period and interval are <column>_period, _ci_low, _ci_high
    label: str
    unit: str
    computed: bool  # England's and the region's values are computed from the reference files, not ONS's own


FIGURES = (
    Figure("rural_population_pct_2011", "Residents in rural areas or hub towns, 2011", "%", True),
    Figure("pct_lsoas_rural", "Neighbourhoods (2011 LSOAs) classed rural", "%", True),
    Figure("pct_learners_rural", "Surveyed learners living in rural neighbourhoods", "%", False),
    Figure("employment_rate", "Employment rate, residents aged 16–64", "%", False),
    Figure("inactivity_rate", "Economic inactivity, residents aged 16–64", "%", False),
    Figure("claimant_rate", "Claimant count, % of residents aged 16–64", "%", False),
    Figure("median_weekly_pay", "Median weekly pay, full-time employees living there", "£", False),
    Figure("level3_pct", "Qualified to level 3 or above, residents aged 16–64", "%", False),
    Figure("imd_pct_lsoas_most_deprived_10", "Neighbourhoods in England's most deprived 10% (IMD 2019)", "%", True),
)
# The district's class in the plain reading; {place} is "district" or "county".
CLASS_READINGS = {
    "Mainly Rural": "Mainly rural {place}",
    "Largely Rural": "Largely rural {place}",
    "Urban with Significant Rural": "Urban {place} with a significant rural population",
    "Urban with City and Town": "Urban {place} of cities and towns",
    "Urban with Minor Conurbation": "Urban {place} in a minor conurbation",
    "Urban with Major Conurbation": "Urban {place} in a major conurbation",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def catchment(card: Row, shown: dict[str, list[Row]]) -> dict[str, Any] | None:
    """What the section shows for a scorecard page, or None when the entity has no profile. `shown`
    holds the page's rows of the queries catchment, area_context, catchment_benchmarks, deprivation
    and neighbours."""
    if card["entity_type"] == "provider":
        earlier = [row for row in shown["catchment"] if row["survey_year"] <= card["year"]]
        profile = {**earlier[-1], "year": earlier[-1]["survey_year"]} if earlier else None
    else:
        profile = next(iter(shown["area_context"]), None)
    if profile is None:
        return None
    year = profile["year"]
    benchmarks = [row for row in shown["catchment_benchmarks"] if row["year"] == year]
    england = next((row for row in benchmarks if row["level"] == "England"), None)
    region = next((row for row in benchmarks if row["level"] == "region" and row["code"] == profile["region_code"]), None)
    deprived = next((row for row in shown["deprivation"] if row["survey_year"] == year), None)
    figures = [figure for figure in FIGURES if figure.column in profile]
    return {
        "profile": profile,
        "year": year,
        "england": england,
        "region": region,
        "reading": plain_reading(profile, england, deprived),
        "lines": [figure_line(figure, profile, england, region) for figure in figures],
        "rows": [figure_row(figure, profile, england, region) for figure in figures],
        "neighbours": [row for row in shown["neighbours"] if row["framework"] == card["framework"] and row["survey_year"] == year],
    }


def plain_reading(profile: Row, england: Row | None, deprived: Row | None) -> str:
    """One line in plain words, e.g. 'Mainly rural district; employment rate below England; 9.6% of
    learners from the most deprived fifth of neighbourhoods'. Employment is called below or above
    England only when England's rate lies outside the district's 95% interval."""
    place = "county" if profile["area_type"] == "county" else "district"
    cls = profile["ruc_class"]
    parts = [
        CLASS_READINGS.get(cls, f"{place.capitalize()} classed {cls}").format(place=place)
        if cls
        else f"No rural–urban class for the {place}"
    ]
    rate, low, high = (profile[f"employment_rate{end}"] for end in ("", "_ci_low", "_ci_high"))
    national = england["employment_rate"] if england else None
    if None not in (rate, low, high, national):
        side = "below" if national > high else "above" if national < low else "similar to"
        parts.append(f"employment rate {side} England")
    if deprived and not deprived["suppressed"] and deprived["pct_most_deprived_20"] is not None:
        parts.append(f"{number(deprived['pct_most_deprived_20'], '%')} of learners from the most deprived fifth of neighbourhoods")
    return "; ".join(parts)


def figure_line(figure: Figure, profile: Row, england: Row | None, region: Row | None) -> dict[str, Any]:
    """A figure as the table shows it: value, interval, period and base in words; England and region beside."""
    value = profile[figure.column]
    suppressed = figure.column == "pct_learners_rural" and bool(profile["suppressed"])
    base = f"of {profile['learners_with_lsoa']} learners with a known home LSOA" if figure.column == "pct_learners_rural" else ""
    if figure.column == "level3_pct" and profile["level3_series"]:
        base = f"{profile['level3_series']} (series not comparable across 2021/2022)"
    return {
        "label": figure.label,
        "value": None if value is None else shown(value, figure.unit),
        "suppressed": suppressed,
        "interval": interval(profile, figure),
        "period": period_text(profile.get(f"{figure.column}_period")),
        "base": base,
        "england": beside(figure, england, profile),
        "region": beside(figure, region, profile),
    }


def beside(figure: Figure, benchmark: Row | None, profile: Row) -> str:
    """England's or the region's value, its period when it differs from the district's, and 'computed'."""
    if benchmark is None or figure.column not in benchmark or benchmark[figure.column] is None:
        return "–"
    text = shown(benchmark[figure.column], figure.unit)
    period = benchmark.get(f"{figure.column}_period")
    if period and period != profile.get(f"{figure.column}_period"):
        text += f" ({period_text(period)})"
    return text + (" computed" if figure.computed else "")


def figure_row(figure: Figure, profile: Row, england: Row | None, region: Row | None) -> Row:
    """A figure as its CSV row: the marts' values as they are."""

    def of(row: Row | None, end: str = "") -> Any:
        return row.get(figure.column + end) if row else None

    return {
        "figure": figure.column,
        "label": figure.label,
        "value": of(profile),
        "ci_low": of(profile, "_ci_low"),
        "ci_high": of(profile, "_ci_high"),
        "period": of(profile, "_period"),
        "suppressed": bool(profile["suppressed"]) if figure.column == "pct_learners_rural" else None,
        "base": profile["learners_with_lsoa"] if figure.column == "pct_learners_rural" else None,
        "england": of(england),
        "england_period": of(england, "_period"),
        "region": of(region),
        "region_period": of(region, "_period"),
        "benchmarks_computed": figure.computed,
    }


def shown(value: float, unit: str) -> str:
    return f"£{value:,.2f}" if unit == "£" else number(value, unit)


def interval(profile: Row, figure: Figure) -> str:
    low, high = profile.get(f"{figure.column}_ci_low"), profile.get(f"{figure.column}_ci_high")
    return "–" if low is None or high is None else f"{shown(low, figure.unit)} to {shown(high, figure.unit)}"


def period_text(period: str | None) -> str:
    """An ONS period in words: '2023-01-01/P1Y' → 'Jan–Dec 2023', '2022-04-01/P1Y' → 'Apr 2022–Mar 2023',
    '2023-04-19' → 'April 2023' (ASHE's reference date), '2010' → '2010'; anything else as written."""
    if not period:
        return ""
    year_from = re.fullmatch(r"(\d{4})-(\d{2})-01/P1Y", period)
    if year_from:
        year, month = int(year_from[1]), int(year_from[2])
        if month == 1:
            return f"Jan–Dec {year}"
        return f"{MONTHS[month - 1]} {year}–{MONTHS[month - 2]} {year + 1}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        return dt.date.fromisoformat(period).strftime("%B %Y")
    return period
