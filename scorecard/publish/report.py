"""The HTML scorecard report: warehouse/reports/index.html, one page per scorecard (framework ×
entity × year) and a data-quality page. Self-contained: styles are inside each page, charts are
inline SVG, there are no scripts and nothing is fetched, so a page opens from disk with no network.

Incremental: a page is written only when what it shows changed. Its fingerprint is an md5 of the
rows of every query it shows (for a scorecard page, the rows of its framework, entity and year —
computed in DuckDB, grouped by page), of the warehouse path it names and of this module and the
templates. `.manifest.json` in the report folder holds, for each page file, the fingerprint it was
written with. The footer's stamps (published at, run, loaded at) are not in the fingerprint: they
say when the page was last written, so a page whose contents did not change keeps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from scorecard.kinds import KINDS
from scorecard.publish.safe_output import file_name, inside
from scorecard.warehouse.audit import QUARANTINE_RULES
from scorecard.warehouse.connect import connect

SOURCE = Path(__file__)
TEMPLATES = SOURCE.parent / "templates"
MANIFEST = ".manifest.json"
INDEX, QUALITY = "index.html", "quality.html"
SCORECARDS = "scorecards"  # the folder of the scorecard pages, in the report folder
# A direction of travel resting on too few indicators ("not comparable") gets no arrow.
ARROWS = {"improving": "▲", "declining": "▼", "no change": "▶", "first year": "●", "not comparable": ""}
MEASURE_LABELS = {
    "ni7_pct_positive": "NI7 % positive",
    "relationship_good_pct_agree": "relationship poll % agree",
    "deprivation_reach_ratio": "reach ratio",
}
SIDES = (("sector", "Sector representatives"), ("public_body", "Public bodies"), ("agreed", "Agreed by the panel"))

Row = dict[str, Any]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Query:
    """Rows the report shows, and which scorecard pages show each row: `page_key` maps fields of a
    scorecard page's key (framework, entity_code, year) to the columns holding them, and a row is on
    every page that matches it on those fields. Empty: the rows are on no scorecard page."""

    sql: str
    order_by: str
    page_key: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    name: str  # the file, relative to the report folder
    fingerprint: str
    key: Key = ()  # (framework, entity_code, year) of a scorecard page


@dataclass(frozen=True)
class ReportResult:
    pages: list[Path]  # every page of the report, index.html first
    rendered: int  # pages written by this build
    kept: int  # pages left as they were: nothing they show changed
    removed: int  # pages deleted: their scorecard is no longer in the warehouse


def sources_sql() -> str:
    """The files each entity's rows came from, over the staging table of every survey kind."""
    return " UNION ".join(f"SELECT {kind.entity_column} AS entity_code, source_file FROM {kind.staging_table}" for kind in KINDS.values())


BY_SCORECARD = {"framework": "framework", "entity_code": "entity_code", "year": "year"}
BY_FRAMEWORK_ENTITY = {"framework": "framework", "entity_code": "entity_code"}
BY_AREA = {"entity_code": "area_code"}
BY_PROVIDER = {"entity_code": "ukprn"}

