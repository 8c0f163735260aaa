"""The HTML scorecard report: warehouse/reports/index.html, one page per scorecard (framework ×
entity × year), a data-quality page, and beside each table of a page its rows as a CSV download
(downloads/<page>.<table>.csv). Self-contained: styles are inside each page, charts are inline SVG,
there are no scripts and nothing is fetched, so a page opens from disk with no network.

Every query is a plain select from a mart or an audit view (QUERIES): an analyst querying the
warehouse sees exactly the rows the report shows.

Incremental: a page is written only when what it shows changed. Its fingerprint is an md5 of the
rows of every query it shows (for a scorecard page, the rows of its framework, entity, year or entity
type — computed in DuckDB, grouped by page), of the warehouse path it names and of the report's code
and templates. `.manifest.json` in the report folder holds, for each page and each download, the
fingerprint of the page it was written with; a download is written and removed with its page. The
footer's stamps (published at, run, loaded at) are not in the fingerprint: they say when the page was
last written, so a page whose contents did not change keeps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from scorecard.publish.catchment import catchment
from scorecard.publish.charts import TrendPoint, bar_chart, number, trend_chart
from scorecard.publish.downloads import csv_text
from scorecard.publish.safe_output import OutputFolder, file_name, file_name_part, inside
from scorecard.publish.significance import CHART_BENCHMARK, CHART_VALUE, SHADES, shade
from scorecard.warehouse.connect import connect

SOURCE = Path(__file__)
TEMPLATES = SOURCE.parent / "templates"
# The modules that draw the pages besides this one: a change to them rewrites every page too.
DRAWING = [SOURCE.parent / name for name in ("catchment.py", "charts.py", "downloads.py", "significance.py")]
MANIFEST = ".manifest.json"
INDEX, QUALITY = "index.html", "quality.html"
SCORECARDS = "scorecards"  # the folder of the scorecard pages, in the report folder
ENTITIES_PER_BATCH = 500  # scorecard pages are loaded and written this many entities at a time (batches)
DOWNLOADS = "downloads"  # the folder of the CSV downloads: <page file stem>.<table>.csv
# A direction of travel resting on too few indicators ("not comparable") gets no arrow.
ARROWS = {"improving": "▲", "declining": "▼", "no change": "▶", "first year": "●", "not comparable": ""}
SIDES = (("sector", "Sector representatives"), ("public_body", "Public bodies"), ("agreed", "Agreed by the panel"))
# The order benchmarks are shown in (any other after these, by name); the first an entity has is the
# line on its trend charts.
BENCHMARKS = ("all_surveyed_areas", "region", "national_peers", "regional_peers")

Row = dict[str, Any]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Query:
    """Rows the report shows, and which scorecard pages show each row: `page_key` maps fields of a
    scorecard (PAGE_FIELDS, columns of marts.scorecard_totals) to the columns holding them, and a row
    is on every scorecard page that matches it on those fields. Empty: the rows are on no scorecard page,
    unless `every_page`."""

    sql: str
    order_by: str
    page_key: Mapping[str, str] = field(default_factory=dict)
    every_page: bool = False  # its rows are few and on every scorecard page (the page picks the ones it shows)


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


PAGE_FIELDS = ("framework", "entity_code", "year", "entity_type")
BY_SCORECARD = {"framework": "framework", "entity_code": "entity_code", "year": "year"}
BY_FRAMEWORK_ENTITY = {"framework": "framework", "entity_code": "entity_code"}
BY_ENTITY = {"entity_code": "entity_code"}
BY_AREA = {"entity_code": "area_code"}
BY_PROVIDER = {"entity_code": "ukprn"}

QUERIES = {
    "totals": Query("SELECT * FROM marts.scorecard_totals", "framework, entity_name, entity_code, year", BY_SCORECARD),
    # Every scorecard page charts its entity's totals over the years and links to each year's page.
    "history": Query(
        """SELECT framework, entity_code, year, total_score, max_score, direction_of_travel, change, indicators_compared
           FROM marts.scorecard_totals""",
        "framework, entity_code, year",
        BY_FRAMEWORK_ENTITY,
    ),
    "indicators": Query("SELECT * FROM marts.indicator_scores", "framework, entity_code, year, position", BY_SCORECARD),
    "indicator_definitions": Query("SELECT * FROM marts.indicators", "framework, position", {"framework": "framework"}),
    "returned": Query("SELECT * FROM marts.scorecard_returns", "framework, entity_code, year, assessor", BY_SCORECARD),
    # What each side wrote beside its score: shown with the indicators in dispute.
    "notes": Query("SELECT * FROM marts.assessment_notes", "framework, entity_code, year, indicator_id, assessor", BY_SCORECARD),
    # Survey evidence: every year of the entity's measures against their benchmarks, on each of its pages.
    "comparisons": Query(
        "SELECT * FROM marts.measure_comparisons",
        f"entity_code, measure, survey_year, list_position({list(BENCHMARKS)}, benchmark) NULLS LAST, benchmark",
        BY_ENTITY,
    ),
    "measures": Query("SELECT * FROM marts.measures", "measure", {"entity_type": "entity_type"}),
    "gaps": Query("SELECT * FROM marts.relationship_poll_gap", "area_code, survey_year, statement", BY_AREA),
    "sources": Query("SELECT * FROM marts.entity_sources", "entity_code, kind, source_file", BY_ENTITY),
    # Your catchment. A provider's page shows the survey year nearest at or before its own, so every
    # year of the provider is in the fingerprint of each of its pages.
    "catchment": Query("SELECT * FROM marts.provider_catchment", "ukprn, survey_year", BY_PROVIDER),
    "area_context": Query(
        "SELECT * FROM marts.area_context",
        "framework, area_code, year",
        {"framework": "framework", "entity_code": "area_code", "year": "year"},
    ),
    # England and the regions: a few rows, changed only with the reference files.
    "catchment_benchmarks": Query("SELECT * FROM marts.catchment_benchmarks", "year, level, code", every_page=True),
    "deprivation": Query("SELECT * FROM marts.deprivation_reach", "ukprn, survey_year", BY_PROVIDER),
    "neighbours": Query(
        "SELECT * FROM marts.provider_nearest_neighbours",
        "framework, ukprn, survey_year, rank",
        {"framework": "framework", "entity_code": "ukprn"},
    ),
    "run": Query("SELECT run_id, finished_at FROM audit.last_run", "finished_at DESC"),
    "files": Query("SELECT * FROM audit.last_run_files", "file_path"),
    "quarantine": Query("SELECT * FROM audit.quarantine_by_rule", "file_path, rows DESC, rule"),  # the rule breaks ties
}
SCORECARD_SHOWS = [name for name, query in QUERIES.items() if query.page_key or query.every_page]
SHOWS = {INDEX: ["totals"], QUALITY: ["files", "quarantine"]}  # every row of these


def build_report(warehouse: Path, out_dir: Path) -> ReportResult:
    """Write the pages whose fingerprint changed or whose file (or one of its downloads) is missing,
    each replaced atomically (a reader never sees half a page), with their downloads; then delete the
    pages and downloads that are gone and write the manifest."""
    with report_folders(out_dir) as folders:
        existing = report_files(folders)
        remove_files(folders, {name for name in existing if name.endswith(".partial")})  # left by a build that died
        with connect(warehouse, read_only=True) as con:
            pages = plan_pages(con, warehouse)
            current = {page.name: page.fingerprint for page in pages}
            manifest = read_manifest(out_dir)
            incomplete = {page_stem(name) for name in manifest if is_download(name) and name not in existing}
            stale = [
                page
                for page in pages
                if manifest.get(page.name) != page.fingerprint or page.name not in existing or page_stem(page.name) in incomplete
            ]
            stale_stems = {page_stem(page.name) for page in stale}
            fingerprints = {page_stem(page.name): page.fingerprint for page in pages}
            kept = {  # what stays as it is: the current pages not about to be rewritten, and their downloads
                name: fingerprint
                for name, fingerprint in manifest.items()
                if page_stem(name) not in stale_stems and fingerprints.get(page_stem(name)) == fingerprint
            }
            if stale:  # pages about to be rewritten leave the manifest first: a build that dies half-way leaves them to the next
                write_manifest(folders, kept)
            published = dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC")
            written: dict[str, str] = {}
            for batch in batches(stale):
                written |= write_pages(warehouse, folders, load_stale_data(con, batch), current, published)
        now = {**kept, **written}
        gone = {name for name in existing if name.endswith((".html", ".csv"))} - now.keys()
        remove_files(folders, gone)
        if now != manifest:
            write_manifest(folders, now)
        removed = len({name for name in gone if name.endswith(".html")})
        return ReportResult([out_dir / page.name for page in pages], rendered=len(stale), kept=len(pages) - len(stale), removed=removed)


# ---- fingerprints -------------------------------------------------------------------------------


def code_fingerprint() -> str:
    """The report's code and templates: a change to either rewrites every page."""
    return digest(f"{path.name}\n{path.read_text(encoding='utf-8')}" for path in [SOURCE, *DRAWING, *sorted(TEMPLATES.glob("*.j2"))])


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
    fields = con.execute(f"SELECT {', '.join(PAGE_FIELDS)} FROM ({QUERIES['totals'].sql}) ORDER BY ALL").fetchall()
    scorecards = []
    for values in fields:
        card = dict(zip(PAGE_FIELDS, values, strict=True))
        shown = (by_page[name].get(lookup(QUERIES[name], card), "") for name in SCORECARD_SHOWS)
        scorecards.append(Page(page_name(scorecard_key(card)), digest([*common, *shown]), scorecard_key(card)))
    return [
        Page(INDEX, digest([*common, *(whole[name] for name in SHOWS[INDEX])])),
        *scorecards,
        Page(QUALITY, digest([*common, *(whole[name] for name in SHOWS[QUALITY])])),
    ]


