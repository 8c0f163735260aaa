"""Benchmark the nightly pipeline on a large synthetic learner survey, and print where the time goes.

    .venv/bin/python scripts/benchmark.py                    # 1,000,000 rows in 20 files
    .venv/bin/python scripts/benchmark.py --rows 100000 --files 4 --keep
    .venv/bin/python scripts/benchmark.py --many-files       # ... and 2,000 files of 500 rows
    .venv/bin/python scripts/benchmark.py --many-files 200 --rows-per-file 500

This prints figures; it is not a test and asserts nothing (exit status 0 even when a target is not
met). What it does, all in a work folder (a temporary one, removed afterwards unless --keep):

 1. generates N learner-survey responses (seeded numpy, vectorised) as F CSV files in
    <workdir>/raw/learner_survey/, valid apart from a few rows with overall_satisfaction "11" (about
    0.01 %) so the quarantine path runs, from --providers distinct providers. Every provider-year
    with enough responses becomes a scorecard, and every flow run (nothing-new ones too) writes an
    HTML report page for each: with the default 10,000 providers at 1,000,000 rows that is 30,000
    pages, which then dominates every run; a smaller --providers keeps it in proportion;
 2. baseline: DuckDB alone reads the same CSV files into a table of a fresh DuckDB file;
 3. stage split: the pipeline's plain functions in flow order, without Prefect, on a fresh
    warehouse, each stage timed (prepare_file further split into read / map / normalise / GX ...);
 4. the real Prefect flow `flows.nightly.nightly` against one long-lived local Prefect server
    (`prefect server start`, PREFECT_HOME in the work folder): an untimed warm-up flow, a full run
    on a fresh warehouse, then --repeats interleaved pairs of a run with nothing new and a trivial
    one-task flow (medians used). Each run is its own child Python process, timed from spawn to
    exit (what a user of `scorecard run` sees). If the server cannot be started (or with
    --in-process) the runs happen in-process in one child instead, with Prefect's temporary server,
    and the output says so. Flow runs pass settle_seconds=0 (the files are freshly written);
 5. the peak RSS of the full flow run's process (its VmHWM: see run_child for why not ru_maxrss);
 6. a summary table with the targets and whether each is met.

With --many-files N (--rows-per-file M) it also runs the many-small-files case, in <workdir>/many/:
 - N files of M rows from the same generator, DuckDB's bare load of them, and the stage split on
   them (no Prefect), with milliseconds per file;
 - against the same Prefect server, after the runs above, each in its own child process: a full
   flow run on a fresh warehouse with the threads task runner and one with the Dask runner (local
   cluster, 2 worker processes: flows.runners.task_runner), and, per runner, a flow submitting N
   no-op tasks shaped like read-and-validate (same arguments, options and one log line) against N
   direct calls, which gives Prefect's overhead per task run;
 - the figures beside the large-file case (rows, files, wall time, rows/s, peak RSS) and a
   breakdown of where the time goes per file (Prefect per-task overhead, parsing, GX validation,
   loading). The many-files flow runs need the server: with --in-process (or if it cannot be
   started) they are skipped and only the part without Prefect is printed.

Stages 2 and 3 run in this process; the flows in child processes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import uuid
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

# No telemetry from Prefect, GX or anything else started here (flows/__init__.py does the same).
QUIET_ENV = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
os.environ.update(QUIET_ENV)

KIND = "learner_survey"
SEED = 20240101
INVALID_SATISFACTION_RATE = 1e-4  # overall_satisfaction "11": quarantined
BLANK_RATE = 0.01  # blank optional answers (recommend, support): loaded as NULL
ACADEMIC_YEARS = ("2021/22", "2022/23", "2023/24")
PROVIDERS = 10_000  # distinct UKPRNs (10000000 + 0 … P−1); each provider-year is a scorecard, a page of the HTML report
AGE_BANDS = ("16-18", "19-23", "24+")
AGE_BAND_P = (0.45, 0.30, 0.25)
SCALE_0_10_P = np.array([1, 1, 1, 2, 3, 6, 8, 14, 22, 22, 20], dtype=float) / 100
SCALE_1_5_P = np.array([8, 17, 32, 28, 15], dtype=float) / 100

TARGET_PER_ROW_RATIO = 3.0  # (full − nothing-new) / DuckDB bare load
TARGET_NOTHING_NEW_RATIO = 1.5  # nothing-new run / trivial flow
TARGET_PEAK_RSS_MB = 2048


def log(message: str = "") -> None:
    print(message, flush=True)


def seconds(value: float) -> str:
    return f"{value:,.2f} s"


# ---- 1. synthetic data ---------------------------------------------------------------------------

def generate(raw_dir: Path, rows: int, files: int, seed: int = SEED, providers: int = PROVIDERS) -> dict:
    """Write `rows` learner-survey responses over `files` CSV files, from `providers` distinct UKPRNs;
    return counts of what was made."""
    rng = np.random.default_rng(seed)
    folder = raw_dir / KIND
    folder.mkdir(parents=True, exist_ok=True)
    invalid_total = 0
    width = max(3, len(str(files)))  # learner_survey_001.csv ... (or _0001.csv with 1,000+ files)
    for number, index in enumerate(np.array_split(np.arange(rows, dtype=np.int64), files), 1):
        n = len(index)
        invalid = rng.random(n) < INVALID_SATISFACTION_RATE
        invalid_total += int(invalid.sum())
        satisfaction = rng.choice(11, size=n, p=SCALE_0_10_P)
        satisfaction[invalid] = 11
        year = ACADEMIC_YEARS[(number - 1) % len(ACADEMIC_YEARS)]

        def blanks(values: np.ndarray) -> pd.Series:
            return pd.Series(values).astype("Int64").mask(rng.random(n) < BLANK_RATE)

        frame = pd.DataFrame(
            {
                "respondent_id": 60_000_000 + index,
                "ukprn": 10_000_000 + rng.integers(0, providers, size=n),  # 8 digits, 1xxxxxxx
                "survey_year": year,
                "age_band": np.asarray(AGE_BANDS)[rng.choice(len(AGE_BANDS), size=n, p=AGE_BAND_P)],
                "home_lsoa": np.char.mod("E01%06d", rng.integers(1, 33_769, size=n)),  # E01 + 6 digits
                "overall_satisfaction": satisfaction,
                "recommend": blanks(rng.choice(11, size=n, p=SCALE_0_10_P)),
                "teaching": rng.choice(11, size=n, p=SCALE_0_10_P),
                "support": blanks(rng.choice(11, size=n, p=SCALE_0_10_P)),
                "confidence_before": rng.choice(5, size=n, p=SCALE_1_5_P) + 1,
                "confidence_now": rng.choice(5, size=n, p=SCALE_1_5_P) + 1,
                "skills_before": rng.choice(5, size=n, p=SCALE_1_5_P) + 1,
                "skills_now": rng.choice(5, size=n, p=SCALE_1_5_P) + 1,
            }
        )
        frame.to_csv(folder / f"learner_survey_{number:0{width}d}.csv", index=False)
    size = sum(path.stat().st_size for path in folder.glob("*.csv"))
    return {"rows": rows, "files": files, "invalid": invalid_total, "bytes": size}


# ---- 2. DuckDB alone -----------------------------------------------------------------------------

def duckdb_bare_load(raw_dir: Path, database: Path) -> tuple[float, int]:
    import duckdb

    pattern = str(raw_dir / KIND / "*.csv").replace("'", "''")
    started = time.perf_counter()
    con = duckdb.connect(str(database))
    try:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{pattern}')")
        count = con.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        con.close()  # checkpoints: the table is on disk, as the pipeline's publish leaves it
    return time.perf_counter() - started, count


# ---- 3. stage split, no Prefect ------------------------------------------------------------------

class StageTimer:
    def __init__(self):
        self.stages: dict[str, float] = {}
        self.parts: dict[str, float] = defaultdict(float)  # inside prepare_file

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started

    def wrap(self, name: str, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.parts[name] += time.perf_counter() - started

        return timed


# Functions prepare_file calls through scorecard.ingest.prepare's globals, timed by wrapping them there.
PREPARE_PARTS = {
    "read_export": "read (decode + pandas read_csv)",
    "map_columns": "map columns",
    "normalise_frame": "normalise",
    "quarantine_reasons": "quarantine reasons",
    "records_as_json": "quarantine records as JSON",
}


@contextmanager
def patched(module, name: str, replacement):
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


def stage_split(raw_dir: Path, warehouse: Path, profile_to: Path | None = None) -> dict:
    """The flow's work in flow order through the plain modules, each stage timed."""
    from contextlib import ExitStack

    import scorecard.ingest.prepare as ingest
    from scorecard.ingest.discover import discover_files, plan_work
    from scorecard.frameworks import load_frameworks
    from scorecard.ingest.load import load_files
    from scorecard.ingest.mapping import load_mappings
    from scorecard.paths import MAPPINGS_DIR, REFERENCE_DIR, SCORECARDS_DIR
    from scorecard.ingest.register import read_register
    from scorecard.publish.report import build_report
    from scorecard.warehouse.transform import transform
    from scorecard.ingest.validate import Validator, suite_parameters, write_data_docs
    from scorecard.warehouse.build import publish, start_build
    from scorecard.warehouse.connect import connect, loaded_files
    from scorecard.warehouse.exports import export_marts
    from scorecard.warehouse.reference import area_codes

    timer = StageTimer()
    run_id = str(uuid.uuid4())
    profiler = cProfile.Profile() if profile_to else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    with timer.stage("frameworks, mappings, provider register"):
        frameworks, _ = load_frameworks(SCORECARDS_DIR)
        mappings = load_mappings(MAPPINGS_DIR)
        providers, _ = read_register(raw_dir)
    with timer.stage("discover (list files + sha256)"):
        discovery = discover_files(raw_dir, settle_seconds=0)
    with timer.stage("open build + ledger"):
        build = start_build(warehouse, run_id, False)
        with connect(build) as con:
            loaded = loaded_files(con)
        to_load, reasons = plan_work(discovery.files, loaded)
        skipped = [(source, reasons[source.file_path]) for source in discovery.files if source.file_path in reasons]
    with timer.stage("prepare validator (area codes, suite parameters)"):
        validator = Validator(suite_parameters(area_codes(REFERENCE_DIR), frameworks))
    if callable(getattr(validator, "gx", None)):  # GX set up lazily on first use: time it on its own
        with timer.stage("GX context + suites (first use)"):
            validator.gx()
    validator.validate = timer.wrap("GX validate (Validator.validate)", validator.validate)
    prepared = []
    with ExitStack() as stack:
        for name, label in PREPARE_PARTS.items():
            if hasattr(ingest, name):
                stack.enter_context(patched(ingest, name, timer.wrap(label, getattr(ingest, name))))
        with timer.stage(f"prepare_file × {len(to_load)}"):
            for source in to_load:
                prepared.append(
                    ingest.prepare_file(source.path, source.kind, source.file_path, validator, source.sha256, mappings)
                )
    with timer.stage("load_files (DuckDB insert)"):
        load_log = load_files(build, prepared, skipped, run_id)
    with timer.stage("transform (SQL models)"):
        transform(build, frameworks, REFERENCE_DIR, providers)
    with timer.stage("publish (checkpoint, fsync, rename)"):
        publish(build, warehouse)
    with timer.stage("export marts as Parquet"):
        export_marts(warehouse, warehouse.parent / "exports")
    with timer.stage("scorecard report (HTML)"):
        build_report(warehouse, warehouse.parent / "reports")
    results = [(file.file_path, file.validation) for file in prepared if file.validation is not None]
    if results:
        with timer.stage(f"GX Data Docs ({len(results)} validation results)"):
            write_data_docs(results, warehouse.parent / "data-docs", run_id)
    total = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile_to))
    return {
        "stages": timer.stages,
        "parts": dict(timer.parts),
        "total": total,
        "files": len(prepared),
        "rows_read": int(sum(file.rows_read for file in prepared)),
        "rows_loaded": int(load_log["rows_loaded"].sum()) if len(load_log) else 0,
        "rows_quarantined": int(load_log["rows_quarantined"].sum()) if len(load_log) else 0,
        "rows_duplicate": int(load_log["rows_duplicate"].sum()) if len(load_log) else 0,
        "rejected": int((load_log["status"] == "rejected").sum()) if len(load_log) else 0,
    }


