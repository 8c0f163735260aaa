"""The nightly job as plain calls, in the order of the data flow:
discover → read (per file, in parallel) → validate and load → transform → purge old quarantine →
publish → exports, report, Data Docs.

`run` is the one composition of the pipeline. The Prefect flow (flows/nightly.py), the CLI, the
benchmark, tests and notebooks all call it; what differs is the `Steps` they pass: plain calls on a
thread pool here, Prefect tasks in the flow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pandas as pd

from scorecard.frameworks import load_frameworks
from scorecard.ingest.data_docs import import_great_expectations, write_data_docs
from scorecard.ingest.discover import Discovery, SourceFile, discover_files, plan_work, printable_name
from scorecard.ingest.load import LoadResult, load_files
from scorecard.ingest.mapping import Mapping, load_mappings
from scorecard.ingest.register import read_register
from scorecard.ingest.stage import StagedFile, close_scratch, stage_file
from scorecard.ingest.validate import Validator, suite_parameters
from scorecard.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE, MAPPINGS_DIR, REFERENCE_DIR, SCORECARDS_DIR, SQL_DIR
from scorecard.publish import exports as exports_module
from scorecard.publish import report as report_module
from scorecard.publish.exports import export_marts
from scorecard.publish.report import TEMPLATES, build_report
from scorecard.warehouse.audit import purge_quarantine
from scorecard.warehouse.build import publish, start_build
from scorecard.warehouse.connect import append_rows, connect, loaded_files
from scorecard.warehouse.lock import warehouse_lock
from scorecard.warehouse.reference import area_codes, legacy_area_codes, lsoa_codes
from scorecard.warehouse.transform import transform

T = TypeVar("T")


class Steps(Protocol):
    """How each step of a run is carried out: directly, or as a Prefect task."""

    @property
    def logger(self) -> logging.Logger | logging.LoggerAdapter: ...

    def run(self, name: str, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T: ...

    def map(self, name: str, function: Callable[..., T], items: Sequence[Any], /, **kwargs: Any) -> list[T]: ...


class PlainSteps:
    """Steps as direct calls; per-file steps on a small thread pool (DuckDB releases the GIL)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or min(4, (os.cpu_count() or 1) + 1)

    @property
    def logger(self) -> logging.Logger:
        return logging.getLogger("scorecard")

    def run(self, name: str, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return function(*args, **kwargs)

    def map(self, name: str, function: Callable[..., T], items: Sequence[Any], /, **kwargs: Any) -> list[T]:
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(lambda item: function(item, **kwargs), items))


@dataclass
class RunOptions:
    raw_dir: Path = DEFAULT_RAW_DIR
    warehouse: Path = DEFAULT_WAREHOUSE
    full_refresh: bool = False
    scorecards_dir: Path = SCORECARDS_DIR
    reference_dir: Path = REFERENCE_DIR
    mappings_dir: Path = MAPPINGS_DIR
    on_busy: str = "wait"  # another run holds the warehouse: 'wait' (up to busy_timeout_seconds) or 'exit'
    busy_timeout_seconds: float = 3600
    settle_seconds: float = 10  # files modified more recently are left for the next run
    keep_quarantine_days: int = 365  # quarantined records older than this (from the run that loaded them) are purged


