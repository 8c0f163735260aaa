"""The nightly Prefect flow: discover → read & validate → load → transform → publish.

Tasks only orchestrate; the work is in plain modules (discover, ingest, load, transform,
warehouse) that tests and notebooks call without Prefect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.discover import Discovery, SourceFile, discover_files, plan_work
from flows.frameworks import Framework, load_frameworks
from flows.ingest import PreparedFile, prepare_file
from flows.load import load_files
from flows.lock import warehouse_lock
from flows.mapping import Mapping, load_mappings
from flows.paths import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE, MAPPINGS_DIR, REFERENCE_DIR, SCORECARDS_DIR, SQL_DIR
from flows.register import read_register
from flows import report as report_module
from flows.report import TEMPLATES, build_report
from flows.runners import task_runner
from flows.transform import transform
from flows.validate import Validator, suite_parameters, write_data_docs
from flows.warehouse import append_rows, area_codes, connect, export_marts, loaded_files, publish, start_build

IO_RETRIES = {"retries": 2, "retry_delay_seconds": 3}


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
    files: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    settling: list[str] = field(default_factory=list)  # left for the next run: still being written
    problems: list[str] = field(default_factory=list)  # framework files and register rows not used
    data_docs: str | None = None
    report: str | None = None

    @classmethod
    def from_log(cls, log: pd.DataFrame, **fields) -> "RunSummary":
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
            f"**Warehouse**: `{self.warehouse}`",
            "",
            "| file | status | read | loaded | quarantined | duplicate |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {f['file_path']} | {f['status']} | {f['rows_read']} | {f['rows_loaded']} | {f['rows_quarantined']} | {f['rows_duplicate']} |"
            for f in self.files
        ]
        return "\n".join(lines)


@task(name="discover", cache_policy=NO_CACHE, **IO_RETRIES)
def discover_task(raw_dir: Path, settle_seconds: float) -> Discovery:
    discovery = discover_files(raw_dir, settle_seconds)
    logger = get_run_logger()
    logger.info("found %d export(s) in %s", len(discovery.files), raw_dir)
    for note in discovery.ignored:
        logger.warning("ignored %s", note)
    for path in discovery.settling:
        logger.info("left %s for the next run: it is still being written", path)
    return discovery


@task(name="open-build", cache_policy=NO_CACHE, **IO_RETRIES)
def open_build_task(warehouse: Path, run_id: str, full_refresh: bool) -> tuple[Path, dict[str, str]]:
    build = start_build(warehouse, run_id, full_refresh)
    with connect(build) as con:
        return build, loaded_files(con)


@task(name="read-and-validate", cache_policy=NO_CACHE, task_run_name="read-and-validate {source.file_path}", **IO_RETRIES)
def read_and_validate_task(source: SourceFile, validator: Validator, mappings: list[Mapping], position: str) -> PreparedFile:
    prepared = prepare_file(source.path, source.kind, source.file_path, validator, source.sha256, mappings)
    logger = get_run_logger()
    if prepared.status == "rejected":
        logger.warning("[%s] %s rejected: %s", position, source.file_path, prepared.message)
    else:
        logger.info(
            "[%s] %s (%s): %d rows — %d good, %d quarantined, %d duplicate",
            position, source.file_path, prepared.tool, prepared.rows_read, prepared.rows_loaded,
            prepared.rows_quarantined, prepared.rows_duplicate,
        )
    return prepared


@task(name="load", cache_policy=NO_CACHE)
def load_task(build: Path, prepared: list[PreparedFile], skipped: list[tuple[SourceFile, str]], run_id: str) -> pd.DataFrame:
    log = load_files(build, prepared, skipped, run_id)
    get_run_logger().info("loaded %d file(s) into the build warehouse; %d unchanged", len(prepared), len(skipped))
    return log


@task(name="transform", cache_policy=NO_CACHE)
def transform_task(build: Path, frameworks: list[Framework], reference_dir: Path, providers: pd.DataFrame) -> list[str]:
    models = transform(build, frameworks, reference_dir, providers)
    get_run_logger().info("built %d SQL models: %s", len(models), ", ".join(models))
    return models


@task(name="publish", cache_policy=NO_CACHE, **IO_RETRIES)
def publish_task(build: Path, warehouse: Path, summary: RunSummary, started_at: dt.datetime) -> None:
    with connect(build) as con:
        append_rows(
            con,
            "audit.run_log",
            pd.DataFrame(
                [
                    {
                        "run_id": summary.run_id,
                        "started_at": started_at,
                        "finished_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                        "status": "completed",
                        "raw_dir": summary.raw_dir,
                        "files_loaded": summary.files_loaded,
                        "files_skipped": summary.files_skipped,
                        "files_rejected": summary.files_rejected,
                        "rows_loaded": summary.rows_loaded,
                        "rows_quarantined": summary.rows_quarantined,
                        "rows_duplicate": summary.rows_duplicate,
                    }
                ]
            ),
        )
    publish(build, warehouse)
    get_run_logger().info("published %s", warehouse)


@task(name="export-parquet", cache_policy=NO_CACHE, **IO_RETRIES)
def export_task(warehouse: Path) -> list[Path]:
    written = export_marts(warehouse, warehouse.parent / "exports")
    get_run_logger().info("exported %d marts as Parquet to %s", len(written), warehouse.parent / "exports")
    return written


@task(name="report", cache_policy=NO_CACHE)
def report_task(warehouse: Path) -> Path:
    pages = build_report(warehouse, warehouse.parent / "reports")
    get_run_logger().info("wrote the scorecard report: %d pages in %s", len(pages), warehouse.parent / "reports")
    return pages[0]


def outputs_fingerprint(warehouse: Path, scorecards_dir: str, providers: pd.DataFrame) -> str:
    """What the marts are built from: the loaded version of every file, the framework files and the
    provider register. Unchanged → the exports and report of the last run still stand."""
    with connect(warehouse, read_only=True) as con:
        ledger = sorted(loaded_files(con).items())
    frameworks = sorted((p.name, p.read_text(encoding="utf-8")) for p in Path(scorecards_dir).glob("*.y*ml"))
    # …and the code that turns them into marts, exports and pages: an upgrade rebuilds them.
    code = sorted(str(p) + p.read_text(encoding="utf-8") for p in [*SQL_DIR.rglob("*.sql"), *TEMPLATES.glob("*.j2"), Path(report_module.__file__)])
    text = json.dumps([ledger, frameworks, providers.to_csv(index=False), code])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@task(name="data-docs", cache_policy=NO_CACHE)
def data_docs_task(prepared: list[PreparedFile], site_dir: Path, run_id: str) -> Path | None:
    results = [(file.file_path, file.validation) for file in prepared if file.validation is not None]
    if not results:
        return None
    index = write_data_docs(results, site_dir, run_id)
    get_run_logger().info("Great Expectations Data Docs: %s", index)
    return index


@flow(name="scorecard-nightly", log_prints=True, task_runner=task_runner("threads"))
def nightly(
    raw_dir: str = str(DEFAULT_RAW_DIR),
    warehouse: str = str(DEFAULT_WAREHOUSE),
    full_refresh: bool = False,
    scorecards_dir: str = str(SCORECARDS_DIR),
    reference_dir: str = str(REFERENCE_DIR),
    mappings_dir: str = str(MAPPINGS_DIR),
    on_busy: str = "wait",
    busy_timeout_seconds: float = 3600,
    settle_seconds: float = 10,
) -> dict:
    """Load new and changed exports from raw_dir, rebuild the marts and publish the warehouse.

    One writer at a time: if another run holds the warehouse, wait for it (on_busy="wait", up to
    busy_timeout_seconds) or stop at once with WarehouseBusy (on_busy="exit"). Files modified in the
    last settle_seconds are left for the next run. Files are read and validated concurrently on the
    flow's task runner (threads by default; see flows.runners for Dask); loading has one writer."""
    if on_busy not in ("wait", "exit"):
        raise ValueError("on_busy must be 'wait' or 'exit'")
    started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    raw_path, warehouse_path, reference_path = Path(raw_dir), Path(warehouse), Path(reference_dir)
    logger = get_run_logger()

    frameworks, framework_problems = load_frameworks(Path(scorecards_dir))
    mappings = load_mappings(Path(mappings_dir))
    providers, register_problems = read_register(raw_path)
    for problem in framework_problems + register_problems:
        logger.warning(problem)

    with warehouse_lock(warehouse_path, run_id, wait=on_busy == "wait", timeout=busy_timeout_seconds):
        discovery = discover_task(raw_path, settle_seconds)
        build, loaded = open_build_task(warehouse_path, run_id, full_refresh)
        to_load, skipped_reasons = plan_work(discovery.files, loaded)
        skipped = [(source, skipped_reasons[source.file_path]) for source in discovery.files if source.file_path in skipped_reasons]
        try:
            validator = Validator(suite_parameters(area_codes(reference_path), frameworks))
            futures = [
                read_and_validate_task.submit(source, validator, mappings, f"{number}/{len(to_load)}")
                for number, source in enumerate(to_load, 1)
            ]
            prepared = [future.result() for future in futures]
            log = load_task(build, prepared, skipped, run_id)
            transform_task(build, frameworks, reference_path, providers)
            summary = RunSummary.from_log(
                log, run_id=run_id, warehouse=str(warehouse_path), raw_dir=str(raw_path), ignored=discovery.ignored,
                settling=discovery.settling, problems=framework_problems + register_problems,
            )
            publish_task(build, warehouse_path, summary, started_at)
        except BaseException:
            build.unlink(missing_ok=True)  # never published; the last published warehouse stands
            raise
        fingerprint = outputs_fingerprint(warehouse_path, scorecards_dir, providers)
        stamp = warehouse_path.parent / "exports" / ".inputs-fingerprint"
        report_index = warehouse_path.parent / "reports" / "index.html"
        if stamp.exists() and stamp.read_text() == fingerprint and report_index.exists():
            logger.info("nothing that the marts depend on changed: Parquet exports and report kept")
            summary.report = str(report_index)
        else:
            export_task(warehouse_path)
            summary.report = str(report_task(warehouse_path))
            stamp.write_text(fingerprint)
    docs = data_docs_task(prepared, warehouse_path.parent / "data-docs", run_id)
    summary.data_docs = str(docs) if docs else None
    create_markdown_artifact(key="scorecard-run-summary", markdown=summary.markdown(), description="What this run did")
    return summary.as_dict()