def print_stage_split(split: dict, rows: int, per_file: int = 0) -> None:
    """The stages with their share of the total; with per_file, also milliseconds per file."""
    width = 52

    def line(indent: int, name: str, value: float) -> None:
        each = f"  {1000 * value / per_file:9.2f} ms/file" if per_file else ""
        log(f"{'':<{indent}}{name:<{width + 2 - indent}} {value:>9.2f} s  {100 * value / split['total']:5.1f} %{each}")

    prepare_name = next(name for name in split["stages"] if name.startswith("prepare_file"))
    for name, value in split["stages"].items():
        line(2, name, value)
        if name == prepare_name:
            accounted = 0.0
            for part, part_value in split["parts"].items():
                accounted += part_value
                line(4, part, part_value)
            line(4, "other (duplicates, reindex, filtering)", split["stages"][prepare_name] - accounted)
    log(f"  {'total':<{width}} {split['total']:>9.2f} s" + (f"          {1000 * split['total'] / per_file:9.2f} ms/file" if per_file else ""))
    log(f"  {'rows/second':<{width}} {rows / split['total']:>11,.0f}")
    log(
        f"  result: {split['files']} file(s), {split['rows_read']:,} rows read — {split['rows_loaded']:,} loaded, "
        f"{split['rows_quarantined']:,} quarantined, {split['rows_duplicate']:,} duplicate, {split['rejected']} rejected"
    )


def print_profile(path: Path, limit: int) -> None:
    log(f"\n  cProfile of the stage split, top {limit} by own time (full stats: {path}):")
    stats = pstats.Stats(str(path))
    entries = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:limit]
    log(f"    {'own s':>8} {'cum s':>8} {'calls':>9}  function")
    for (filename, line, function), (_, calls, own, cumulative, _) in entries:
        where = filename.split("site-packages/")[-1].replace(str(Path(__file__).resolve().parents[1]) + "/", "")
        log(f"    {own:>8.2f} {cumulative:>8.2f} {calls:>9}  {function} ({where}:{line})")


