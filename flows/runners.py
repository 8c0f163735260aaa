"""Task runners for the nightly flow: threads on one machine (the default), or a Dask cluster when
the work outgrows one process — a local one started for the run, or an existing scheduler."""

from __future__ import annotations

import os

from prefect.task_runners import ThreadPoolTaskRunner

RUNNERS = ("threads", "dask")


def task_runner(kind: str = "threads", workers: int | None = None, dask_address: str | None = None):
    if kind == "threads":
        # A few threads: each read is mostly DuckDB, which parses in parallel without the GIL.
        return ThreadPoolTaskRunner(max_workers=workers or min(4, (os.cpu_count() or 1) + 1))
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # Processes, one thread each: DuckDB in each uses the cores it is given.
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        )
    raise ValueError(f"task runner must be one of {RUNNERS}, not {kind!r}")
