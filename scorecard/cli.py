"""`scorecard` command line: run the nightly flow, or check one export without loading it."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from scorecard.kinds import KINDS
from scorecard.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE, MAPPINGS_DIR

EPILOG = """examples:
  scorecard run                                   load raw/ into warehouse/scorecard.duckdb
  scorecard run --raw /data/exports --warehouse /data/scorecard.duckdb
  scorecard run --full-refresh                    rebuild from every file, ignoring what is loaded
  scorecard validate raw/ni7/ni7_2008_results.csv --kind ni7
  scorecard inspect export.csv --json             which tool wrote it, header rows, columns and questions
  scorecard draft-mapping export.csv --kind ni7   draft mappings/drafts/export.yaml for a new instrument
  scorecard export --format csv                   every mart as a spreadsheet-safe CSV in warehouse/exports/
  scorecard status --history 20                   the last 20 runs, newest first
"""


HISTORY_RUNS = 10  # runs `status --history` lists when not told how many
EXPORT_CHOICES = {"parquet": ("parquet",), "csv": ("csv",), "both": ("parquet", "csv")}
EXPORT_FORMAT_NAMES = {"parquet": "Parquet", "csv": "CSV"}


def positive_count(text: str) -> int:
    count = int(text)
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {count}")
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scorecard",
        description="Community scorecard pipeline: survey exports in raw/<kind>/ → validated DuckDB warehouse → scores.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the nightly Prefect flow once",
        description="Load new and changed exports, validate them, rebuild the marts and publish the warehouse "
        "atomically. Exit status 0 when the run completed (even if rows or files were quarantined); "
        "1 when the pipeline itself failed.",
    )
    run.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR, help="folder of exports, one sub-folder per kind (default: %(default)s)")
    run.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file to publish (default: %(default)s)")
    run.add_argument("--full-refresh", action="store_true", help="rebuild from scratch instead of loading only new or changed files")
    run.add_argument("--mappings", type=Path, default=MAPPINGS_DIR, help="folder of mapping files (default: the project's mappings/)")
    run.add_argument(
        "--on-busy",
        choices=["wait", "exit"],
        default="wait",
        help="when another run holds the warehouse: wait for it (default) or exit at once with status 3",
    )
    run.add_argument("--busy-timeout", type=float, default=3600, help="longest wait for another run, seconds (default: %(default)s)")
    run.add_argument(
        "--settle-seconds",
        type=float,
        default=10,
        help="leave files modified more recently than this for the next run (default: %(default)s)",
    )
    run.add_argument(
        "--keep-quarantine-days",
        type=int,
        default=365,
        help="keep quarantined records this many days after the run that loaded them, then purge them (default: %(default)s)",
    )
    run.add_argument(
        "--runner",
        choices=["threads", "dask"],
        default="threads",
        help="task runner for reading and validating files in parallel (default: %(default)s)",
    )
    run.add_argument("--workers", type=int, help="threads, or local Dask worker processes (default: threads: Python's default; dask: 2)")
    run.add_argument("--dask-address", help="use this running Dask scheduler (tcp://host:8786) instead of a local cluster")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")

    validate = commands.add_parser(
        "validate",
        help="check one export without loading it",
        description="Read, map, normalise and validate one export and say in plain language what would be "
        "quarantined and why. Exit status 1 if the whole file would be rejected.",
    )
    validate.add_argument("file", type=Path, help="the export (.csv, .tsv, .txt or .xlsx)")
    validate.add_argument("--kind", choices=sorted(KINDS), help="survey kind of the file (default: from its folder, raw/<kind>/)")
    validate.add_argument("--limit", type=int, default=20, help="quarantined rows to list (default: %(default)s; 0 = all)")
    validate.add_argument(
        "--mapping", type=Path, help="mapping file to apply (default: the one in --mappings whose patterns match kind/FILENAME)"
    )
    validate.add_argument("--mappings", type=Path, default=MAPPINGS_DIR, help="folder of mapping files (default: the project's mappings/)")

    inspect = commands.add_parser(
        "inspect",
        help="say what an export is before loading it",
        description="Detect the survey tool and header layout of an export and list its encoding, delimiter, "
        "header rows, data rows (responses), respondent id column and columns with their question text. "
        "Columns holding personal data are marked: they are dropped on reading.",
    )
    inspect.add_argument("file", type=Path, help="the export (.csv, .tsv, .txt or .xlsx)")
    inspect.add_argument("--json", action="store_true", help="print exactly one JSON object")

    serve = commands.add_parser(
        "serve",
        help="serve the scorecard-nightly deployment on its schedule (needs a Prefect server)",
        description="Register the scorecard-nightly deployment with the Prefect server at PREFECT_API_URL and run it "
        "on its schedule (default 02:00 Europe/London) until stopped. Schedules do not fire on Prefect's temporary "
        "server: start one with `prefect server start` first. Any process that can reach the server's API can start "
        "runs, so serve refuses to start unless the server requires an auth string (PREFECT_SERVER_API_AUTH_STRING) "
        "and this process has it (PREFECT_API_AUTH_STRING). Runs may only use folders inside SCORECARD_ALLOWED_ROOTS "
        "(absolute folders separated by ':'; default: the project folder).",
    )
    serve.add_argument("--cron", default="0 2 * * *", help="schedule (default: %(default)s)")
    serve.add_argument("--timezone", default="Europe/London", help="time zone of the schedule (default: %(default)s)")
    serve.add_argument("--raw", type=Path, default=DEFAULT_RAW_DIR, help="folder of exports (default: %(default)s)")
    serve.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file to publish (default: %(default)s)")
    serve.add_argument(
        "--settle-seconds", type=float, default=60, help="leave files modified this recently for the next run (default: %(default)s)"
    )
    serve.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="serve even though the Prefect API needs no auth string: any local process could then start runs",
    )

    pack = commands.add_parser(
        "panel-pack",
        help="write the Excel panel packs for a scorecard (or the agreement pack)",
        description="Write an Excel workbook per side under warehouse/panel-packs/: every indicator with last year's "
        "score, the evidence-suggested score and the evidence in words, and a 0-3 drop-down for this side's score and "
        "a note. --side agreed writes the agreement pack: both sides' proposed scores and notes side by side, disputed "
        "first, with a column for the agreed score. Filled packs dropped into raw/assessment/ load on the next run.",
    )
    pack.add_argument("--framework", required=True, help="framework id, e.g. compact_thriving_sector")
    pack.add_argument("--entity", required=True, help="area code or UKPRN")
    pack.add_argument("--year", required=True, type=int, help="scorecard year")
    pack.add_argument("--side", choices=["sector", "public_body", "agreed"], help="one side (default: sector and public_body)")
    pack.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file (default: %(default)s)")
    pack.add_argument("--output", type=Path, help="folder (default: panel-packs/ beside the warehouse)")

    report = commands.add_parser(
        "report",
        help="write the HTML scorecard report from the warehouse",
        description="Write warehouse/reports/: index.html listing every framework, entity and year, one "
        "self-contained page per scorecard and a data-quality page. The nightly run does this after publishing.",
    )
    report.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file (default: %(default)s)")
    report.add_argument("--output", type=Path, help="folder to write (default: reports/ beside the warehouse)")

    status = commands.add_parser(
        "status",
        help="when the warehouse was last published, by which run, and what each file did",
        description="Read the published warehouse: the last run, each file's outcome with its row counts, and the "
        "most frequent quarantine reasons; with --history, the last N runs of audit.run_log instead (newest first: when, "
        "how long, files and rows by outcome). --json for monitoring.",
    )
    status.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file (default: %(default)s)")
    status.add_argument("--json", action="store_true", help="print exactly one JSON object")
    status.add_argument(
        "--history",
        nargs="?",
        const=HISTORY_RUNS,
        type=positive_count,
        metavar="N",
        help=f"instead, list the last N runs of audit.run_log, newest first (N default: {HISTORY_RUNS})",
    )

    export = commands.add_parser(
        "export",
        help="write every mart as Parquet and CSV files",
        description="Write every table and view of the warehouse's marts schema as <mart>.parquet and <mart>.csv, each "
        "file replaced atomically. The nightly run does this into warehouse/exports/ after publishing. The CSV is "
        "for spreadsheets: UTF-8 with a byte-order mark, a header row, ISO dates, numbers as numbers, and text that "
        "starts with =, +, -, @, a tab or a carriage return prefixed with ' so it shows as text and never runs as a "
        "formula. Exit status 2 when the warehouse or the output folder cannot be used.",
    )
    export.add_argument("--format", choices=[*EXPORT_CHOICES], default="both", help="which files to write (default: %(default)s)")
    export.add_argument("--output", type=Path, help="folder to write (default: exports/ beside the warehouse)")
    export.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="DuckDB file (default: %(default)s)")

    draft = commands.add_parser(
        "draft-mapping",
        help="draft a mapping file for a new survey instrument",
        description="Match the export's question texts and answer labels to the kind's template columns and codes "
        "where possible, and write a draft mapping with every unmatched item marked TODO.",
    )
    draft.add_argument("file", type=Path, help="the export (.csv, .tsv, .txt or .xlsx)")
    draft.add_argument("--kind", required=True, choices=sorted(KINDS), help="survey kind of the file")
    draft.add_argument("--output", type=Path, help="where to write it (default: mappings/drafts/<file name>.yaml)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing draft")
    return parser


def print_summary(summary: dict) -> None:
    print()
    print(f"Run {summary['run_id']} completed.")
    print(
        f"  files: {summary['files_loaded']} loaded, {summary['files_skipped']} skipped (unchanged), {summary['files_rejected']} rejected"
    )
    print(f"  rows:  {summary['rows_loaded']} loaded, {summary['rows_quarantined']} quarantined, {summary['rows_duplicate']} duplicate")
    if summary.get("quarantine_purged"):
        print(f"  quarantine: {summary['quarantine_purged']} record(s) past their retention purged")
    for file in summary["files"]:
        if file["status"] == "rejected":
            print(f"  rejected {file['file_path']}: {file['message']}")
        elif file["rows_quarantined"]:
            print(f"  {file['file_path']}: {file['rows_quarantined']} row(s) quarantined — see audit.quarantine")
    for note in summary["ignored"]:
        print(f"  ignored {note}")
    for path in summary["settling"]:
        print(f"  left for the next run (still being written): {path}")
    for problem in summary["problems"]:
        print(f"  not used: {problem}")
    print(f"  warehouse: {summary['warehouse']}")
    if summary.get("report"):
        print(f"  scorecard report: {summary['report']}")
    if summary.get("data_docs"):
        print(f"  validation report (Great Expectations Data Docs): {summary['data_docs']}")


def command_run(args: argparse.Namespace) -> int:
    if not args.raw.is_dir():
        print(f"scorecard run: raw folder {args.raw} does not exist", file=sys.stderr)
        return 2
    from flows.nightly import nightly
    from flows.runners import task_runner
    from scorecard.pipeline import PublishedWithFailures
    from scorecard.warehouse.lock import WarehouseBusy

    flow = nightly.with_options(task_runner=task_runner(args.runner, args.workers, args.dask_address))
    try:
        summary = flow(
            raw_dir=str(args.raw),
            warehouse=str(args.warehouse),
            full_refresh=args.full_refresh,
            mappings_dir=str(args.mappings),
            on_busy=args.on_busy,
            busy_timeout_seconds=args.busy_timeout,
            settle_seconds=args.settle_seconds,
            keep_quarantine_days=args.keep_quarantine_days,
        )
    except WarehouseBusy as busy:
        print(f"\nscorecard run did not start: {busy}", file=sys.stderr)
        return 3
    except PublishedWithFailures as partial:  # published; an output made from it afterwards failed
        print(f"\nscorecard run published the warehouse, but not all of its outputs: {partial}", file=sys.stderr)
        return 1
    except Exception as error:  # the pipeline itself failed: say so plainly, non-zero exit
        print(f"\nscorecard run failed: {type(error).__name__}: {error}", file=sys.stderr)
        print("The last published warehouse is unchanged.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print_summary(summary)
    return 0


def read_or_complain(command: str, path: Path, date_order: str | None = None):
    """The export at path, or None after saying why it cannot be read."""
    from scorecard.ingest.read import UnreadableFile, read_export

    try:
        return read_export(path, date_order=date_order)
    except (UnreadableFile, OSError) as error:
        print(f"scorecard {command}: {path}: {error}", file=sys.stderr)
        return None


def read_for_inspection(command: str, path: Path):
    """The export at path for a look at it (inspect, draft-mapping), or None after saying why not.
    A Google Forms export whose dates do not say dd/mm or mm/dd is read as dd/mm: the commands
    report the order as ambiguous rather than refuse to look."""
    from scorecard.ingest.read import UnreadableFile, read_export

    try:
        return read_export(path)
    except UnreadableFile as error:
        if "Timestamps are ambiguous" not in str(error):
            print(f"scorecard {command}: {path}: {error}", file=sys.stderr)
            return None
    except OSError as error:
        print(f"scorecard {command}: {path}: {error}", file=sys.stderr)
        return None
    return read_or_complain(command, path, date_order="dmy")


def warehouse_unusable(command: str, path: Path) -> bool:
    """Say so and return True when there is no warehouse at path, or DuckDB cannot open it."""
    from scorecard.warehouse.build import unreadable_reason

    if not path.is_file():
        print(f"scorecard {command}: no warehouse at {path} (run `scorecard run` first)", file=sys.stderr)
        return True
    reason = unreadable_reason(path)
    if reason is None:
        return False
    print(f"scorecard {command}: cannot open the warehouse {path}: {reason}", file=sys.stderr)
    return True


def mappings_for_validate(args: argparse.Namespace, kind: str, file_path: str) -> tuple[list, str]:
    """The mappings `validate` hands to the same staging step `run` uses, and a line saying which
    applies: --mapping (warning when its patterns miss the file), else every mapping in --mappings,
    of which `run`'s choice applies."""
    from dataclasses import replace

    from scorecard.ingest.mapping import MappingError, RejectedFile, load_mapping_file, load_mappings, mapping_for

    if args.mapping:
        mapping = load_mapping_file(args.mapping)
        if mapping.kind != kind:
            raise MappingError(f"{args.mapping}: the mapping is for kind {mapping.kind!r}, the file is checked as {kind}")
        if mapping.applies_to(file_path):
            return [mapping], f"mapping {args.mapping} (its files patterns match {file_path}, so `run` uses it too)"
        patterns = ", ".join(mapping.files)
        return [replace(mapping, files=[file_path])], (
            f"mapping {args.mapping}, as asked — WARNING: none of its files patterns ({patterns}) matches {file_path}, "
            "so `run` would not use it: add a pattern that does"
        )
    mappings = load_mappings(args.mappings)
    try:
        chosen = mapping_for(file_path, kind, mappings)
    except RejectedFile as problem:
        return mappings, f"no usable mapping in {args.mappings} for {file_path}: {problem}"
    if chosen is None:
        return mappings, f"no mapping in {args.mappings} matches {file_path} (as in `run`)"
    return mappings, f"mapping {chosen.path} (its files patterns match {file_path}, as in `run`)"