# ---- 4. the Prefect flow, in child processes -----------------------------------------------------

CHILD = textwrap.dedent(
    """
    \"\"\"Benchmark child: run one flow (or, in-process mode, all of them) and write timings as JSON.

        nightly OUT RAW WAREHOUSE [RUNNER WORKERS]   the nightly flow (RUNNER threads|dask, WORKERS 0 = default)
        trivial OUT                                  a one-task flow
        tasks OUT RAW RUNNER WORKERS                 no-op tasks shaped like read-and-validate vs direct calls (each flow
                                                     started with the server idle: BENCHMARK_SERVER_SESSION)
        all OUT RAW WAREHOUSE REPEATS                fallback: everything in this process, temporary server

    Everything runs under `if __name__ == "__main__"`: Dask's worker processes are spawned, and a
    spawned process imports the parent's main script (as __mp_main__).\"\"\"
    import json, os, resource, sys, time, traceback

    STARTED = time.perf_counter()


    def peak_rss_kb():
        \"\"\"This process's own peak RSS (VmHWM of its address space since exec). Not ru_maxrss: on Linux
        that also counts the parent's RSS at fork, carried over the exec, which here is the benchmark's.\"\"\"
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


    def trivial_flow():
        from prefect import flow, task

        @task(name="one")
        def one():
            return 1

        @flow(name="benchmark-trivial")
        def trivial():
            return one()

        return trivial


    def nightly_summary(summary):
        keys = ("files_loaded", "files_skipped", "files_rejected", "rows_loaded", "rows_quarantined", "rows_duplicate")
        return {key: summary[key] for key in keys}


    def nightly_flow(runner=None, workers=0):
        from flows.nightly import nightly

        if runner is None:
            return nightly  # as decorated: Prefect's default thread pool
        from flows.runners import task_runner

        return nightly.with_options(task_runner=task_runner(runner, workers or None))


    def server_cpu_s():
        \"\"\"CPU seconds used so far by the Prefect server's processes (its session id is given in
        BENCHMARK_SERVER_SESSION by the benchmark), or None when not known.\"\"\"
        session = os.environ.get("BENCHMARK_SERVER_SESSION")
        if not session:
            return None
        total = 0
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat") as stat:
                        fields = stat.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if fields[3] == session:
                    total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


    def wait_server_idle(quiet=1.0, busy=0.1, timeout=180):
        \"\"\"Wait until the server has used under `busy` of a CPU for `quiet` seconds: it digests a
        flow's events and logs after the flow returns, and would slow the next timed flow.\"\"\"
        begun, last = time.perf_counter(), server_cpu_s()
        if last is None:
            return 0.0
        calm_since = time.perf_counter()
        while time.perf_counter() - begun < timeout:
            time.sleep(0.25)
            now = server_cpu_s()
            if now - last > busy * 0.25:
                calm_since = time.perf_counter()
            last = now
            if time.perf_counter() - calm_since >= quiet:
                break
        return time.perf_counter() - begun


    def drain():
        \"\"\"Wait for the logs and events still queued for the API (a flow call returns before they are sent).\"\"\"
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=120, at_exit=False)
        EventsWorker.drain_all(timeout=120, at_exit=False)


    def task_overhead(raw_dir, runner, workers):
        \"\"\"Prefect's cost per task run: a flow submitting N no-op tasks with read-and-validate's
        arguments, options and one log line, against a flow submitting one (same set-up: for Dask,
        the local cluster) and against N direct calls of the same no-op function.\"\"\"
        from pathlib import Path

        from prefect import flow, get_run_logger, task
        from prefect.cache_policies import NO_CACHE

        from scorecard.ingest.discover import discover_files
        from scorecard.frameworks import load_frameworks
        from scorecard.ingest.mapping import load_mappings
        from flows.nightly import IO_RETRIES
        from scorecard.paths import MAPPINGS_DIR, REFERENCE_DIR, SCORECARDS_DIR
        from flows.runners import task_runner
        from scorecard.ingest.validate import Validator, suite_parameters
        from scorecard.warehouse.reference import area_codes

        sources = discover_files(Path(raw_dir)).files
        frameworks, _ = load_frameworks(SCORECARDS_DIR)
        validator = Validator(suite_parameters(area_codes(REFERENCE_DIR), frameworks))
        mappings = load_mappings(MAPPINGS_DIR)

        def work(source, validator, mappings, position):
            return None

        @task(name="no-op", cache_policy=NO_CACHE, task_run_name="no-op {source.file_path}", **IO_RETRIES)
        def no_op(source, validator, mappings, position):
            get_run_logger().info("[%s] %s", position, source.file_path)
            return work(source, validator, mappings, position)

        def make_flow(chosen):
            @flow(name="benchmark-no-op-tasks", task_runner=task_runner(runner, workers or None))
            def no_op_tasks():
                futures = [no_op.submit(s, validator, mappings, f"{n}/{len(chosen)}") for n, s in enumerate(chosen, 1)]
                return [future.result() for future in futures]

            return no_op_tasks

        def timed_flow(chosen):
            idle_wait = wait_server_idle()
            cpu, times = server_cpu_s(), os.times()
            begun = time.perf_counter()
            make_flow(chosen)()
            called = time.perf_counter()
            drain()
            drained, after = time.perf_counter(), os.times()
            settled = wait_server_idle()
            return {
                "flow_s": called - begun, "drain_s": drained - called, "tasks": len(chosen), "idle_wait_s": idle_wait,
                "server_settle_s": settled, "server_cpu_s": server_cpu_s() - cpu if cpu is not None else None,
                # CPU of this process, and of its reaped children (a local Dask cluster's worker processes)
                "cpu_s": after.user + after.system - times.user - times.system,
                "children_cpu_s": after.children_user + after.children_system - times.children_user - times.children_system,
            }

        result = {"warm-up": timed_flow(sources[:1])}
        result["one"] = timed_flow(sources[:1])
        result["n"] = timed_flow(sources)
        begun = time.perf_counter()
        for number, source in enumerate(sources, 1):
            work(source, validator, mappings, f"{number}/{len(sources)}")
        result["direct_s"] = time.perf_counter() - begun
        return result


    def main():
        mode, out = sys.argv[1], sys.argv[2]
        result = {"mode": mode}
        status = 0
        try:
            if mode == "nightly":
                runner = sys.argv[5] if len(sys.argv) > 5 else None
                nightly = nightly_flow(runner, int(sys.argv[6]) if len(sys.argv) > 6 else 0)
                imported = time.perf_counter()
                result["summary"] = nightly_summary(nightly(raw_dir=sys.argv[3], warehouse=sys.argv[4], settle_seconds=0))
            elif mode == "trivial":
                trivial = trivial_flow()
                imported = time.perf_counter()
                trivial()
            elif mode == "tasks":
                import flows.nightly  # imports as the nightly child does, outside the timed part
                imported = time.perf_counter()
                result["tasks"] = task_overhead(sys.argv[3], sys.argv[4], int(sys.argv[5]))
            elif mode == "all":  # fallback: one process, Prefect's temporary in-process server, started once
                nightly = nightly_flow()
                trivial = trivial_flow()
                imported = time.perf_counter()
                runs = {}
                run_nightly = lambda: nightly(raw_dir=sys.argv[3], warehouse=sys.argv[4], settle_seconds=0)
                plan = [("warm-up", trivial), ("full", run_nightly)]
                for number in range(1, int(sys.argv[5]) + 1):
                    plan += [(f"nothing-new#{number}", run_nightly), (f"trivial#{number}", trivial)]
                for name, call in plan:
                    begun = time.perf_counter()
                    value = call()
                    runs[name] = {"seconds": time.perf_counter() - begun, "peak_rss_kb": peak_rss_kb()}
                    if isinstance(value, dict):
                        runs[name]["summary"] = nightly_summary(value)
                result["runs"] = runs
            else:
                raise ValueError(mode)
            finished = time.perf_counter()
            result.update(import_s=imported - STARTED, flow_s=finished - imported)
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=30)
            result["drain_s"] = time.perf_counter() - finished
        except BaseException:
            result["error"] = traceback.format_exc()
            status = 1
        result["peak_rss_kb"] = peak_rss_kb()
        times = os.times()
        result["cpu_s"] = times.user + times.system
        result["children_cpu_s"] = times.children_user + times.children_system
        if "prefect.server.api.server" in sys.modules:
            # Without PREFECT_API_URL, Prefect ran its temporary server as a uvicorn subprocess that it
            # stops at exit (atexit); os._exit below skips that, so stop it here or it is left running.
            try:
                from prefect.server.api.server import SubprocessASGIServer

                for server in list(SubprocessASGIServer._instances.values()):
                    server.stop()
            except Exception as error:
                result["server_stop_error"] = repr(error)
        with open(out, "w") as handle:
            json.dump(result, handle)
        sys.stdout.flush()
        sys.stderr.flush()
        # As flows/cli.py does: skip interpreter teardown (DuckDB's bindings print pages of
        # "nanobind: leaked instance" warnings while Prefect's objects are torn down).
        os._exit(status)


    if __name__ == "__main__":
        main()
    """
)