@dataclass
class RunSummary:
    run_id: str
    warehouse: str
    raw_dir: str
    files_loaded: int = 0
    files_skipped: int = 0
    files_rejected: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    quarantine_purged: int = 0  # quarantined records past keep_quarantine_days, deleted by this run
    files: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    settling: list[str] = field(default_factory=list)  # left for the next run: still being written
    problems: list[str] = field(default_factory=list)  # framework files and register rows not used
    data_docs: str | None = None
    report: str | None = None
    pages_rendered: int | None = None  # report pages written this run (None: report kept as it was)

    @classmethod
    def from_log(cls, log: pd.DataFrame, **fields: Any) -> RunSummary:
        status = log["status"].value_counts() if len(log) else pd.Series(dtype=int)
        return cls(
            files_loaded=int(status.get("loaded", 0)),
            files_skipped=int(status.get("skipped_unchanged", 0)),
            files_rejected=int(status.get("rejected", 0)),
            rows_loaded=int(log["rows_loaded"].sum()) if len(log) else 0,
            rows_quarantined=int(log["rows_quarantined"].sum()) if len(log) else 0,
            rows_duplicate=int(log["rows_duplicate"].sum()) if len(log) else 0,
            files=log.drop(columns=["loaded_at"]).to_dict("records") if len(log) else [],
            **fields,
        )

    def as_dict(self) -> dict:
        return asdict(self)

    def markdown(self) -> str:
        """The run summary as the Prefect UI shows it (an artifact of the flow run)."""
        lines = [
            f"**Files**: {self.files_loaded} loaded, {self.files_skipped} skipped (unchanged), {self.files_rejected} rejected",
            f"**Rows**: {self.rows_loaded} loaded, {self.rows_quarantined} quarantined, {self.rows_duplicate} duplicate",
            f"**Quarantine retention**: {self.quarantine_purged} record(s) past their retention purged",
            f"**Warehouse**: `{markdown_text(self.warehouse)}`",
            "",
            "| file | status | read | loaded | quarantined | duplicate |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {markdown_text(f['file_path'])} | {f['status']} | {f['rows_read']} | {f['rows_loaded']} | "
            f"{f['rows_quarantined']} | {f['rows_duplicate']} |"
            for f in self.files
        ]
        return "\n".join(lines)


class PublishedWithFailures(RuntimeError):
    """The warehouse was published (audit.run_log has the run), but an output made from it after
    publishing failed: the message says what became of each."""

    def __init__(self, summary: RunSummary, outcomes: list[str]):
        super().__init__(summary, outcomes)  # both, so the exception survives pickling (Prefect states)
        self.summary, self.outcomes = summary, outcomes

    def __str__(self) -> str:
        return "; ".join(self.outcomes)

    def __repr__(self) -> str:  # what Prefect logs: the outcomes, not the whole summary
        return f"{type(self).__name__}({str(self)!r})"


class AfterPublish:
    """The outputs made from the published warehouse (exports, report, Data Docs): each is tried even
    when another failed, and what became of each is recorded, starting with the publish itself."""

    def __init__(self, summary: RunSummary):
        self.summary = summary
        self.outcomes = [f"published {summary.warehouse} (run {summary.run_id})"]
        self.failed = False

    def attempt(self, done: str | None, not_done: str, step: Callable[[], T]) -> T | None:
        try:
            result = step()
        except Exception as error:
            self.failed = True
            self.outcomes.append(f"{not_done}: {printable_name(f'{type(error).__name__}: {error}')[0]}")
            return None
        if done:
            self.outcomes.append(done)
        return result

    def raise_if_failed(self) -> None:
        if self.failed:
            raise PublishedWithFailures(self.summary, self.outcomes)


def markdown_text(text: str) -> str:
    """A file name in a Markdown table cell: markup and table syntax shown as text."""
    return "".join(f"\\{char}" if char in "\\`*_{}[]<>()#+-.!|" else char for char in text)


# ---- the steps ----------------------------------------------------------------------------------


def open_build(warehouse: Path, run_id: str, full_refresh: bool) -> tuple[Path, dict[str, str]]:
    """The private build file, and which file versions it already holds."""
    build = start_build(warehouse, run_id, full_refresh)
    with connect(build) as con:
        return build, loaded_files(con)


def read_file(source: SourceFile, file_ids: dict[str, int], mappings: list[Mapping], scratch: Path) -> StagedFile:
    return stage_file(source, file_ids[source.file_path], mappings, scratch)


def write_run_log(build: Path, summary: RunSummary, started_at: dt.datetime) -> None:
    row = {
        "run_id": summary.run_id,
        "started_at": started_at,
        "finished_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "status": "completed",
        "raw_dir": summary.raw_dir,
        **{key: getattr(summary, key) for key in ("files_loaded", "files_skipped", "files_rejected")},
        **{key: getattr(summary, key) for key in ("rows_loaded", "rows_quarantined", "rows_duplicate", "quarantine_purged")},
    }
    with connect(build) as con:
        # A retried publish step writes the row again: replace it rather than count the run twice.
        con.execute("DELETE FROM audit.run_log WHERE run_id = ?", [summary.run_id])
        append_rows(con, "audit.run_log", pd.DataFrame([row]))


def purge_old_quarantine(build: Path, loaded_before: dt.datetime) -> int:
    with connect(build) as con:
        return purge_quarantine(con, loaded_before)


def publish_build(build: Path, warehouse: Path, summary: RunSummary, started_at: dt.datetime) -> None:
    write_run_log(build, summary, started_at)
    publish(build, warehouse)


