"""The HTML scorecard report: warehouse/reports/index.html, one page per scorecard (framework ×
entity × year) and a data-quality page. Self-contained: styles are inside each page, charts are
inline SVG, there are no scripts and nothing is fetched, so a page opens from disk with no network.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from scorecard.warehouse.audit import REASON_RULE
from scorecard.warehouse.connect import connect

TEMPLATES = Path(__file__).parent / "templates"
ARROWS = {"improving": "▲", "declining": "▼", "no change": "▶", "first year": "●"}
MEASURE_LABELS = {
    "ni7_pct_positive": "NI7 % positive",
    "relationship_good_pct_agree": "relationship poll % agree",
    "deprivation_reach_ratio": "reach ratio",
}


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None (not NaN/NA) for missing values, as the templates expect."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def grouped(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, list[dict]]:
    """Rows of a table as records, grouped by the key columns (tuple keys)."""
    return {(key if isinstance(key, tuple) else (key,)): records(part) for key, part in frame.groupby(keys, sort=False)}


def page_name(framework: str, entity: str, year: int) -> str:
    return f"scorecards/{framework}-{entity}-{year}.html"


def bar_chart(history: list[dict], max_score: int, label: str) -> str:
    """Inline SVG bars of the total by year, with a text alternative."""
    width, height, left, bottom, top = 560, 220, 40, 30, 12
    plot_w, plot_h = width - left - 10, height - bottom - top
    step = plot_w / max(len(history), 1)
    bars = []
    for i, row in enumerate(history):
        h = plot_h * row["total_score"] / max_score if max_score else 0
        x = left + i * step + step * 0.2
        y = top + plot_h - h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" fill="#1d70b8"/>'
            f'<text x="{x + step * 0.3:.1f}" y="{y - 3:.1f}" text-anchor="middle">{row["total_score"]}</text>'
            f'<text x="{x + step * 0.3:.1f}" y="{height - 10}" text-anchor="middle">{row["year"]}</text>'
        )
    summary = "; ".join(f'{row["year"]}: {row["total_score"]}' for row in history)
    return (
        f'<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-title">{html.escape(label)}</title>'
        f'<desc id="chart-desc">Total score out of {max_score} by year: {html.escape(summary)}</desc>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{max_score}</text>'
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>'
        + "".join(bars)
        + "</svg>"
    )


def load_report_data(warehouse: Path) -> dict[str, pd.DataFrame]:
    queries = {
        "totals": """SELECT t.*, f.framework_name, f.entity,
                            coalesce(a.area_name, p.provider_name, t.entity_code) AS entity_name,
                            coalesce(a.region_code, p.region_code) AS region_code, coalesce(a.region_name, p.region_name) AS region_name
                     FROM marts.scorecard_totals t
                     JOIN (SELECT DISTINCT framework, framework_name, entity FROM staging.framework_indicators) f USING (framework)
                     LEFT JOIN staging.areas a ON a.area_code = t.entity_code
                     LEFT JOIN staging.provider_register p ON p.ukprn = t.entity_code
                     ORDER BY framework, entity_name, year""",
        "indicators": "SELECT * FROM marts.indicator_scores ORDER BY framework, entity_code, year, position",
        "ni7": """SELECT n.*, r.pct_positive AS region_pct, e.pct_positive AS england_pct
                  FROM marts.ni7 n
                  LEFT JOIN staging.areas a USING (area_code)
                  LEFT JOIN marts.ni7_by_region r ON r.region_code = a.region_code AND r.survey_year = n.survey_year
                  LEFT JOIN marts.ni7_by_region e ON e.region_code = 'E92000001' AND e.survey_year = n.survey_year
                  ORDER BY area_code, survey_year""",
        "gaps": "SELECT * FROM marts.relationship_poll_gap ORDER BY area_code, survey_year, statement",
        "benchmarks": "SELECT * FROM marts.provider_benchmarks ORDER BY ukprn, survey_year, measure",
        "reach": "SELECT * FROM marts.deprivation_reach ORDER BY ukprn, survey_year",
        "sources": """SELECT area_code AS entity_code, source_file FROM staging.ni7_responses
                      UNION SELECT area_code, source_file FROM staging.relationship_poll_responses
                      UNION SELECT ukprn, source_file FROM staging.learner_survey_responses
                      UNION SELECT ukprn, source_file FROM staging.employer_survey_responses
                      UNION SELECT entity_code, source_file FROM staging.assessments""",
        "returned": """SELECT framework, entity_code, year, assessor, count(*) AS indicators, string_agg(DISTINCT source_file, ', ') AS files
                       FROM staging.assessment_scores GROUP BY ALL""",
        "run": "SELECT run_id, finished_at FROM audit.run_log ORDER BY finished_at DESC LIMIT 1",
        "files": """SELECT * FROM audit.load_log WHERE run_id = (SELECT run_id FROM audit.run_log ORDER BY finished_at DESC LIMIT 1)
                    ORDER BY file_path""",
        "quarantine": f"""SELECT file_path, {REASON_RULE} AS reason, count(*) AS rows
                         FROM (SELECT file_path, unnest(string_split(reasons, '; ')) AS reason FROM audit.quarantine)
                         GROUP BY ALL ORDER BY file_path, rows DESC""",
    }
    with connect(warehouse, read_only=True) as con:
        return {name: con.execute(sql).df() for name, sql in queries.items()}


def build_report(warehouse: Path, out_dir: Path) -> list[Path]:
    """Render every page into a fresh folder, then swap it in (readers never see half a report)."""
    data = load_report_data(warehouse)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    run = records(data["run"])
    common = {
        "published": dt.datetime.now(dt.timezone.utc).strftime("%d %B %Y %H:%M UTC"),
        "warehouse": str(warehouse),
        "run_id": run[0]["run_id"] if run else None,
    }
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "scorecards").mkdir(parents=True)
    written = []

    totals = data["totals"]
    frameworks = []
    for framework, rows in totals.groupby("framework", sort=False):
        rows = records(rows)
        for row in rows:
            row["href"] = page_name(row["framework"], row["entity_code"], row["year"])
            row["arrow"] = ARROWS[row["direction_of_travel"]]
        frameworks.append({"id": framework, "name": rows[0]["framework_name"], "rows": rows})
    written.append(render(env, "index.html.j2", staging / "index.html", frameworks=frameworks, root="", **common))

    sources = data["sources"].groupby("entity_code")["source_file"].apply(sorted).to_dict()
    # Split every table once by its key, rather than filtering whole tables for each page.
    indicators = grouped(data["indicators"], ["framework", "entity_code", "year"])
    returned = {key: part for key, part in data["returned"].groupby(["framework", "entity_code", "year"])}
    histories = grouped(totals, ["framework", "entity_code"])
    by_entity = {name: grouped(data[name], [column]) for name, column in
                 (("ni7", "area_code"), ("gaps", "area_code"), ("benchmarks", "ukprn"), ("reach", "ukprn"))}
    for card in records(totals):
        key = (card["framework"], card["entity_code"], card["year"])
        rows = indicators.get(key, [])
        for row in rows:
            row["evidence_label"] = MEASURE_LABELS.get(row["evidence_measure"], (row["evidence_measure"] or "").replace("_", " "))
        history = histories[(card["framework"], card["entity_code"])]
        card["arrow"] = ARROWS[card["direction_of_travel"]]
        card["direction_class"] = card["direction_of_travel"].replace(" ", "-")
        entity = card["entity_code"]
        path = staging / page_name(card["framework"], entity, card["year"])
        written.append(render(
            env, "scorecard.html.j2", path, root="../", card=card, indicators=rows, history=history,
            disputed=[r for r in rows if r["basis"] == "disputed"],
            chart=bar_chart(history, card["max_score"], f"{card['framework_name']}, {card['entity_name']}: total by year"),
            ni7=by_entity["ni7"].get((entity,), []),
            region_name=card["region_name"],
            gaps=by_entity["gaps"].get((entity,), []),
            benchmarks=by_entity["benchmarks"].get((entity,), []),
            reach=by_entity["reach"].get((entity,), []),
            sources=sources.get(entity, []),
            returned=returned_sides(returned, card["framework"], entity, card["year"]),
            loaded_at=run[0]["finished_at"].strftime("%d %B %Y %H:%M UTC") if run else None,
            **common,
        ))
    written.append(render(env, "quality.html.j2", staging / "quality.html", root="", files=records(data["files"]),
                          quarantine=records(data["quarantine"]), **common))
    swap_in(staging, out_dir)
    return [out_dir / path.relative_to(staging) for path in written]


def returned_sides(returned: dict[tuple, pd.DataFrame], framework: str, entity: str, year: int) -> list[dict]:
    """Which sides' scores (panel packs or assessment files) have come back for this scorecard."""
    mine = returned.get((framework, entity, year), pd.DataFrame(columns=["assessor", "indicators", "files"])).set_index("assessor")
    return [
        {"side": label, "returned": side in mine.index,
         "indicators": int(mine.loc[side, "indicators"]) if side in mine.index else 0,
         "files": mine.loc[side, "files"] if side in mine.index else ""}
        for side, label in (("sector", "Sector representatives"), ("public_body", "Public bodies"), ("agreed", "Agreed by the panel"))
    ]


def render(env: Environment, template: str, path: Path, **context) -> Path:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")
    return path


def swap_in(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)