def command_validate(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"scorecard validate: {args.file} is not a file", file=sys.stderr)
        return 2
    from scorecard.frameworks import load_frameworks
    from scorecard.ingest.mapping import MappingError, raw_file_path
    from scorecard.ingest.prepare import describe_record, near_miss_mappings, prepare_file, records_as_written
    from scorecard.ingest.validate import Validator, suite_parameters
    from scorecard.paths import SCORECARDS_DIR
    from scorecard.warehouse.reference import area_codes, legacy_area_codes, lsoa_codes

    kind, file_path = raw_file_path(args.file, args.kind)
    if kind is None:
        print(f"scorecard validate: {args.file} is not in a raw/<kind>/ folder: say which kind with --kind", file=sys.stderr)
        return 2
    try:
        mappings, which = mappings_for_validate(args, kind, file_path)
    except (MappingError, OSError) as error:
        print(f"scorecard validate: {error}", file=sys.stderr)
        return 2
    validator = Validator(suite_parameters(area_codes(), load_frameworks(SCORECARDS_DIR)[0], lsoa_codes()), legacy_area_codes())
    prepared = prepare_file(args.file, kind, file_path, validator, mappings=mappings)
    print(f"{args.file}: {prepared.tool or 'unreadable'} export, checked as {file_path}")
    print(f"  {which}")
    if prepared.status == "rejected":
        print(f"The whole file would be rejected — {prepared.message}")
        for missed in near_miss_mappings(prepared, args.file, kind, file_path, mappings):
            print(
                f"  mapping {missed.path} fits this file's columns, but none of its files patterns ({', '.join(missed.files)}) matches it"
            )
        return 1
    print(
        f"{prepared.rows_read} data rows — {prepared.rows_loaded} would load, "
        f"{prepared.rows_quarantined} would be quarantined, {prepared.rows_duplicate} are exact duplicates of earlier rows."
    )
    if prepared.message:
        print(prepared.message[0].upper() + prepared.message[1:] + ".")
    shown = prepared.quarantine if args.limit == 0 else prepared.quarantine.head(args.limit)
    for row, record in zip(shown.itertuples(), records_as_written(shown, args.file, kind, file_path, mappings), strict=True):
        print(f"  row {row.row_number}: {row.reasons}\n      {describe_record(record)}")
    if len(shown) < prepared.rows_quarantined:
        print(f"  … and {prepared.rows_quarantined - len(shown)} more (use --limit 0 to list all)")
    return 0


