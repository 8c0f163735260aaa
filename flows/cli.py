"""`scorecard` command line: run the nightly flow, or check one export without loading it."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows.kinds import KINDS
from flows.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE

EPILOG = """examples:
  scorecard run                                   load raw/ into warehouse/scorecard.duckdb
  scorecard run --raw /data/exports --warehouse /data/scorecard.duckdb
  scorecard run --full-refresh                    rebuild from every file, ignoring what is loaded
  scorecard validate raw/ni7/ni7_2008_results.csv --kind ni7
"""


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
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")

    validate = commands.add_parser(
        "validate",
        help="check one export without loading it",
        description="Read, map, normalise and validate one export and say in plain language what would be "
        "quarantined and why. Exit status 1 if the whole file would be rejected.",
    )
    validate.add_argument("file", type=Path, help="the export (.csv, .tsv, .txt or .xlsx)")
    validate.add_argument("--kind", required=True, choices=sorted(KINDS), help="survey kind of the file")
    validate.add_argument("--limit", type=int, default=20, help="quarantined rows to list (default: %(default)s; 0 = all)")
    return parser


def print_summary(summary: dict) -> None:
    print()
    print(f"Run {summary['run_id']} completed.")
    print(
        f"  files: {summary['files_loaded']} loaded, {summary['files_skipped']} skipped (unchanged), "
        f"{summary['files_rejected']} rejected"
    )
    print(
        f"  rows:  {summary['rows_loaded']} loaded, {summary['rows_quarantined']} quarantined, "
        f"{summary['rows_duplicate']} duplicate"
    )
    for file in summary["files"]:
        if file["status"] == "rejected":
            print(f"  rejected {file['file_path']}: {file['message']}")
        elif file["rows_quarantined"]:
            print(f"  {file['file_path']}: {file['rows_quarantined']} row(s) quarantined — see audit.quarantine")
    for note in summary["ignored"]:
        print(f"  ignored {note}")
    print(f"  warehouse: {summary['warehouse']}")
    if summary.get("data_docs"):
        print(f"  validation report (Great Expectations Data Docs): {summary['data_docs']}")


def command_run(args: argparse.Namespace) -> int:
    if not args.raw.is_dir():
        print(f"scorecard run: raw folder {args.raw} does not exist", file=sys.stderr)
        return 2
    from flows.nightly import nightly

    try:
        summary = nightly(raw_dir=str(args.raw), warehouse=str(args.warehouse), full_refresh=args.full_refresh)
    except Exception as error:  # the pipeline itself failed: say so plainly, non-zero exit
        print(f"\nscorecard run failed: {type(error).__name__}: {error}", file=sys.stderr)
        print("The last published warehouse is unchanged.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print_summary(summary)
    return 0


def command_validate(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"scorecard validate: {args.file} is not a file", file=sys.stderr)
        return 2
    from flows.frameworks import load_frameworks
    from flows.ingest import describe_record, prepare_file
    from flows.paths import SCORECARDS_DIR
    from flows.validate import Validator, suite_parameters
    from flows.warehouse import area_codes

    validator = Validator(suite_parameters(area_codes(), load_frameworks(SCORECARDS_DIR)))
    prepared = prepare_file(args.file, args.kind, str(args.file), validator)
    if prepared.status == "rejected":
        print(f"{args.file}: the whole file would be rejected — {prepared.message}")
        return 1
    print(
        f"{args.file} ({args.kind}): {prepared.rows_read} data rows — {prepared.rows_loaded} would load, "
        f"{prepared.rows_quarantined} would be quarantined, {prepared.rows_duplicate} are exact duplicates of earlier rows."
    )
    if prepared.dropped_columns:
        print(f"Columns not in the {args.kind} template (not stored): {', '.join(prepared.dropped_columns)}")
    shown = prepared.quarantine if args.limit == 0 else prepared.quarantine.head(args.limit)
    for row in shown.itertuples():
        print(f"  row {row.row_number}: {row.reasons}\n      {describe_record(row.record)}")
    if len(shown) < prepared.rows_quarantined:
        print(f"  … and {prepared.rows_quarantined - len(shown)} more (use --limit 0 to list all)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return {"run": command_run, "validate": command_validate}[args.command](args)


def entry_point() -> None:
    """Console script. At interpreter shutdown after a flow run, DuckDB's bindings print pages of
    spurious "nanobind: leaked instance" warnings while Prefect's objects are torn down. Once the
    command has finished and flushed its output, stderr is pointed at /dev/null so the normal
    shutdown (which also stops Prefect's temporary server) runs quietly."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    sys.exit(status)


if __name__ == "__main__":
    entry_point()