class TreeSampler:
    """Samples, every `interval` seconds, the summed RSS of a process and all its descendants (Dask's
    worker processes, for one) from /proc; keeps the peak. A sample can miss a short spike."""

    def __init__(self, pid: int, interval: float = 0.25):
        import threading

        self.pid, self.interval = pid, interval
        self.peak_kb, self.most_processes = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page_kb = os.sysconf("SC_PAGE_SIZE") // 1024

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        children = defaultdict(list)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    children[int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])].append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    continue
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        return tree

    def sample(self) -> None:
        total, count = 0, 0
        for pid in self._tree():
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page_kb
                count += 1
            except (OSError, IndexError, ValueError):
                continue
        self.peak_kb, self.most_processes = max(self.peak_kb, total), max(self.most_processes, count)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


def run_child(workdir: Path, name: str, args: list[str], env: dict, tree: bool = False) -> dict:
    """Run the child script; return its JSON plus wall time (spawn → exit) and its peak RSS in MB.

    The peak is the child's own VmHWM. wait4's ru_maxrss (like RUSAGE_CHILDREN) is not used: Linux
    carries the forking parent's RSS high-water mark over exec, so it would report this process's
    size (hundreds of MB after the stage split) for even the trivial flow. With tree, the summed RSS
    of the child and its descendants is also sampled (tree_peak_rss_mb, tree_processes)."""
    script = workdir / "benchmark_child.py"
    if not script.exists():
        script.write_text(CHILD, encoding="utf-8")
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    out = workdir / f"child-{name}.json"
    out.unlink(missing_ok=True)
    log_path = logs / f"{name}.log"
    with open(log_path, "wb") as log_file:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(script), *args[:1], str(out), *args[1:]],
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=workdir,
        )
        sampler = TreeSampler(process.pid) if tree else None
        if sampler:
            sampler.__enter__()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if sampler:
                sampler.__exit__(None, None, None)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out.read_text()) if out.exists() else {"error": f"no result (exit status {process.returncode})"}
    peak_kb = result.get("peak_rss_kb") or usage.ru_maxrss
    result.update(wall_s=wall, exit=process.returncode, peak_rss_mb=peak_kb / 1024, log=str(log_path))
    if sampler:
        result.update(tree_peak_rss_mb=sampler.peak_kb / 1024, tree_processes=sampler.most_processes)
    if process.returncode != 0 or "error" in result:
        tail = log_path.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"child run {name!r} failed (exit {process.returncode}):\n{result.get('error', '')}\n" + "\n".join(tail))
    return result


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerUnavailable(RuntimeError):
    """The long-lived Prefect server could not be started: fall back to in-process runs."""