def command_inspect(args: argparse.Namespace) -> int:
    from scorecard.ingest.draft import describe

    export = read_for_inspection("inspect", args.file)
    if export is None:
        return 1
    facts = describe(export)
    if args.json:
        print(json.dumps(facts, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.file}")
    print(f"  tool:          {facts['tool']} ({facts['layout']})")
    print(
        f"  encoding:      {facts['encoding'] or 'n/a (xlsx)'}; delimiter: {facts['delimiter']!r}"
        if facts["delimiter"]
        else f"  encoding:      {facts['encoding'] or 'n/a (xlsx)'}"
    )
    print(f"  header rows:   {facts['header_rows']}; data rows: {facts['data_rows']} (of which {facts['not_respondents']} not respondents)")
    print(f"  respondent id: {facts['respondent_id_column'] or 'none found'}")
    if facts["date_order"]:
        print(f"  date order:    {facts['date_order']['evidence']}")
    for note in facts["notes"]:
        print(f"  {note}")
    print("  columns (name — question text):")
    for column in facts["columns"]:
        flag = "  [personal: dropped]" if column["personal"] else ""
        question = "" if column["question"] == column["name"] else f" — {column['question']}"
        print(f"    {column['name']}{question}{flag}")
    return 0


def command_serve(args: argparse.Namespace) -> int:
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        print(
            "scorecard serve: set PREFECT_API_URL to a running Prefect server (e.g. http://127.0.0.1:4200/api); "
            'schedules do not fire on the temporary server. See README, "Run it every night".',
            file=sys.stderr,
        )
        return 2
    from flows.nightly import serve
    from scorecard.paths import PathNotAllowed, allowed_roots, inside_allowed_roots

    if not args.insecure_no_auth:
        unprotected = unprotected_api(api_url)
        if unprotected:
            print(f"scorecard serve: {unprotected}", file=sys.stderr)
            return 2
    try:
        paths = inside_allowed_roots({"--raw": args.raw, "--warehouse": args.warehouse}, allowed_roots())
    except PathNotAllowed as refused:
        print(f"scorecard serve: {refused}", file=sys.stderr)
        return 2
    serve(args.cron, args.timezone, paths["--raw"], paths["--warehouse"], args.settle_seconds)
    return 0


def unprotected_api(api_url: str) -> str | None:
    """Why the Prefect API at api_url would let any local process start runs, or None if it would not."""
    from flows.nightly import api_auth_configured, server_refuses_anonymous

    if not api_auth_configured():
        return (
            "no auth string for the Prefect API is configured: set PREFECT_API_AUTH_STRING for this process (the "
            "same value as the server's PREFECT_SERVER_API_AUTH_STRING), or pass --insecure-no-auth to accept that "
            "any local process can start runs"
        )
    try:
        if not server_refuses_anonymous(api_url):
            return (
                "the Prefect server answers requests without credentials: start it with PREFECT_SERVER_API_AUTH_STRING "
                "set, or pass --insecure-no-auth to accept that any local process can start runs"
            )
    except OSError as error:
        return f"cannot reach the Prefect server at PREFECT_API_URL: {error}"
    return None


def command_panel_pack(args: argparse.Namespace) -> int:
    from scorecard.publish.panel_pack import PackError, write_pack
    from scorecard.publish.safe_output import OutputPathError

    if warehouse_unusable("panel-pack", args.warehouse):
        return 2
    output = args.output or args.warehouse.parent / "panel-packs"
    try:
        for side in [args.side] if args.side else ["sector", "public_body"]:
            print(f"wrote {write_pack(args.warehouse, args.framework, args.entity, args.year, side, output)}")
    except (PackError, OutputPathError) as error:
        print(f"scorecard panel-pack: {error}", file=sys.stderr)
        return 2
    return 0


def command_report(args: argparse.Namespace) -> int:
    from scorecard.publish.report import build_report

    if warehouse_unusable("report", args.warehouse):
        return 2
    report = build_report(args.warehouse, args.output or args.warehouse.parent / "reports")
    print(
        f"{len(report.pages)} pages: {report.rendered} written, {report.kept} unchanged, {report.removed} removed; open {report.pages[0]}"
    )
    return 0


def command_status(args: argparse.Namespace) -> int:
    from scorecard.publish.status import run_history, warehouse_status

    if warehouse_unusable("status", args.warehouse):
        return 2
    if args.history:
        history = run_history(args.warehouse, args.history)
        if args.json:
            print(json.dumps(history, indent=2, default=str))
        else:
            print_history(history)
        return 0
    facts = warehouse_status(args.warehouse)
    if args.json:
        print(json.dumps(facts, indent=2, default=str))
        return 0
    run = facts["last_run"]
    print(f"{facts['warehouse']}: published {facts['published_at']}")
    if run:
        print(f"  last run {run['run_id']}: {run['status']}, {run['started_at']} → {run['finished_at']}")
        print(
            f"  files: {run['files_loaded']} loaded, {run['files_skipped']} skipped (unchanged), {run['files_rejected']} rejected; "
            f"rows: {run['rows_loaded']} loaded, {run['rows_quarantined']} quarantined, {run['rows_duplicate']} duplicate"
        )
    for file in facts["files"]:
        counts = f"{file['rows_read']} read, {file['rows_loaded']} loaded, {file['rows_quarantined']} quarantined, {file['rows_duplicate']} duplicate"
        print(f"  {file['status']:<17} {file['file_path']} ({counts})" + (f" — {file['message']}" if file["status"] == "rejected" else ""))
    if facts["top_quarantine_reasons"]:
        print("  top quarantine reasons (rows now in audit.quarantine):")
        for item in facts["top_quarantine_reasons"]:
            print(f"    {item['rows']:>6}  {item['reason']}")
    return 0


HISTORY_COLUMNS = (  # heading, key, aligned right
    ("run id", "run_id", False),
    ("started (UTC)", "started_at", False),
    ("finished (UTC)", "finished_at", False),
    ("seconds", "duration_seconds", True),
    ("files loaded", "files_loaded", True),
    ("skipped", "files_skipped", True),
    ("rejected", "files_rejected", True),
    ("rows loaded", "rows_loaded", True),
    ("quarantined", "rows_quarantined", True),
    ("duplicate", "rows_duplicate", True),
    ("outcome", "outcome", False),
)


def print_history(history: dict) -> None:
    runs = history["runs"]
    if not runs:
        print(f"{history['warehouse']}: no runs recorded in audit.run_log")
        return
    print(f"{history['warehouse']}: published {history['published_at']}; the last {len(runs)} run(s), newest first")
    cells = [[heading for heading, _, _ in HISTORY_COLUMNS]]
    cells += [[str(run[key]).replace("T", " ") if key.endswith("_at") else str(run[key]) for _, key, _ in HISTORY_COLUMNS] for run in runs]
    widths = [max(len(row[index]) for row in cells) for index in range(len(HISTORY_COLUMNS))]
    for row in cells:
        line = "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, (_, _, right) in zip(row, widths, HISTORY_COLUMNS, strict=True)
        )
        print(f"  {line.rstrip()}")