QUERIES = {
    "totals": Query(
        """SELECT t.*, f.framework_name, f.entity, f.framework_indicators, f.min_indicators_compared,
                  coalesce(a.area_name, p.provider_name, t.entity_code) AS entity_name,
                  coalesce(a.region_code, p.region_code) AS region_code, coalesce(a.region_name, p.region_name) AS region_name
           FROM marts.scorecard_totals t
           JOIN (SELECT framework, any_value(framework_name) AS framework_name, any_value(entity) AS entity,
                        count(*) AS framework_indicators, any_value(min_indicators_compared) AS min_indicators_compared
                 FROM staging.framework_indicators GROUP BY framework) f USING (framework)
           LEFT JOIN staging.areas a ON a.area_code = t.entity_code
           LEFT JOIN staging.provider_register p ON p.ukprn = t.entity_code""",
        "framework, entity_name, entity_code, year",
        BY_SCORECARD,
    ),
    # Every scorecard page charts its entity's totals over the years.
    "history": Query(
        """SELECT framework, entity_code, year, total_score, max_score, direction_of_travel, change, indicators_compared
           FROM marts.scorecard_totals""",
        "framework, entity_code, year",
        BY_FRAMEWORK_ENTITY,
    ),
    "indicators": Query("SELECT * FROM marts.indicator_scores", "framework, entity_code, year, position", BY_SCORECARD),
    "returned": Query(
        """SELECT framework, entity_code, year, assessor, count(*) AS indicators,
                  string_agg(DISTINCT source_file, ', ' ORDER BY source_file) AS files
           FROM staging.assessment_scores GROUP BY ALL""",
        "framework, entity_code, year, assessor",
        BY_SCORECARD,
    ),
    # Survey evidence: every year of the entity's surveys, on each of its pages.
    "ni7": Query(
        "SELECT * FROM marts.ni7",
        "area_code, survey_year",
        BY_AREA,
    ),
    "gaps": Query("SELECT * FROM marts.relationship_poll_gap", "area_code, survey_year, statement", BY_AREA),
    "benchmarks": Query("SELECT * FROM marts.provider_benchmarks", "ukprn, survey_year, measure", BY_PROVIDER),
    "reach": Query("SELECT * FROM marts.deprivation_reach", "ukprn, survey_year", BY_PROVIDER),
    "sources": Query(sources_sql(), "entity_code, source_file", {"entity_code": "entity_code"}),
    "run": Query("SELECT run_id, finished_at FROM audit.run_log ORDER BY finished_at DESC LIMIT 1", "finished_at DESC"),
    "files": Query(
        """SELECT file_path, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate, message FROM audit.load_log
           WHERE run_id = (SELECT run_id FROM audit.run_log ORDER BY finished_at DESC LIMIT 1)""",
        "file_path",
    ),
    "quarantine": Query(
        f"""SELECT file_path, reason, count(*) AS rows
            FROM (SELECT file_path, unnest({QUARANTINE_RULES}) AS reason FROM audit.quarantine)
            GROUP BY ALL""",
        "file_path, rows DESC, reason",  # the reason breaks ties: the same page every time
    ),
}
SCORECARD_SHOWS = [name for name, query in QUERIES.items() if query.page_key]
SHOWS = {INDEX: ["totals"], QUALITY: ["files", "quarantine"]}  # every row of these


def build_report(warehouse: Path, out_dir: Path) -> ReportResult:
    """Write the pages whose fingerprint changed or whose file is missing, each replaced atomically
    (a reader never sees half a page), then delete the pages that are gone and write the manifest."""
    inside(out_dir, SCORECARDS).mkdir(parents=True, exist_ok=True)
    existing = report_files(out_dir)
    remove_files(out_dir, {name for name in existing if name.endswith(".partial")})  # left by a build that died
    with connect(warehouse, read_only=True) as con:
        pages = plan_pages(con, warehouse)
        current = {page.name: page.fingerprint for page in pages}
        manifest = read_manifest(out_dir)
        stale = [page for page in pages if manifest.get(page.name) != page.fingerprint or page.name not in existing]
        if stale:  # pages about to be rewritten leave the manifest first: a build that dies half-way leaves them to the next
            stale_names = {page.name for page in stale}
            write_manifest(out_dir, {name: fingerprint for name, fingerprint in current.items() if name not in stale_names})
        data = load_stale_data(con, stale)
    write_pages(warehouse, out_dir, data)
    gone = {name for name in existing if name.endswith(".html")} - current.keys()
    remove_files(out_dir, gone)
    if stale or manifest != current:
        write_manifest(out_dir, current)
    return ReportResult([out_dir / page.name for page in pages], rendered=len(stale), kept=len(pages) - len(stale), removed=len(gone))


# ---- fingerprints -------------------------------------------------------------------------------


def code_fingerprint() -> str:
    """This module and the templates: a change to either rewrites every page."""
    return digest(f"{path.name}\n{path.read_text(encoding='utf-8')}" for path in [SOURCE, *sorted(TEMPLATES.glob("*.j2"))])