class PrefectServer:
    """`prefect server start` from the venv as a subprocess (own session, so its workers stop with it)."""

    def __init__(self, home: Path, log_path: Path):
        self.home, self.log_path = home, log_path
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 180) -> float:
        self.home.mkdir(parents=True, exist_ok=True)
        prefect = Path(sys.executable).with_name("prefect")
        env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL", None)
        self._log = open(self.log_path, "wb")
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(self.port), "--analytics-off"],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        except OSError as error:
            raise ServerUnavailable(f"cannot run {prefect}: {error}") from error
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise ServerUnavailable(f"prefect server exited with status {self.process.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.5)
        raise ServerUnavailable(f"prefect server not healthy after {timeout:.0f} s: {self.tail()}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's processes (its session), from /proc."""
        if self.process is None:
            return 0.0
        total, tick = 0, os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid:  # session id: everything `prefect server start` started
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def wait_idle(self, quiet: float = 1.0, busy: float = 0.1, timeout: float = 180) -> float:
        """Wait until the server has used under `busy` of a CPU for `quiet` seconds (it digests a run's
        events after the run's process has exited); return the seconds waited."""
        begun, last = time.perf_counter(), self.cpu_seconds()
        calm_since = begun
        while time.perf_counter() - begun < timeout:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - last > busy * 0.25:
                calm_since = time.perf_counter()
            last = now
            if time.perf_counter() - calm_since >= quiet:
                break
        return time.perf_counter() - begun

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self.process.pid, sig)  # the group this script started, by its id
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log:
            self._log.close()


def describe_child_run(name: str, run: dict) -> str:
    text = (
        f"  {name:<14} {run['wall_s']:>8.2f} s wall (python start + imports {run['import_s']:.2f} s, "
        f"flow call {run['flow_s']:.2f} s, log drain + exit {run['wall_s'] - run['import_s'] - run['flow_s']:.2f} s), "
        f"peak RSS {run['peak_rss_mb']:,.0f} MB"
        + (
            f" (all its processes together, sampled: {run['tree_peak_rss_mb']:,.0f} MB in up to {run['tree_processes']} process(es))"
            if "tree_peak_rss_mb" in run else ""
        )
        + (f", Prefect server CPU meanwhile {run['server_cpu_s']:.2f} s" if "server_cpu_s" in run else "")
    )
    return text + (f"\n{'':<17}{run['summary']}" if "summary" in run else "")


def median_run(runs: list[dict]) -> dict:
    """The run of median time (lower median), with the spread of all of them."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "all_seconds": [run["seconds"] for run in runs]}


def flow_runs_with_server(workdir: Path, raw_dir: Path, warehouse: Path, repeats: int, then=None) -> dict:
    """The large-file case's runs; then, with the server still up, `then(server, env)` (the many-files
    runs), whose result is returned as "then"."""
    server = PrefectServer(workdir / "prefect-home", workdir / "logs" / "prefect-server.log")
    (workdir / "logs").mkdir(exist_ok=True)
    try:
        startup = server.start()
        log(f"  Prefect server on {server.api_url} healthy after {seconds(startup)} (PREFECT_HOME in the work folder)")
        log("  each run is a child process `python benchmark_child.py ...`, timed from spawn to exit:")
        env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(server.home), "PREFECT_API_URL": server.api_url}
        nightly_args = ["nightly", str(raw_dir), str(warehouse)]
        plan = [("warm-up", ["trivial"]), ("full", nightly_args)]
        for number in range(1, repeats + 1):  # interleaved, so drift hits both alike
            plan += [(f"nothing-new#{number}", nightly_args), (f"trivial#{number}", ["trivial"])]
        runs = {}
        for name, args in plan:
            server_cpu = server.cpu_seconds()
            run = run_child(workdir, name.replace("#", "-"), args, env, tree=then is not None and name == "full")
            run["server_cpu_s"] = server.cpu_seconds() - server_cpu
            runs[name] = {"seconds": run["wall_s"], **run}
            log(describe_child_run(name, run))
        result = {"full": runs["full"], "warm-up": runs["warm-up"]}
        for kind in ("nothing-new", "trivial"):
            result[kind] = median_run([run for name, run in runs.items() if name.startswith(kind + "#")])
        return {"mode": "server", "runs": result, "then": then(server, env) if then else None}
    finally:
        server.stop()
        if server.process is not None:
            log(f"  Prefect server stopped (exit status {server.process.returncode})")


def flow_runs_in_process(workdir: Path, raw_dir: Path, warehouse: Path, repeats: int, why: str) -> dict:
    log(f"  FALLBACK: flows run in-process in one child process with Prefect's temporary server ({why})")
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(workdir / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    result = run_child(workdir, "in-process", ["all", str(raw_dir), str(warehouse), str(repeats)], env)
    for name, run in result["runs"].items():
        log(f"  {name:<14} {run['seconds']:>8.2f} s (flow call, in-process)" + (f"  {run['summary']}" if "summary" in run else ""))
    log(f"  process peak RSS {result['peak_rss_mb']:,.0f} MB (up to the end of the full run: {result['runs']['full']['peak_rss_kb'] / 1024:,.0f} MB)")
    runs = {"full": {**result["runs"]["full"], "peak_rss_mb": result["runs"]["full"]["peak_rss_kb"] / 1024}}
    for kind in ("nothing-new", "trivial"):
        runs[kind] = median_run([run for name, run in result["runs"].items() if name.startswith(kind + "#")])
    return {"mode": "in-process", "runs": runs}


# ---- 5. many small files -------------------------------------------------------------------------

def many_files_flow_runs(workdir: Path, raw_dir: Path, server: PrefectServer, env: dict, args: argparse.Namespace) -> dict:
    """Full flow runs on fresh warehouses with the threads and the Dask runner, then the no-op task
    flows for Prefect's per-task overhead; each a child process against the running server. A run
    that fails is reported and left out, the others still run."""
    many = workdir / "many"
    dask = ("dask", str(args.dask_workers))
    threads = ("threads", str(args.thread_workers))
    plan = [
        ("full, threads", ["nightly", str(raw_dir), str(many / "flow-threads" / "scorecard.duckdb"), *threads]),
        ("full, Dask", ["nightly", str(raw_dir), str(many / "flow-dask" / "scorecard.duckdb"), *dask]),
        ("no-op, threads", ["tasks", str(raw_dir), *threads]),
        ("no-op, Dask", ["tasks", str(raw_dir), *dask]),
    ]
    runs = {}
    env = {**env, "BENCHMARK_SERVER_SESSION": str(server.process.pid)}
    for name, child_args in plan:
        server.wait_idle()  # the previous run's events digested
        server_cpu = server.cpu_seconds()
        try:
            run = run_child(workdir, "many-" + name.replace(", ", "-").lower(), child_args, env, tree=True)
        except RuntimeError as error:
            log(f"  {name:<14} FAILED: {error}")
            runs[name] = {"error": str(error)}
            continue
        run["server_cpu_s"] = server.cpu_seconds() - server_cpu
        if "tasks" in run:
            run["overhead"] = task_overhead(run["tasks"])
        runs[name] = run
        log(describe_child_run(name, run))
        if "tasks" in run:
            log(describe_task_overhead(run["tasks"], run["overhead"]))
    return runs


def task_overhead(tasks: dict) -> dict:
    """Prefect's cost per task run: the N-task flow less the one-task flow (same set-up: for Dask the
    local cluster) less the direct calls, over N − 1 (flow call plus draining its logs and events to
    the server; each flow started with the server idle). The server's own CPU per task likewise."""
    n, one = tasks["n"], tasks["one"]
    extra = n["tasks"] - one["tasks"]
    spent = (n["flow_s"] + n["drain_s"]) - (one["flow_s"] + one["drain_s"]) - tasks["direct_s"] * extra / max(n["tasks"], 1)
    server = None
    if n.get("server_cpu_s") is not None and one.get("server_cpu_s") is not None and extra:
        server = (n["server_cpu_s"] - one["server_cpu_s"]) / extra
    per = (lambda key: (n[key] - one[key]) / extra) if extra else (lambda key: float("nan"))
    return {
        "per_task_s": spent / extra if extra else float("nan"), "server_cpu_per_task_s": server, "tasks": n["tasks"],
        "cpu_per_task_s": per("cpu_s"), "worker_cpu_per_task_s": per("children_cpu_s"),
    }


def describe_task_overhead(tasks: dict, overhead: dict) -> str:
    n, one = tasks["n"], tasks["one"]
    server = overhead["server_cpu_per_task_s"]
    return (
        f"{'':<17}flow of {n['tasks']:,} no-op tasks {n['flow_s']:.2f} s + drain {n['drain_s']:.2f} s"
        + (f" (server busy {n['server_settle_s']:.1f} s more, {n['server_cpu_s']:.1f} CPU s in all)" if n.get("server_cpu_s") is not None else "")
        + f"; flow of 1: {one['flow_s']:.2f} s + {one['drain_s']:.2f} s (first, warm-up: {tasks['warm-up']['flow_s']:.2f} s); "
        f"{n['tasks']:,} direct calls {tasks['direct_s'] * 1000:.2f} ms\n"
        f"{'':<17}→ Prefect overhead per task run: {1000 * overhead['per_task_s']:.1f} ms wall of the flow "
        f"(× {overhead['tasks']:,} = {overhead['per_task_s'] * overhead['tasks']:.1f} s); CPU {1000 * overhead['cpu_per_task_s']:.1f} ms "
        f"in the flow's process, {1000 * overhead['worker_cpu_per_task_s']:.1f} ms in worker processes"
        + (f", {1000 * server:.1f} ms in the Prefect server" if server is not None else "")
    )