def marts_fingerprint(ledger: dict[str, str], options: RunOptions, providers: pd.DataFrame) -> str:
    """What the marts, exports and report are built from: the loaded version of every file, the
    framework files, the provider register, the reference data and the code that turns them into
    marts and pages. Unchanged since the last run's outputs → the marts, exports and report stand."""
    frameworks = sorted((p.name, p.read_text(encoding="utf-8")) for p in Path(options.scorecards_dir).glob("*.y*ml"))
    reference = sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in Path(options.reference_dir).rglob("*") if p.is_file())
    code_files = [*SQL_DIR.rglob("*.sql"), *TEMPLATES.glob("*.j2"), Path(report_module.__file__), Path(exports_module.__file__)]
    code = sorted(str(p) + p.read_text(encoding="utf-8") for p in code_files)
    text = json.dumps([sorted(ledger.items()), frameworks, reference, providers.to_csv(index=False), code])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_ledger(build: Path) -> dict[str, str]:
    with connect(build, read_only=True) as con:
        return loaded_files(con)


def scratch_dir(warehouse: Path, run_id: str) -> Path:
    """Where a run stages files: beside the warehouse (same disk), named like the build file so a
    killed run's folder is removed with its build by the next run."""
    return warehouse.with_name(f".{warehouse.name}.{run_id}.building.scratch")


def run(options: RunOptions | None = None, run_id: str | None = None, steps: Steps | None = None) -> RunSummary:
    """Load new and changed exports from the raw folder, rebuild the marts and publish the warehouse.

    One writer at a time (see RunOptions.on_busy). A file that cannot be used is rejected with its
    reason and the run goes on; only a failure of the pipeline itself raises. Before publishing, the
    last published warehouse then stays as it was; after it (exports, report, Data Docs),
    PublishedWithFailures says what was published and what was not."""
    options = options or RunOptions()
    steps = steps or PlainSteps()
    if options.on_busy not in ("wait", "exit"):
        raise ValueError("on_busy must be 'wait' or 'exit'")
    if options.keep_quarantine_days < 0:
        raise ValueError(f"keep_quarantine_days (the quarantine retention) must be 0 or more days, not {options.keep_quarantine_days}")
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run_id = run_id or str(uuid.uuid4())
    raw_dir, warehouse = Path(options.raw_dir), Path(options.warehouse)
    logger = steps.logger

    frameworks, framework_problems = load_frameworks(Path(options.scorecards_dir))
    mappings = load_mappings(Path(options.mappings_dir))
    providers, register_problems = read_register(raw_dir)
    problems = framework_problems + register_problems
    for problem in problems:
        logger.warning(problem)

    with warehouse_lock(warehouse, run_id, wait=options.on_busy == "wait", timeout=options.busy_timeout_seconds):
        discovery: Discovery = steps.run("discover", discover_files, raw_dir, options.settle_seconds)
        log_discovery(logger, discovery, raw_dir)
        build, loaded = steps.run("open-build", open_build, warehouse, run_id, options.full_refresh)
        to_load, skipped_reasons = plan_work(discovery.files, loaded)
        skipped = [(source, skipped_reasons[source.file_path]) for source in discovery.files if source.file_path in skipped_reasons]
        if to_load:  # their Data Docs will need Great Expectations: import it while DuckDB works
            threading.Thread(target=import_great_expectations, name="import-great-expectations", daemon=True).start()
        scratch = scratch_dir(warehouse, run_id)
        (scratch / "spill").mkdir(parents=True, exist_ok=True)
        try:
            staged = steps.map(
                "read", read_file, to_load, file_ids={s.file_path: n for n, s in enumerate(to_load)}, mappings=mappings, scratch=scratch
            )
            for file in staged:
                log_staged(logger, file)
            reference_dir = Path(options.reference_dir)
            parameters = suite_parameters(area_codes(reference_dir), frameworks, lsoa_codes(reference_dir))
            validator = Validator(parameters, legacy_area_codes(reference_dir))
            loaded_result: LoadResult = steps.run("load", load_files, build, staged, skipped, run_id, validator)
            logger.info("loaded %d file(s) into the build warehouse; %d unchanged", len(staged), len(skipped))
            fingerprint = marts_fingerprint(build_ledger(build), options, providers)
            current = outputs_current(warehouse, fingerprint) and not staged and not options.full_refresh
            if current:
                logger.info("nothing the marts depend on changed: marts, exports and report kept")
            else:
                models = steps.run("transform", transform, build, frameworks, reference_dir, providers)
                logger.info("built %d SQL models", len(models))
            summary = RunSummary.from_log(
                loaded_result.log,
                run_id=run_id,
                warehouse=str(warehouse),
                raw_dir=str(raw_dir),
                ignored=discovery.ignored,
                settling=discovery.settling,
                problems=problems,
            )
            retention = dt.timedelta(days=options.keep_quarantine_days)
            summary.quarantine_purged = steps.run("purge-quarantine", purge_old_quarantine, build, started_at - retention)
            if summary.quarantine_purged:
                logger.info("purged %d quarantined record(s) older than %d days", summary.quarantine_purged, options.keep_quarantine_days)
            steps.run("publish", publish_build, build, warehouse, summary, started_at)
            logger.info("published %s", warehouse)
        except BaseException:
            build.unlink(missing_ok=True)  # never published; the last published warehouse stands
            raise
        finally:
            close_scratch(scratch)
            shutil.rmtree(scratch, ignore_errors=True)
        summary.report = str(warehouse.parent / "reports" / "index.html")
        after = AfterPublish(summary)
        if not current:
            refresh_outputs(steps, warehouse, fingerprint, after)
    if loaded_result.validations:
        docs_dir = warehouse.parent / "data-docs"
        docs = after.attempt(
            f"Data Docs written to {docs_dir}",
            f"Data Docs not written to {docs_dir}",
            lambda: steps.run("data-docs", write_data_docs, loaded_result.validations, validator, docs_dir, run_id),
        )
        if docs is not None:
            summary.data_docs = str(docs)
            logger.info("Great Expectations Data Docs: %s", docs)
    after.raise_if_failed()
    return summary


