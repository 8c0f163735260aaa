"""The nightly Prefect flow: `scorecard.pipeline.run` with each step as a Prefect task.

The composition of the pipeline lives in scorecard/pipeline.py; this module only says how its
steps run under Prefect (task names, retries, the task runner for per-file reads) and publishes
the run summary as an artifact.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from prefect import Task, flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import deployment, flow_run
from prefect.schedules import Cron
from prefect.settings import get_current_settings

from flows.runners import task_runner
from scorecard.paths import (
    DEFAULT_RAW_DIR,
    DEFAULT_WAREHOUSE,
    MAPPINGS_DIR,
    REFERENCE_DIR,
    SCORECARDS_DIR,
    allowed_roots,
    inside_allowed_roots,
)
from scorecard.pipeline import RunOptions, run

T = TypeVar("T")
IO_RETRIES = {"retries": 2, "retry_delay_seconds": 3}
# Steps that touch files other processes may hold or write are retried; the others fail at once.
RETRIED = {"discover", "open-build", "read", "publish", "export"}


class PrefectSteps:
    """Each pipeline step as a Prefect task run; per-file steps submitted to the flow's task runner."""

    @property
    def logger(self) -> Any:
        return get_run_logger()

    def task(self, name: str, function: Callable[..., T], run_name: str | None = None) -> Task[..., T]:
        retried = name in RETRIED
        return Task(
            function,
            name=name,
            cache_policy=NO_CACHE,
            task_run_name=run_name,
            retries=IO_RETRIES["retries"] if retried else 0,
            retry_delay_seconds=IO_RETRIES["retry_delay_seconds"] if retried else 0,
        )

    def run(self, name: str, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return self.task(name, function)(*args, **kwargs)

    def map(self, name: str, function: Callable[..., T], items: Sequence[Any], /, **kwargs: Any) -> list[T]:
        per_item = self.task(name, function, run_name=f"{name} {{source.file_path}}")
        futures = [per_item.submit(item, **kwargs) for item in items]
        return [future.result() for future in futures]


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
    keep_quarantine_days: int = 365,
) -> dict:
    """Load new and changed exports from raw_dir, rebuild the marts and publish the warehouse.

    One writer at a time: if another run holds the warehouse, wait for it (on_busy="wait", up to
    busy_timeout_seconds) or stop at once with WarehouseBusy (on_busy="exit"). Files modified in the
    last settle_seconds are left for the next run. Quarantined records older than keep_quarantine_days
    (from the run that loaded them) are purged. Files are read concurrently on the flow's task
    runner (threads by default; see flows.runners for Dask); loading has one writer.

    A run of the deployment (requested through the Prefect API, whoever asked) is refused unless
    every folder and file it names resolves inside the folders SCORECARD_ALLOWED_ROOTS allows
    (default: the project folder); a direct call is the caller's own choice of paths."""
    paths = {
        "raw_dir": raw_dir,
        "warehouse": warehouse,
        "scorecards_dir": scorecards_dir,
        "reference_dir": reference_dir,
        "mappings_dir": mappings_dir,
    }
    checked = inside_allowed_roots(paths, allowed_roots()) if deployment.id else {name: Path(path) for name, path in paths.items()}
    options = RunOptions(
        raw_dir=checked["raw_dir"],
        warehouse=checked["warehouse"],
        full_refresh=full_refresh,
        scorecards_dir=checked["scorecards_dir"],
        reference_dir=checked["reference_dir"],
        mappings_dir=checked["mappings_dir"],
        on_busy=on_busy,
        busy_timeout_seconds=busy_timeout_seconds,
        settle_seconds=settle_seconds,
        keep_quarantine_days=keep_quarantine_days,
    )
    run_id = flow_run.get_id()
    summary = run(options, run_id=str(run_id) if run_id else None, steps=PrefectSteps())
    create_markdown_artifact(key="scorecard-run-summary", markdown=summary.markdown(), description="What this run did")
    return summary.as_dict()


def api_auth_configured() -> bool:
    """This process sends an auth string to the Prefect API (PREFECT_API_AUTH_STRING, from the
    environment, a profile or a .env file)."""
    auth = get_current_settings().api.auth_string
    return auth is not None and auth.get_secret_value() != ""


def server_refuses_anonymous(api_url: str, timeout: float = 10) -> bool:
    """The Prefect server at api_url answers a request without credentials with 401: its API needs
    the auth string (PREFECT_SERVER_API_AUTH_STRING). Its health check is open to all, so ask for
    its version instead."""
    try:
        urllib.request.urlopen(f"{api_url.rstrip('/')}/admin/version", timeout=timeout).close()
    except urllib.error.HTTPError as error:
        return error.code == 401
    return False


def serve(cron: str, timezone: str, raw_dir: Path, warehouse: Path, settle_seconds: float) -> None:
    """Serve the scorecard-nightly deployment on its schedule from this process (until stopped)."""
    nightly.serve(
        name="scorecard-nightly",
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"raw_dir": str(raw_dir), "warehouse": str(warehouse), "settle_seconds": settle_seconds},
        tags=["scorecard"],
    )