def split_categories(split: dict) -> dict[str, float]:
    """The stage split regrouped: parsing, validation, loading, and the rest."""
    stages, parts = split["stages"], split["parts"]

    def stage(prefix: str) -> float:
        return sum(value for name, value in stages.items() if name.startswith(prefix))

    prepare = stage("prepare_file")
    categories = {
        "parsing: read (decode + read_csv)": parts.get(PREPARE_PARTS["read_export"], 0.0),
        "parsing: map columns": parts.get(PREPARE_PARTS["map_columns"], 0.0),
        "parsing: normalise": parts.get(PREPARE_PARTS["normalise_frame"], 0.0),
        "validation: GX validate": parts.get("GX validate (Validator.validate)", 0.0),
        "validation: quarantine reasons + JSON records": parts.get(PREPARE_PARTS["quarantine_reasons"], 0.0)
        + parts.get(PREPARE_PARTS["records_as_json"], 0.0),
    }
    categories["prepare_file, other (duplicates, filtering)"] = prepare - sum(categories.values())
    categories["loading: load_files (DuckDB insert)"] = stage("load_files")
    categories["discover (list files + sha256)"] = stage("discover")
    categories["GX Data Docs"] = stage("GX Data Docs")
    categories["scorecard report (HTML, a page per provider-year)"] = stage("scorecard report")
    categories["per run: set-up, GX context, transform, publish, export"] = split["total"] - sum(categories.values())
    return categories


def print_many_summary(info: dict, split: dict, bare: float, flows_result: dict | None, many: dict, many_runs: dict | None) -> None:
    """The many-files case beside the large-file case, then where the time goes per file."""
    files = many["info"]["files"]
    log()
    log("=" * 110)
    log(
        f"MANY FILES — {many['info']['rows']:,} rows in {files:,} CSV files of {many['info']['rows'] // files:,} rows "
        f"({many['info']['bytes'] / 1e6:,.1f} MB), beside the large-file case ({info['rows']:,} rows in {info['files']} files)"
    )
    log("full flow runs: child process per run, spawn → exit, one shared Prefect server; peak RSS: the flow's process (VmHWM);")
    log("all processes: it and its children (Dask's workers) summed, sampled every 0.25 s")
    log("-" * 110)
    log(f"{'case':<46}{'rows':>11}{'files':>7}{'wall':>12}{'rows/s':>10}{'peak RSS':>11}{'all procs':>12}")

    def row(name: str, rows: int, n: int, wall: float | None, peak: float | None = None, tree: float | None = None) -> None:
        shown = lambda value, unit: f"{value:,.0f} {unit}" if value is not None else "—"
        log(
            f"{name:<46}{rows:>11,}{n:>7,}{(f'{wall:,.2f} s' if wall is not None else '—'):>12}"
            f"{(f'{rows / wall:,.0f}' if wall else '—'):>10}{shown(peak, 'MB'):>11}{shown(tree, 'MB'):>12}"
        )

    if flows_result is not None:
        full = flows_result["runs"]["full"]
        label = "large files, full flow (threads, default)" if flows_result["mode"] == "server" else "large files, full flow (IN-PROCESS)"
        row(label, info["rows"], info["files"], full["seconds"], full.get("peak_rss_mb"), full.get("tree_peak_rss_mb"))
    for name, label in (("full, threads", "threads"), ("full, Dask", "Dask")):
        run = (many_runs or {}).get(name)
        if run is None:
            continue
        if "error" in run:
            log(f"{'many files, full flow, ' + label:<46}FAILED (see above)")
            continue
        row(f"many files, full flow, {label}{many['runner_notes'][name]}", many["info"]["rows"], files, run["wall_s"],
            run["peak_rss_mb"], run.get("tree_peak_rss_mb"))
    if many_runs is None:
        log("many files, full flows: not run (no Prefect server; see above)")
    row("large files, stage split (no Prefect, 1 thread)", info["rows"], info["files"], split["total"])
    row("many files, stage split (no Prefect, 1 thread)", many["info"]["rows"], files, many["split"]["total"])
    row("large files, DuckDB bare load", info["rows"], info["files"], bare)
    row("many files, DuckDB bare load", many["info"]["rows"], files, many["bare"])

    log("-" * 110)
    log(f"where the time goes — no Prefect (stage split, one thread, in this process); ms/file = many-files total / {files:,}")
    large_categories, many_categories = split_categories(split), split_categories(many["split"])
    log(f"  {'':<64}{'large files':>12}{'many files':>12}{'ms/file':>10}{'share':>8}")
    for name, value in many_categories.items():
        log(
            f"  {name:<64}{large_categories[name]:>10.2f} s{value:>10.2f} s{1000 * value / files:>10.2f}"
            f"{100 * value / many['split']['total']:>7.1f} %"
        )
    total = many["split"]["total"]
    log(f"  {'total':<64}{split['total']:>10.2f} s{total:>10.2f} s{1000 * total / files:>10.2f}")
    parsing = sum(value for name, value in many_categories.items() if name.startswith("parsing"))
    validation = sum(value for name, value in many_categories.items() if name.startswith("validation"))
    loading = many_categories["loading: load_files (DuckDB insert)"]
    log(
        f"  per file: parsing {1000 * parsing / files:.1f} ms, validation {1000 * validation / files:.1f} ms "
        f"(GX alone {1000 * many_categories['validation: GX validate'] / files:.1f} ms), loading {1000 * loading / files:.1f} ms"
    )
    if not many_runs:
        log("=" * 110)
        return
    log("Prefect, per task run (a flow of N no-op tasks with read-and-validate's arguments, options and log line,")
    log("less a flow of one and N direct calls; includes draining the logs and events to the server):")
    for name in ("no-op, threads", "no-op, Dask"):
        run = many_runs.get(name, {})
        if "overhead" in run:
            overhead = run["overhead"]
            cpu = overhead["cpu_per_task_s"] + overhead["worker_cpu_per_task_s"] + (overhead["server_cpu_per_task_s"] or 0)
            log(
                f"  {name.split(', ')[1] + ' runner':<16} wall {1000 * overhead['per_task_s']:6.1f} ms/task (× {files:,} = "
                f"{overhead['per_task_s'] * files:,.1f} s); CPU {1000 * cpu:.1f} ms/task (× {files:,} = {cpu * files:,.1f} s): "
                f"flow process {1000 * overhead['cpu_per_task_s']:.1f}, workers {1000 * overhead['worker_cpu_per_task_s']:.1f}, "
                f"server {1000 * (overhead['server_cpu_per_task_s'] or 0):.1f}"
            )
        else:
            log(f"  {name.split(', ')[1] + ' runner':<64}FAILED (see above)")
    log("full flow run against the same work without Prefect (stage split total, one thread, GX already imported):")
    fixed = {
        "flow run itself (trivial flow's call)": flows_result["runs"]["trivial"].get("flow_s", 0.0) if flows_result else 0.0,
        "GX import + first context (large split)": split["stages"].get("GX context + suites (first use)", 0.0),
    }
    prepare = sum(value for name, value in many["split"]["stages"].items() if name.startswith("prepare_file"))
    for name in ("full, threads", "full, Dask"):
        run = many_runs.get(name, {})
        if "wall_s" not in run:
            continue
        wall, flow_call, runner = run["wall_s"], run["flow_s"], name.split(", ")[1]
        log(
            f"  {runner + ':':<9} wall {wall:7.2f} s = start + imports {run['import_s']:.2f} s + flow call {flow_call:.2f} s "
            f"+ drain/exit {wall - run['import_s'] - flow_call:.2f} s; flow call − stage split {flow_call - total:+.2f} s "
            f"({1000 * (flow_call - total) / files:+.1f} ms/file)"
        )
        cpu_all = run["cpu_s"] + run["children_cpu_s"] + run["server_cpu_s"]
        log(
            f"{'':<12}CPU: flow process {run['cpu_s']:.1f} s, worker processes {run['children_cpu_s']:.1f} s, Prefect server "
            f"{run['server_cpu_s']:.1f} s; all {cpu_all:.1f} s (stage split {total:.1f} s, of which prepare_file {prepare:.1f} s)"
        )
        overhead = many_runs.get(f"no-op, {runner}", {}).get("overhead")
        if runner == "threads" and overhead:
            per_task = overhead["per_task_s"] * files
            rest = flow_call - total - sum(fixed.values()) - per_task
            log(
                f"{'':<12}flow call − stage split = fixed per run "
                + " + ".join(f"{value:.2f} s {what}" for what, value in fixed.items())
                + f" + Prefect per task {per_task:.2f} s + the rest {rest:.2f} s ({1000 * rest / files:.1f} ms/file: the GIL shared by "
                "the runner's threads, a GX context per thread, results and logs handled in the flow's process)"
            )
        elif runner == "Dask" and overhead:
            extra = run["children_cpu_s"] - prepare
            log(
                f"{'':<12}worker CPU − prepare_file work = {extra:.1f} s ({1000 * extra / files:.1f} ms/file), of which Prefect per task "
                f"in the workers {overhead['worker_cpu_per_task_s'] * files:.1f} s; the rest: each worker's start-up (imports, GX), "
                "sending arguments and results (PreparedFile frames, GX results) between processes"
            )
    log("=" * 110)