def command_export(args: argparse.Namespace) -> int:
    from scorecard.publish.exports import export_marts
    from scorecard.publish.safe_output import OutputPathError

    if warehouse_unusable("export", args.warehouse):
        return 2
    output = args.output or args.warehouse.parent / "exports"
    formats = EXPORT_CHOICES[args.format]
    if output.exists() and not output.is_dir():
        print(f"scorecard export: {output} is not a folder", file=sys.stderr)
        return 2
    try:
        written = export_marts(args.warehouse, output, formats)
    except (OSError, OutputPathError) as error:
        print(f"scorecard export: cannot write the exports to {output}: {error}", file=sys.stderr)
        return 2
    marts = len(written) // len(formats)
    print(f"exported {marts} marts as {' and '.join(EXPORT_FORMAT_NAMES[name] for name in formats)} to {output}")
    return 0


def command_draft_mapping(args: argparse.Namespace) -> int:
    from scorecard.bounded_yaml import yaml_scalar
    from scorecard.ingest.draft import draft_mapping
    from scorecard.ingest.mapping import canonical_name, raw_file_path
    from scorecard.kinds import get_kind
    from scorecard.warehouse.reference import reference_areas

    export = read_for_inspection("draft-mapping", args.file)
    if export is None:
        return 1
    output = args.output or MAPPINGS_DIR / "drafts" / f"{args.file.stem}.yaml"
    if output.exists() and not args.force:
        print(f"scorecard draft-mapping: {output} exists (use --force to overwrite)", file=sys.stderr)
        return 2
    areas = reference_areas().sort_values("is_current")  # current names win over historic ones
    # "Bristol, City of" is also known as "Bristol"
    short_names = areas["area_name"].str.split(",").str[0]
    area_names = dict(zip(short_names.map(canonical_name), areas["area_code"], strict=True)) | dict(
        zip(areas["area_name"].map(canonical_name), areas["area_code"], strict=True)
    )
    _, file_path = raw_file_path(args.file, args.kind)
    draft = draft_mapping(export, get_kind(args.kind), file_path, area_names)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(draft.text, encoding="utf-8")
    print(f"wrote {output} ({export.layout.tool} export): {len(draft.confirm)} guess(es) to confirm, {len(draft.todo)} item(s) to fill in")
    print(
        f"  files: {yaml_scalar(draft.files_pattern, quoted=True)} — this export and later ones named like it; narrow it if other files match"
    )
    if draft.date_order:
        print(f"  dates: {draft.date_order.evidence}")
    if draft.loads_without_mapping:
        print("  this export already loads without a mapping: keep the draft only for what it adds")
    for item in draft.confirm:
        print(f"  CONFIRM {item}")
    for item in draft.todo:
        print(f"  TODO {item}")
    if draft.confirm or draft.todo:
        print("  A guess is written {confirm: X}: where X is right write X alone, else the right value; replace each TODO.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {
        "run": command_run,
        "validate": command_validate,
        "inspect": command_inspect,
        "draft-mapping": command_draft_mapping,
        "status": command_status,
        "report": command_report,
        "serve": command_serve,
        "panel-pack": command_panel_pack,
        "export": command_export,
    }
    return commands[args.command](args)


def entry_point() -> None:
    """Console script. At interpreter shutdown after a flow run, DuckDB's bindings print pages of
    spurious "nanobind: leaked instance" warnings while Prefect's objects are torn down. Once the
    command has finished and flushed its output, stderr is pointed at /dev/null so the normal
    shutdown (which also stops Prefect's temporary server) runs quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`scorecard inspect … | head -1`): stop quietly
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not fail again
        status = 0
    sys.stderr.flush()
    os.dup2(devnull, 2)
    sys.exit(status)


if __name__ == "__main__":
    entry_point()