def lookup(query: Query, card: Row) -> Key:
    """The values of the query's page-key columns in the rows a scorecard page shows."""
    return tuple(card[name] for name in query.page_key)


def scorecard_key(row: Row) -> Key:
    return tuple(row[name] for name in BY_SCORECARD)


def page_name(scorecard: Key) -> str:
    """The page's file, relative to the report folder: framework, entity and year as a safe file name."""
    return f"{SCORECARDS}/{file_name(scorecard, '.html')}"


def download_name(page: str, table: str) -> str:
    """A table's CSV, relative to the report folder. Page stems and table names are safe file names
    without a dot, so the stem before the first dot says which page a download belongs to."""
    return f"{DOWNLOADS}/{Path(page).stem}.{file_name_part(table)}.csv"


def is_download(name: str) -> bool:
    return name.startswith(f"{DOWNLOADS}/")


def page_stem(name: str) -> str:
    """The file stem of the page a report file (a page or one of its downloads) belongs to."""
    return Path(name).name.split(".", 1)[0]


def read_manifest(out_dir: Path) -> dict[str, str]:
    path = out_dir / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_manifest(folders: Folders, manifest: dict[str, str]) -> None:
    write_atomically(folders, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


# ---- data ---------------------------------------------------------------------------------------


@dataclass
class StaleData:
    """What the stale pages show; for scorecard pages only the rows of their entities, by page key."""

    scorecards: list[Row] = field(default_factory=list)  # the totals row of each stale scorecard page
    by_page: dict[str, dict[Key, list[Row]]] = field(default_factory=dict)  # query → its rows by its page-key columns
    totals: list[Row] | None = None  # every scorecard, when index.html is stale
    quality: dict[str, list[Row]] | None = None  # files and quarantine, when quality.html is stale
    run: Row | None = None


def batches(stale: list[Page]) -> Iterator[list[Page]]:
    """The stale scorecard pages, ENTITIES_PER_BATCH entities at a time (every page of an entity in the
    same batch), then the index and quality pages: each batch's rows are loaded, its pages written and
    its rows let go before the next, so memory follows the batch, not the warehouse."""
    by_entity: dict[str, list[Page]] = defaultdict(list)
    for page in stale:
        if page.key:
            by_entity[page.key[1]].append(page)
    entities = sorted(by_entity)
    for start in range(0, len(entities), ENTITIES_PER_BATCH):
        yield [page for entity in entities[start : start + ENTITIES_PER_BATCH] for page in by_entity[entity]]
    others = [page for page in stale if not page.key]
    if others:
        yield others


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
    """The query's rows in the order pages show them; with `entities`, only the rows of those entities
    (of a query keyed by entity). NULL is None, as the templates expect."""
    by_entity = entities is not None and "entity_code" in query.page_key
    where = f" WHERE {query.page_key['entity_code']} IN (SELECT unnest($entities::VARCHAR[]))" if by_entity else ""
    cursor = con.execute(f"SELECT * FROM ({query.sql}) q{where} ORDER BY {query.order_by}", {"entities": entities} if by_entity else None)
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


def write_pages(warehouse: Path, folders: Folders, data: StaleData, fingerprints: dict[str, str], published: str) -> dict[str, str]:
    """The stale scorecard pages first, then index.html (which links to them) and quality.html; each
    page's downloads before the page. Returns the manifest entries of what it wrote."""
    env = RowEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["anchor"] = file_name_part  # an id made of a warehouse value: safe characters only
    env.filters["figure"] = number  # as the charts write it
    run = data.run
    common = {
        "published": published,
        "warehouse": str(warehouse),
        "run_id": run["run_id"] if run else None,
        "shades": SHADES,
        "chart_value": CHART_VALUE,
        "chart_benchmark": CHART_BENCHMARK,
    }
    loaded_at = run["finished_at"].strftime("%d %B %Y %H:%M UTC") if run else None
    written: dict[str, str] = {}

    def publish(template: str, name: str, tables: dict[str, list[Row]], **context: Any) -> None:
        links = {}
        for table, rows in tables.items():
            if rows:
                download = download_name(name, table)
                write_atomically(folders, download, csv_text(list(rows[0]), rows))
                written[download] = fingerprints[name]
                links[table] = ("../" if "/" in name else "") + download
        render(env, template, folders, name, downloads=links, **context, **common)
        written[name] = fingerprints[name]

    for card in data.scorecards:
        context = scorecard_context(card, data.by_page)
        publish("scorecard.html.j2", page_name(scorecard_key(card)), context.pop("tables"), root="../", loaded_at=loaded_at, **context)
    if data.totals is not None:
        frameworks = index_frameworks(data.totals)
        tables = {framework["id"]: framework["rows"] for framework in frameworks}
        publish("index.html.j2", INDEX, tables, frameworks=frameworks, regions=index_regions(data.totals), root="")
    if data.quality is not None:
        publish("quality.html.j2", QUALITY, data.quality, root="", **data.quality)
    return written


DICT_ATTRIBUTES = frozenset(dir(dict))


class RowEnvironment(Environment):
    """Jinja looks `row.name` up as an attribute first, so for a row (a dict) it raises and catches an
    AttributeError for every cell. A name that is no attribute of a dict is looked up as its key at
    once: the same answer (a dict has no attributes but its type's), without the exception."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def index_frameworks(totals: list[Row]) -> list[dict[str, Any]]:
    """Each framework with its entities, in the order of the totals: an entity's latest scorecard and a
    link to every year's. `rows` are the framework's totals rows, its download."""
    frameworks: dict[str, list[Row]] = defaultdict(list)
    for row in totals:
        frameworks[row["framework"]].append(row)
    listed = []
    for framework, rows in frameworks.items():
        entities = []
        for years in grouped(rows, ["entity_code"]).values():
            latest = years[-1]
            entities.append(
                {
                    **latest,
                    "arrow": ARROWS[latest["direction_of_travel"]],
                    "region_id": region_id(latest["region_code"]),
                    "years": [{"year": row["year"], "href": page_name(scorecard_key(row))} for row in years],
                }
            )
        listed.append({"id": file_name_part(framework), "name": rows[0]["framework_name"], "entities": entities, "rows": rows})
    return listed


def region_id(region_code: str | None) -> str:
    """A region as an HTML id and CSS attribute value: safe characters only."""
    return file_name_part(region_code) if region_code else "none"


def index_regions(totals: list[Row]) -> list[dict[str, str]]:
    """The regions of the index's entities, for its filter, by name."""
    names = {region_id(row["region_code"]): row["region_name"] or "No region" for row in totals}
    return [{"id": region, "name": name} for region, name in sorted(names.items(), key=lambda item: item[1])]


def scorecard_context(card: Row, by_page: dict[str, dict[Key, list[Row]]]) -> dict[str, Any]:
    """What scorecard.html.j2 shows for one framework, entity and year, and the rows behind each of
    its tables (`tables`, the page's downloads)."""

    def shown(name: str) -> list[Row]:
        return by_page[name].get(lookup(QUERIES[name], card), [])

    measures = {row["measure"]: row for row in shown("measures")}
    definitions = {row["indicator_id"]: row for row in shown("indicator_definitions")}
    indicators = [{**row, "definition": definitions.get(row["indicator_id"])} for row in shown("indicators")]
    notes = {(row["indicator_id"], row["assessor"]): row["note"] for row in shown("notes")}
    disputed = [
        {
            **row,
            "sector_note": notes.get((row["indicator_id"], "sector")),
            "public_body_note": notes.get((row["indicator_id"], "public_body")),
        }
        for row in shown("indicators")
        if row["basis"] == "disputed"
    ]
    history = shown("history")
    comparisons = shown("comparisons")
    trends = measure_trends(comparisons, measures)
    glance = at_a_glance(comparisons, card["year"])
    sources = shown("sources")
    returned = returned_sides(shown("returned"))
    local = catchment(
        card, {name: shown(name) for name in ("catchment", "area_context", "catchment_benchmarks", "deprivation", "neighbours")}
    )
    card = {**card, "arrow": ARROWS[card["direction_of_travel"]], "direction_class": card["direction_of_travel"].replace(" ", "-")}
    shown_measures = [
        m for m in measures.values() if m["measure"] in trends or any(i["evidence_measure"] == m["measure"] for i in indicators)
    ]
    return {
        "card": card,
        "indicators": indicators,
        "history": history,
        "years": year_links(history, card["year"]),
        "disputed": disputed,
        "chart": bar_chart(history, card["max_score"], f"{card['framework_name']}, {card['entity_name']}: total by year"),
        "glance": glance,
        "glance_notes": comparison_notes([row for g in glance for row in g["rows"]]),
        "benchmarks": benchmark_names(comparisons),
        "trends": trends,
        "measures": measures,
        "measure_definitions": [
            {
                **m,
                "years": sorted({row["survey_year"] for row in comparisons if row["measure"] == m["measure"]}),
                "files": [row["source_file"] for row in sources if row["kind"] == m["kind"]],
            }
            for m in shown_measures
        ],
        "gaps": shown("gaps"),
        "sources": sources,
        "returned": returned,
        "catchment": local,
        "tables": {
            "indicators": shown("indicators"),
            "disputed": disputed,
            "returned": returned,
            "totals": history,
            "compared": [row for rows in glance for row in rows["rows"]],
            **{f"trend_{trend['id']}": trend["rows"] for trend in trends.values()},
            "gaps": shown("gaps"),
            "sources": sources,
            **({"catchment": local["rows"], "neighbours": local["neighbours"]} if local else {}),
        },
    }


def year_links(history: list[Row], year: int) -> dict[str, Any]:
    """Links to every year's page of the entity in this framework, and the previous and next."""
    years = [{"year": row["year"], "href": file_name(scorecard_key(row), ".html"), "current": row["year"] == year} for row in history]
    here = next(i for i, link in enumerate(years) if link["current"])
    return {"all": years, "previous": years[here - 1] if here > 0 else None, "next": years[here + 1] if here + 1 < len(years) else None}


def benchmark_names(comparisons: list[Row]) -> list[dict[str, str]]:
    """The benchmarks the entity is compared with, in the order they are shown, with the words the page uses."""
    names = {row["benchmark"]: (row["benchmark_short_label"], row["benchmark_label"]) for row in comparisons}
    return [{"id": b, "short": names[b][0], "label": names[b][1]} for b in sorted(names, key=benchmark_rank)]


def benchmark_rank(benchmark: str) -> tuple[int, str]:
    return (BENCHMARKS.index(benchmark) if benchmark in BENCHMARKS else len(BENCHMARKS), benchmark)


def at_a_glance(comparisons: list[Row], year: int) -> list[dict[str, Any]]:
    """Each measure in its latest survey year up to the scorecard's year, against every benchmark."""
    by_measure = grouped(comparisons, ["measure"])
    glance = []
    for (measure,), rows in by_measure.items():
        years = [row["survey_year"] for row in rows if row["survey_year"] <= year]
        if years:
            latest = max(years)
            shown = [row for row in rows if row["survey_year"] == latest]
            by_benchmark = {row["benchmark"]: {**row, "shade": shade(row["significance"])} for row in shown}
            glance.append({"measure": measure, "year": latest, "first": shown[0], "rows": shown, "by_benchmark": by_benchmark})
    return glance


def comparison_notes(rows: list[Row]) -> list[str]:
    """Why figures were not compared (comparison_note), once per benchmark and note, with their years."""
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        if row["comparison_note"]:
            years[(row["benchmark_label"], row["comparison_note"])].append(row["survey_year"])
    return [f"{label}, {', '.join(map(str, sorted(set(ys))))}: {note}" for (label, note), ys in years.items()]


def measure_trends(comparisons: list[Row], measures: dict[str, Row]) -> dict[str, dict[str, Any]]:
    """Each measure of the entity over the years: its chart (against its first benchmark) and the rows
    of its table, one per year with every benchmark."""
    trends = {}
    for (measure,), rows in grouped(comparisons, ["measure"]).items():
        definition = measures.get(measure) or {"label": measure.replace("_", " "), "unit": ""}
        labels = {row["benchmark"]: row["benchmark_label"] for row in rows}
        short_labels = {row["benchmark"]: row["benchmark_short_label"] for row in rows}
        main = min(labels, key=benchmark_rank)
        years = grouped(rows, ["survey_year"])
        points = []
        for (year,), year_rows in years.items():
            first = year_rows[0]
            benchmark = next((row["benchmark_value"] for row in year_rows if row["benchmark"] == main), None)
            points.append(TrendPoint(year, first["value"], first["ci_low"], first["ci_high"], benchmark))
        chart_id = f"trend-{file_name_part(measure)}"
        trends[measure] = {
            "id": file_name_part(measure),
            "label": definition["label"],
            "unit": definition["unit"],
            "chart": trend_chart(points, definition["label"], definition["unit"], labels[main], chart_id),
            "years": [
                {"first": year_rows[0], "by_benchmark": {r["benchmark"]: {**r, "shade": shade(r["significance"])} for r in year_rows}}
                for year_rows in years.values()
            ],
            "benchmarks": [{"id": b, "short": short_labels[b], "label": labels[b]} for b in sorted(labels, key=benchmark_rank)],
            "benchmark_label": labels[main],
            "suppressed": any(point.value is None for point in points),
            "notes": comparison_notes(rows),
            "rows": rows,
        }
    return trends


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


def render(env: Environment, template: str, folders: Folders, name: str, **context: Any) -> None:
    write_atomically(folders, name, env.get_template(template).render(**context))


# ---- files --------------------------------------------------------------------------------------

Folders = dict[str, OutputFolder]  # the report folder (""), scorecards/ and downloads/, by their path in the report folder


@contextmanager
def report_folders(out_dir: Path) -> Iterator[Folders]:
    """The report folder and its folders, created if need be, each checked once and held open for the build."""
    for folder in (SCORECARDS, DOWNLOADS):
        inside(out_dir, folder).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        yield {folder: stack.enter_context(OutputFolder(out_dir, folder)) for folder in ("", SCORECARDS, DOWNLOADS)}


def in_folder(folders: Folders, name: str) -> tuple[OutputFolder, str]:
    """The folder of a report file named relative to the report folder, and its name in that folder."""
    folder, _, file = name.rpartition("/")
    return folders[folder], file


def write_atomically(folders: Folders, name: str, text: str) -> None:
    """Beside the file, then renamed over it (OutputFolder.write_atomically): a reader sees the old file or
    the new one, never half of one. Both stay inside the report folder."""
    folder, file = in_folder(folders, name)
    folder.write_atomically(file, text.encode("utf-8"))


def report_files(folders: Folders) -> set[str]:
    """The files in the report folder and its scorecards/ and downloads/ folders, relative to the report folder."""
    return {f"{path}/{file}" if path else file for path, folder in folders.items() for file in folder.files}


def remove_files(folders: Folders, names: set[str]) -> None:
    for name in names:
        folder, file = in_folder(folders, name)
        folder.remove(file)
