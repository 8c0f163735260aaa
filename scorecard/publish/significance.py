"""How a survey measure compares with its benchmark, as the report shows it: a colour, and always a
symbol and a word beside it (colour is never the only signal). `better` / `similar` / `worse` for a
measure with a good direction, `higher` / `similar` / `lower` for one without (marts.measures.polarity);
no value when there is nothing to compare (suppressed, or no benchmark).

Text on each colour meets WCAG 2.2 AA for normal text (contrast at least 4.5:1), and the chart's
marks meet the 3:1 asked of graphics against the white page; tests/test_report_parts.py computes both.
"""

from __future__ import annotations

from dataclasses import dataclass

INK, PAPER = "#0b0c0c", "#ffffff"


@dataclass(frozen=True)
class Shade:
    word: str
    symbol: str
    background: str
    text: str


# GOV.UK colours; 'similar' a pale yellow so the strong colours mark what differs (as OHID Fingertips).
SHADES = {
    "better": Shade("better", "✔", "#00703c", PAPER),
    "similar": Shade("similar", "≈", "#fff2a8", INK),
    "worse": Shade("worse", "✘", "#aa2a16", PAPER),
    "higher": Shade("higher", "▲", "#003078", PAPER),
    "lower": Shade("lower", "▼", "#b6d3ec", INK),
}
NOT_COMPARED = Shade("not compared", "–", "#f3f2f1", "#505a5f")
# The trend charts' marks: the entity's value and interval, and the benchmark's line.
CHART_VALUE, CHART_BENCHMARK = "#1d70b8", "#505a5f"


def shade(significance: str | None) -> Shade:
    return SHADES.get(significance or "", NOT_COMPARED)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
