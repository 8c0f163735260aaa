"""Inline SVG charts of the report: no script, no font or image fetched. Every chart is an image with
a title and a description (ids unique on the page) saying what it shows in words, and the page shows
the same figures in a table beside it. Every text from the warehouse is escaped here: the markup is
put in the page as it is.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scorecard.publish.significance import CHART_BENCHMARK, CHART_VALUE

# A narrow drawing, so its 12px text stays legible when a phone scales it to the screen's width. The
# key (what the points and the dashed line are) is the figure's caption, in the page's text, where it wraps.
WIDTH, HEIGHT = 440, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 16, 30
MUTED = "#505a5f"


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: float | None  # None: suppressed, drawn as a gap
    ci_low: float | None
    ci_high: float | None
    benchmark: float | None


def number(value: float, unit: str) -> str:
    """A figure as the report writes it, as precise as the marts publish it: two decimal places, or for
    a percentage one unless the second is needed (a peers' mean of 36.57%; an area's 34.8%)."""
    text = f"{value:.2f}"
    if unit != "%":
        return text
    return (text[:-1] if text.endswith("0") else text) + "%"


def svg_open(chart_id: str, title: str, description: str) -> str:
    return (
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'style="max-width:{WIDTH}px" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{html.escape(title)}</title><desc id="{chart_id}-desc">{html.escape(description)}</desc>'
    )


def bar_chart(history: Sequence[dict], max_score: int, title: str, chart_id: str = "total-chart") -> str:
    """Bars of the scorecard's total by year, out of its maximum."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(history), 1)
    bars = []
    for i, row in enumerate(history):
        bar_h = plot_h * row["total_score"] / max_score if max_score else 0
        x = LEFT + i * step + step * 0.2
        y = TOP + plot_h - bar_h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" height="{bar_h:.1f}" fill="{CHART_VALUE}"/>'
            f'<text x="{x + step * 0.3:.1f}" y="{y - 3:.1f}" text-anchor="middle">{row["total_score"]}</text>'
            f'<text x="{x + step * 0.3:.1f}" y="{HEIGHT - 12}" text-anchor="middle">{row["year"]}</text>'
        )
    summary = "; ".join(f"{row['year']}: {row['total_score']}" for row in history)
    return (
        svg_open(chart_id, title, f"Total score out of {max_score} by year: {summary}")
        + axes(plot_h)
        + f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{max_score}</text>'
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end">0</text>' + "".join(bars) + "</svg>"
    )


def axes(plot_h: float) -> str:
    return (
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{MUTED}"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{MUTED}"/>'
    )


def trend_chart(points: Sequence[TrendPoint], label: str, unit: str, benchmark_label: str, chart_id: str) -> str:
    """The measure over the years: a point for each published year with its 95% interval as a whisker,
    joined only between consecutive published years (a suppressed year is a gap, marked 'suppressed',
    never a value), and the benchmark's value each year as a dashed line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM - TOP
    figures = [f for p in points for f in (p.value, p.ci_low, p.ci_high, p.benchmark) if f is not None]
    low, high = (min(figures), max(figures)) if figures else (0.0, 1.0)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    step = plot_w / max(len(points), 1)

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    marks = [axes(plot_h)]
    for tick in (low + pad, high - pad):
        marks.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{html.escape(number(tick, unit))}</text>')
    marks += line_through([(x(i), p.benchmark) for i, p in enumerate(points)], y, CHART_BENCHMARK, dashed=True)
    marks += line_through([(x(i), p.value) for i, p in enumerate(points)], y, CHART_VALUE, dashed=False)
    for i, point in enumerate(points):
        marks.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 12}" text-anchor="middle">{point.year}</text>')
        if point.value is None:
            marks.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" class="gap">suppressed</text>')
            continue
        if point.ci_low is not None and point.ci_high is not None:
            top, bottom = y(point.ci_high), y(point.ci_low)
            marks.append(
                f'<path d="M{x(i):.1f} {top:.1f}V{bottom:.1f}M{x(i) - 5:.1f} {top:.1f}h10M{x(i) - 5:.1f} {bottom:.1f}h10" '
                f'stroke="{CHART_VALUE}" stroke-width="1.5" fill="none"/>'
            )
        marks.append(f'<circle cx="{x(i):.1f}" cy="{y(point.value):.1f}" r="4.5" fill="{CHART_VALUE}"/>')
    return (
        svg_open(chart_id, f"{label}: trend with 95% intervals", trend_description(points, label, unit, benchmark_label))
        + "".join(marks)
        + "</svg>"
    )


def line_through(positions: Sequence[tuple[float, float | None]], y: Callable[[float], float], colour: str, dashed: bool) -> list[str]:
    """Lines through consecutive known values: an unknown value breaks the line. A lone benchmark value
    is a short dash at its height (a lone value of the measure is its point, drawn apart)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in positions:
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, y(value)))
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    lines = []
    for run in runs:
        if len(run) == 1 and dashed:
            run = [(run[0][0] - 10, run[0][1]), (run[0][0] + 10, run[0][1])]
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y_:.1f}" for x, y_ in run)
            lines.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    return lines


def trend_description(points: Sequence[TrendPoint], label: str, unit: str, benchmark_label: str) -> str:
    def year(point: TrendPoint) -> str:
        if point.value is None:
            return f"{point.year}: suppressed"
        interval = ""
        if point.ci_low is not None and point.ci_high is not None:
            interval = f" (95% interval {number(point.ci_low, unit)} to {number(point.ci_high, unit)})"
        benchmark = f", {benchmark_label} {number(point.benchmark, unit)}" if point.benchmark is not None else ""
        return f"{point.year}: {number(point.value, unit)}{interval}{benchmark}"

    return f"{label} by year, with {benchmark_label} as the dashed line. " + "; ".join(year(point) for point in points)