def fingerprint_stamp(warehouse: Path) -> Path:
    return warehouse.parent / "exports" / ".inputs-fingerprint"


def outputs_current(warehouse: Path, fingerprint: str) -> bool:
    """The last run's marts, exports and report were built from exactly these inputs."""
    stamp = fingerprint_stamp(warehouse)
    return stamp.exists() and stamp.read_text() == fingerprint and (warehouse.parent / "reports" / "index.html").exists()


def refresh_outputs(steps: Steps, warehouse: Path, fingerprint: str, after: AfterPublish) -> None:
    """Parquet and CSV exports and the report (only the pages whose inputs changed), then the stamp that
    says what they were built from: written only when both succeeded, so the next run tries again."""
    exports_dir, reports_dir = warehouse.parent / "exports", warehouse.parent / "reports"
    exported = after.attempt(
        f"Parquet and CSV exports written to {exports_dir}",
        f"Parquet and CSV exports not written to {exports_dir}",
        lambda: steps.run("export", export_marts, warehouse, exports_dir),
    )
    if exported is not None:
        steps.logger.info("exported the marts as %d Parquet and CSV files to %s", len(exported), exports_dir)
    report = after.attempt(
        f"report rebuilt in {reports_dir}",
        f"report not rebuilt in {reports_dir}",
        lambda: steps.run("report", build_report, warehouse, reports_dir),
    )
    if report is not None:
        steps.logger.info(
            "scorecard report in %s: %d pages rendered, %d kept, %d removed", reports_dir, report.rendered, report.kept, report.removed
        )
        after.summary.report, after.summary.pages_rendered = str(report.pages[0]), report.rendered
    if not after.failed:
        stamp = fingerprint_stamp(warehouse)
        after.attempt(None, f"{stamp} (what the outputs were built from) not written", lambda: stamp.write_text(fingerprint))


def log_discovery(logger: logging.Logger | logging.LoggerAdapter, discovery: Discovery, raw_dir: Path) -> None:
    logger.info("found %d export(s) in %s", len(discovery.files), raw_dir)
    for note in discovery.ignored:
        logger.warning("ignored %r", note)
    for path in discovery.settling:
        logger.info("left %r for the next run: it is still being written", path)


def log_staged(logger: logging.Logger | logging.LoggerAdapter, file: StagedFile) -> None:
    if file.status == "rejected":
        logger.warning("%r rejected: %s", file.file_path, file.message)
    else:
        logger.info("%r (%s): %d rows read", file.file_path, file.tool, file.rows_read)