def digest(parts: Iterable[str]) -> str:
    return hashlib.md5("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def row_fingerprints(con: duckdb.DuckDBPyConnection, query: Query, by: Mapping[str, str]) -> dict[Key, str]:
    """An md5 of the query's rows for each value of the `by` columns (none: of all its rows, under the
    key ()), in DuckDB: the md5 of the sorted md5s of the rows as JSON, so the same rows give the same md5."""
    keys = [f"{column} AS {name}" for name, column in by.items()]
    rows = con.execute(
        f"""SELECT {", ".join([*keys, "md5(string_agg(row_md5, '' ORDER BY row_md5))"])}
            FROM (SELECT *, md5(to_json(r)::VARCHAR) AS row_md5 FROM ({query.sql}) r)
            GROUP BY ALL"""
    ).fetchall()
    return {tuple(row[:-1]): row[-1] or "" for row in rows}


def plan_pages(con: duckdb.DuckDBPyConnection, warehouse: Path) -> list[Page]:
    """Every page with its fingerprint: index.html first, the scorecards by framework, entity and year,
    quality.html last."""
    common = [code_fingerprint(), str(warehouse)]
    by_page = {name: row_fingerprints(con, QUERIES[name], QUERIES[name].page_key) for name in SCORECARD_SHOWS}
    whole = {name: row_fingerprints(con, QUERIES[name], {}).get((), "") for name in SHOWS[INDEX] + SHOWS[QUALITY]}
    scorecards = [
        Page(page_name(key), digest([*common, *(by_page[name].get(lookup(QUERIES[name], key), "") for name in SCORECARD_SHOWS)]), key)
        for key in sorted(by_page["totals"])
    ]
    return [
        Page(INDEX, digest([*common, *(whole[name] for name in SHOWS[INDEX])])),
        *scorecards,
        Page(QUALITY, digest([*common, *(whole[name] for name in SHOWS[QUALITY])])),
    ]


def lookup(query: Query, scorecard: Key) -> Key:
    """The values of the query's page-key columns in the rows a scorecard page shows."""
    fields = dict(zip(BY_SCORECARD, scorecard, strict=True))
    return tuple(fields[name] for name in query.page_key)


def scorecard_key(row: Row) -> Key:
    return tuple(row[name] for name in BY_SCORECARD)


def page_name(scorecard: Key) -> str:
    """The page's file, relative to the report folder: framework, entity and year as a safe file name."""
    return f"{SCORECARDS}/{file_name(scorecard, '.html')}"


def read_manifest(out_dir: Path) -> dict[str, str]:
    path = out_dir / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_manifest(out_dir: Path, manifest: dict[str, str]) -> None:
    write_atomically(out_dir, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


# ---- data ---------------------------------------------------------------------------------------


@dataclass
class StaleData:
    """What the stale pages show; for scorecard pages only the rows of their entities, by page key."""

    scorecards: list[Row] = field(default_factory=list)  # the totals row of each stale scorecard page
    by_page: dict[str, dict[Key, list[Row]]] = field(default_factory=dict)  # query → its rows by its page-key columns
    totals: list[Row] | None = None  # every scorecard, when index.html is stale
    quality: dict[str, list[Row]] | None = None  # files and quarantine, when quality.html is stale
    run: Row | None = None


def load_stale_data(con: duckdb.DuckDBPyConnection, stale: list[Page]) -> StaleData:
    data = StaleData(run=next(iter(fetch(con, QUERIES["run"])), None))
    stale_scorecards = {page.key for page in stale if page.key}
    if stale_scorecards:
        entities = sorted({entity for _, entity, _ in stale_scorecards})
        data.by_page = {name: grouped(fetch(con, QUERIES[name], entities), QUERIES[name].page_key.values()) for name in SCORECARD_SHOWS}
        totals = data.by_page["totals"].values()
        data.scorecards = [row for rows in totals for row in rows if scorecard_key(row) in stale_scorecards]
    stale_names = {page.name for page in stale}
    if INDEX in stale_names:
        data.totals = fetch(con, QUERIES["totals"])
    if QUALITY in stale_names:
        data.quality = {name: fetch(con, QUERIES[name]) for name in SHOWS[QUALITY]}
    return data


def fetch(con: duckdb.DuckDBPyConnection, query: Query, entities: list[str] | None = None) -> list[Row]:
    """The query's rows in the order pages show them; with `entities`, only the rows of those entities.
    NULL is None, as the templates expect."""
    where = f" WHERE {query.page_key['entity_code']} IN (SELECT unnest($entities::VARCHAR[]))" if entities is not None else ""
    cursor = con.execute(f"SELECT * FROM ({query.sql}) q{where} ORDER BY {query.order_by}", {"entities": entities} if where else None)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def grouped(rows: list[Row], columns: Iterable[str]) -> dict[Key, list[Row]]:
    """Rows by the values of the columns, in their order."""
    columns = list(columns)
    groups: dict[Key, list[Row]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[column] for column in columns)].append(row)
    return dict(groups)


# ---- pages --------------------------------------------------------------------------------------


def write_pages(warehouse: Path, out_dir: Path, data: StaleData) -> None:
    """The stale scorecard pages first, then index.html (which links to them) and quality.html."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    run = data.run
    common = {
        "published": dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC"),
        "warehouse": str(warehouse),
        "run_id": run["run_id"] if run else None,
    }
    loaded_at = run["finished_at"].strftime("%d %B %Y %H:%M UTC") if run else None
    for card in data.scorecards:
        context = scorecard_context(card, data.by_page)
        render(env, "scorecard.html.j2", out_dir, page_name(scorecard_key(card)), root="../", loaded_at=loaded_at, **context, **common)
    if data.totals is not None:
        render(env, "index.html.j2", out_dir, INDEX, frameworks=index_frameworks(data.totals), root="", **common)
    if data.quality is not None:
        render(env, "quality.html.j2", out_dir, QUALITY, root="", **data.quality, **common)


def index_frameworks(totals: list[Row]) -> list[dict[str, Any]]:
    """Each framework with its scorecards, in the order of the totals, each linked to its page."""
    frameworks: dict[str, list[Row]] = defaultdict(list)
    for row in totals:
        frameworks[row["framework"]].append({**row, "href": page_name(scorecard_key(row)), "arrow": ARROWS[row["direction_of_travel"]]})
    return [{"id": framework, "name": rows[0]["framework_name"], "rows": rows} for framework, rows in frameworks.items()]


def scorecard_context(card: Row, by_page: dict[str, dict[Key, list[Row]]]) -> dict[str, Any]:
    """What scorecard.html.j2 shows for one framework, entity and year."""
    key = scorecard_key(card)

    def shown(name: str) -> list[Row]:
        return by_page[name].get(lookup(QUERIES[name], key), [])

    indicators = [
        {**row, "evidence_label": MEASURE_LABELS.get(row["evidence_measure"], (row["evidence_measure"] or "").replace("_", " "))}
        for row in shown("indicators")
    ]
    history = shown("history")
    card = {**card, "arrow": ARROWS[card["direction_of_travel"]], "direction_class": card["direction_of_travel"].replace(" ", "-")}
    return {
        "card": card,
        "indicators": indicators,
        "history": history,
        "disputed": [row for row in indicators if row["basis"] == "disputed"],
        "chart": bar_chart(history, card["max_score"], f"{card['framework_name']}, {card['entity_name']}: total by year"),
        "ni7": shown("ni7"),
        "region_name": card["region_name"],
        "gaps": shown("gaps"),
        "benchmarks": shown("benchmarks"),
        "reach": shown("reach"),
        "sources": [row["source_file"] for row in shown("sources")],
        "returned": returned_sides(shown("returned")),
    }


def returned_sides(returned: list[Row]) -> list[Row]:
    """Which sides' scores (panel packs or assessment files) have come back for this scorecard."""
    by_side = {row["assessor"]: row for row in returned}
    return [
        {
            "side": label,
            "returned": side in by_side,
            "indicators": by_side[side]["indicators"] if side in by_side else 0,
            "files": by_side[side]["files"] if side in by_side else "",
        }
        for side, label in SIDES
    ]


def bar_chart(history: list[Row], max_score: int, label: str) -> str:
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
    summary = "; ".join(f"{row['year']}: {row['total_score']}" for row in history)
    return (
        f'<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-title">{html.escape(label)}</title>'
        f'<desc id="chart-desc">Total score out of {max_score} by year: {html.escape(summary)}</desc>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{max_score}</text>'
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>' + "".join(bars) + "</svg>"
    )


def render(env: Environment, template: str, out_dir: Path, name: str, **context: Any) -> None:
    write_atomically(out_dir, name, env.get_template(template).render(**context))


def write_atomically(out_dir: Path, name: str, text: str) -> None:
    """Write beside the file, then rename over it: a reader sees the old file or the new one, never half of one.
    Both stay inside the report folder."""
    path, partial = inside(out_dir, name), inside(out_dir, name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def report_files(out_dir: Path) -> set[str]:
    """The files in the report folder and its scorecards/ folder, relative to the report folder."""
    return {f"{folder}{entry.name}" for folder in ("", f"{SCORECARDS}/") for entry in os.scandir(out_dir / folder) if entry.is_file()}


def remove_files(out_dir: Path, names: set[str]) -> None:
    for name in names:
        inside(out_dir, name).unlink()