def many_files_case(workdir: Path, args: argparse.Namespace, step: str) -> dict:
    """Generate the many files, DuckDB's bare load of them and the stage split without Prefect."""
    raw_dir = workdir / "many" / "raw"
    rows = args.many_files * args.rows_per_file
    log(f"\n{step}. many files: {args.many_files:,} files × {args.rows_per_file:,} rows, generated, loaded by DuckDB alone, stage split ...")
    started = time.perf_counter()
    info = generate(raw_dir, rows, args.many_files, args.seed, args.providers)
    log(
        f"  {info['rows']:,} rows, {info['files']:,} files, {info['bytes'] / 1e6:,.1f} MB, {info['invalid']} rows to quarantine, "
        f"generated in {seconds(time.perf_counter() - started)} (not part of any figure)"
    )
    bare, count = duckdb_bare_load(raw_dir, workdir / "many" / "duckdb-bare.duckdb")
    log(f"  DuckDB alone: {count:,} rows in {seconds(bare)}")
    log("  stage split: the plain functions in flow order, no Prefect, fresh warehouse:")
    split = stage_split(raw_dir, workdir / "many" / "stages" / "scorecard.duckdb")
    print_stage_split(split, info["rows"], per_file=info["files"])
    notes = {
        "full, threads": f" ({args.thread_workers} threads)" if args.thread_workers else "",
        "full, Dask": f" ({args.dask_workers} procs)",
    }
    return {"info": info, "bare": bare, "split": split, "raw_dir": raw_dir, "runner_notes": notes}


# ---- 6. summary ----------------------------------------------------------------------------------

def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def print_summary(info: dict, bare: float, split: dict, flows_result: dict) -> None:
    runs = flows_result["runs"]

    def spread(kind: str) -> str:
        values = runs[kind].get("all_seconds", [])
        return f" (median of {len(values)})" if len(values) > 1 else ""

    full, nothing_new, trivial = runs["full"]["seconds"], runs["nothing-new"]["seconds"], runs["trivial"]["seconds"]
    per_row = full - nothing_new
    per_row_ratio = per_row / bare if bare else float("inf")
    idle_ratio = nothing_new / trivial if trivial else float("inf")
    peak = runs["full"]["peak_rss_mb"]
    how = (
        "child process per run, spawn → exit, one shared Prefect server"
        if flows_result["mode"] == "server"
        else "in-process flow calls, Prefect temporary server (FALLBACK)"
    )
    rows = [
        ("rows", f"{info['rows']:,}", "", ""),
        ("files", f"{info['files']:,}", "", ""),
        ("DuckDB bare load (read_csv → table)", seconds(bare), "", ""),
        ("full pipeline, stage split (no Prefect)", seconds(split["total"]), "", ""),
        ("full flow run (Prefect)", seconds(full), "", ""),
        (f"nothing-new flow run{spread('nothing-new')}", seconds(nothing_new), "", ""),
        (f"trivial one-task flow{spread('trivial')}", seconds(trivial), "", ""),
        ("per-row cost = full − nothing-new", seconds(per_row), "", ""),
        ("per-row cost / DuckDB bare load", f"{per_row_ratio:.1f}×", f"≤ {TARGET_PER_ROW_RATIO:g}×", verdict(per_row_ratio <= TARGET_PER_ROW_RATIO)),
        ("nothing-new / trivial flow", f"{idle_ratio:.2f}×", f"≤ {TARGET_NOTHING_NEW_RATIO:g}×", verdict(idle_ratio <= TARGET_NOTHING_NEW_RATIO)),
        ("peak RSS of the full flow run", f"{peak:,.0f} MB", f"< {TARGET_PEAK_RSS_MB} MB", verdict(peak < TARGET_PEAK_RSS_MB)),
    ]
    log()
    log("=" * 96)
    log(f"SUMMARY — {info['rows']:,} learner-survey rows in {info['files']} CSV files ({info['bytes'] / 1e6:,.1f} MB)")
    log(f"flow timings: {how}")
    log("-" * 96)
    log(f"{'metric':<44}{'value':>16}   {'target':<12}{'result'}")
    for metric, value, target, result in rows:
        log(f"{metric:<44}{value:>16}   {target:<12}{result}")
    log("=" * 96)


# ---- main ----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark the community scorecard pipeline on synthetic learner-survey CSVs: DuckDB-only load "
            "(baseline), the pipeline's stages without Prefect, then the real Prefect flow (full run, "
            "nothing-new run, trivial one-task flow) against one local Prefect server, with peak memory. "
            "With --many-files, also many small files: threads vs Dask task runner and where the time goes per file. "
            "Prints figures and a summary table with targets; it is not a test (exit 0 even when a target is missed)."
        ),
        epilog=(
            "targets: (full − nothing-new) ≤ 3× DuckDB bare load; nothing-new ≤ 1.5× trivial flow; "
            "peak RSS of the full run < 2048 MB.  Every flow run writes the HTML report, a page per provider-year: with "
            "the default --providers 10000 at 1,000,000 rows (30,000 pages) that alone takes about 20 minutes a run on "
            "2 cores, so the default run takes well over an hour; with --providers 300, about 3 minutes.  "
            "--many-files adds about 1.1 s per file on 2 cores (500 files: ~10 minutes; 2,000: over 40)."
        ),
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="responses to generate (default: %(default)s)")
    parser.add_argument("--files", type=int, default=20, help="CSV files to spread them over (default: %(default)s)")
    parser.add_argument(
        "--workdir", type=Path,
        help="work folder (created if missing, must be empty) instead of a temporary one; removed afterwards unless --keep",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (data, warehouses, logs, Prefect home)")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the synthetic data (default: %(default)s)")
    parser.add_argument(
        "--providers", type=int, default=PROVIDERS, metavar="P",
        help="distinct providers (UKPRNs) in the synthetic data; every provider-year with enough responses is a "
        "scorecard and a page of the HTML report every flow run writes (default: %(default)s)",
    )
    parser.add_argument(
        "--profile", type=int, nargs="?", const=25, default=0, metavar="N",
        help="cProfile the stage split and print its top N functions by own time (default N: 25)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, metavar="R",
        help="nothing-new and trivial flow runs, interleaved; the summary uses the median of each (default: %(default)s)",
    )
    parser.add_argument(
        "--in-process", action="store_true",
        help="skip the Prefect server: run the flows in-process in one child (each process would otherwise start its own "
        "temporary server); the --many-files flow runs are then skipped",
    )
    many = parser.add_argument_group(
        "many small files",
        "also time N files of M rows: DuckDB alone, the stage split without Prefect, full flow runs with the threads and "
        "the Dask task runner and no-op task flows (Prefect's per-task overhead) against the same server, and print them "
        "beside the large-file case with a per-file breakdown",
    )
    many.add_argument(
        "--many-files", type=int, nargs="?", const=2000, default=0, metavar="N",
        help="run the many-files case with N files (default N when given without a value: 2000; 0: off, the default)",
    )
    many.add_argument("--rows-per-file", type=int, default=500, metavar="M", help="rows in each of those files (default: %(default)s)")
    many.add_argument(
        "--thread-workers", type=int, default=0, metavar="W",
        help="threads of the threads runner in the many-files runs (default 0: the runner's default, as `scorecard run`)",
    )
    many.add_argument(
        "--dask-workers", type=int, default=2, metavar="W",
        help="worker processes of the local Dask cluster in the many-files runs (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1 or args.files < 1 or args.files > args.rows:
        parser.error("need 1 ≤ --files ≤ --rows")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.providers < 1 or args.providers > 90_000_000:
        parser.error("--providers must be between 1 and 90,000,000 (UKPRNs are 8 digits starting with 1)")
    if args.many_files < 0 or args.rows_per_file < 1 or args.thread_workers < 0 or args.dask_workers < 1:
        parser.error("need --many-files ≥ 0, --rows-per-file ≥ 1, --thread-workers ≥ 0 and --dask-workers ≥ 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    created = args.workdir is None or not args.workdir.exists()
    if args.workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="scorecard-benchmark-"))
    else:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        if any(workdir.iterdir()):
            log(f"benchmark: --workdir {workdir} is not empty; give an empty or new folder")
            return 2
    try:
        return run(args, workdir)
    finally:
        if args.keep:
            log(f"\nwork folder kept: {workdir}")
        elif created:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            for child in workdir.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    raw_dir = workdir / "raw"
    log(
        f"scorecard benchmark: {args.rows:,} rows in {args.files} files"
        + (f", then {args.many_files:,} files of {args.rows_per_file:,} rows" if args.many_files else "")
        + f"; {args.providers:,} providers; work folder {workdir}"
    )
    log(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)\n")

    log("1. generating synthetic learner survey (numpy, seeded) ...")
    started = time.perf_counter()
    info = generate(raw_dir, args.rows, args.files, args.seed, args.providers)
    log(
        f"  {info['rows']:,} rows, {info['files']} files, {info['bytes'] / 1e6:,.1f} MB, "
        f"{info['invalid']} rows with overall_satisfaction 11 (to quarantine) in {seconds(time.perf_counter() - started)}"
        " (not part of any figure below)"
    )

    log("\n2. baseline: DuckDB alone, read_csv of the same files into a table ...")
    bare, count = duckdb_bare_load(raw_dir, workdir / "duckdb-bare.duckdb")
    log(f"  {count:,} rows in {seconds(bare)} (connect, CREATE TABLE t AS SELECT * FROM read_csv('…/*.csv'), close)")

    log("\n3. stage split: the plain functions in flow order, no Prefect, fresh warehouse ...")
    profile_path = workdir / "stage-split.prof" if args.profile else None
    split = stage_split(raw_dir, workdir / "stages" / "scorecard.duckdb", profile_path)
    print_stage_split(split, info["rows"])
    if profile_path:
        print_profile(profile_path, args.profile)

    many = many_files_case(workdir, args, "4") if args.many_files else None

    log(
        f"\n{5 if many else 4}. the Prefect flow flows.nightly.nightly, fresh warehouse: full run, nothing-new run, trivial flow"
        + (" (large files); then the many-files runs" if many else "") + " ..."
    )
    flow_raw, flow_warehouse = raw_dir, workdir / "flow" / "scorecard.duckdb"
    many_runs = None

    def then(server: PrefectServer, env: dict) -> dict:
        log(f"  many files ({many['info']['files']:,} × {args.rows_per_file:,} rows), same server, fresh warehouses, child processes:")
        return many_files_flow_runs(workdir, many["raw_dir"], server, env, args)

    if args.in_process:
        flows_result = flow_runs_in_process(workdir, flow_raw, flow_warehouse, args.repeats, "--in-process given")
    else:
        try:
            flows_result = flow_runs_with_server(workdir, flow_raw, flow_warehouse, args.repeats, then if many else None)
            many_runs = flows_result["then"]
        except ServerUnavailable as error:  # a failing flow run is reported, not retried another way
            log(f"  the Prefect server could not be started: {error}")
            shutil.rmtree(flow_warehouse.parent, ignore_errors=True)
            flows_result = flow_runs_in_process(workdir, flow_raw, flow_warehouse, args.repeats, "server approach failed")

    full_summary = flows_result["runs"]["full"].get("summary", {})
    idle_summary = flows_result["runs"]["nothing-new"].get("summary", {})
    loaded = full_summary.get("rows_loaded", 0) + full_summary.get("rows_quarantined", 0) + full_summary.get("rows_duplicate", 0)
    if loaded != info["rows"] or idle_summary.get("files_loaded", -1) != 0:
        log(f"  WARNING: unexpected flow results: full {full_summary}, nothing-new {idle_summary}")
    if many and many_runs is None:
        log("  the many-files flow runs need the Prefect server: not run")
    for name, run in (many_runs or {}).items():
        summary = run.get("summary")
        if summary is not None and (
            summary["files_loaded"] != many["info"]["files"]
            or summary["rows_loaded"] + summary["rows_quarantined"] + summary["rows_duplicate"] != many["info"]["rows"]
        ):
            log(f"  WARNING: unexpected many-files flow result ({name}): {summary}")

    print_summary(info, bare, split, flows_result)
    if many:
        print_many_summary(info, split, bare, flows_result, many, many_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
