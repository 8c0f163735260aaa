"""Benchmark the nightly pipeline on a large synthetic learner survey, and print where the time goes.

    .venv/bin/python scripts/benchmark.py                    # 1,000,000 rows in 20 files
    .venv/bin/python scripts/benchmark.py --rows 100000 --files 4 --keep

This prints figures; it is not a test and asserts nothing (exit status 0 even when a target is not
met). What it does, all in a work folder (a temporary one, removed afterwards unless --keep):

 1. generates N learner-survey responses (seeded numpy, vectorised) as F CSV files in
    <workdir>/raw/learner_survey/, valid apart from a few rows with overall_satisfaction "11" (about
    0.01 %) so the quarantine path runs;
 2. baseline: DuckDB alone reads the same CSV files into a table of a fresh DuckDB file;
 3. stage split: the pipeline's plain functions in flow order, without Prefect, on a fresh
    warehouse, each stage timed (prepare_file further split into read / map / normalise / GX ...);
 4. the real Prefect flow `flows.nightly.nightly` against one long-lived local Prefect server
    (`prefect server start`, PREFECT_HOME in the work folder): an untimed warm-up flow, a full run
    on a fresh warehouse, then --repeats interleaved pairs of a run with nothing new and a trivial
    one-task flow (medians used). Each run is its own child Python process, timed from spawn to
    exit (what a user of `scorecard run` sees). If the server cannot be started (or with
    --in-process) the runs happen in-process in one child instead, with Prefect's temporary server,
    and the output says so;
 5. the peak RSS of the full flow run's process (its VmHWM: see run_child for why not ru_maxrss);
 6. a summary table with the targets and whether each is met.

Stages 2 and 3 run in this process; stage 4 in child processes.
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

def generate(raw_dir: Path, rows: int, files: int, seed: int = SEED) -> dict:
    """Write `rows` learner-survey responses over `files` CSV files; return counts of what was made."""
    rng = np.random.default_rng(seed)
    folder = raw_dir / KIND
    folder.mkdir(parents=True, exist_ok=True)
    invalid_total = 0
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
                "ukprn": 10_000_000 + rng.integers(0, 10_000, size=n),  # 1000xxxx
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
        frame.to_csv(folder / f"learner_survey_{number:03d}.csv", index=False)
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


# Functions prepare_file calls through flows.ingest's globals, timed by wrapping them there.
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

    import flows.ingest as ingest
    from flows.discover import discover_files, plan_work
    from flows.frameworks import load_frameworks
    from flows.load import load_files
    from flows.paths import REFERENCE_DIR, SCORECARDS_DIR
    from flows.transform import transform
    from flows.validate import Validator, suite_parameters
    from flows.warehouse import area_codes, connect, loaded_files, publish, start_build

    timer = StageTimer()
    run_id = str(uuid.uuid4())
    profiler = cProfile.Profile() if profile_to else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    with timer.stage("discover (list files + sha256)"):
        frameworks = load_frameworks(SCORECARDS_DIR)
        discovery = discover_files(raw_dir)
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
                prepared.append(ingest.prepare_file(source.path, source.kind, source.file_path, validator, source.sha256))
    with timer.stage("load_files (DuckDB insert)"):
        load_log = load_files(build, prepared, skipped, run_id)
    with timer.stage("transform (SQL models)"):
        transform(build, frameworks, REFERENCE_DIR)
    with timer.stage("publish (checkpoint, fsync, rename)"):
        publish(build, warehouse)
    if validator.results:
        with timer.stage("GX Data Docs"):
            validator.write_data_docs(warehouse.parent / "data-docs", run_id)
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


def print_stage_split(split: dict, rows: int) -> None:
    width = 52
    prepare_name = next(name for name in split["stages"] if name.startswith("prepare_file"))
    for name, value in split["stages"].items():
        log(f"  {name:<{width}} {value:>9.2f} s  {100 * value / split['total']:5.1f} %")
        if name == prepare_name:
            accounted = 0.0
            for part, part_value in split["parts"].items():
                accounted += part_value
                log(f"    {part:<{width - 2}} {part_value:>9.2f} s  {100 * part_value / split['total']:5.1f} %")
            other = split["stages"][prepare_name] - accounted
            log(f"    {'other (duplicates, reindex, filtering)':<{width - 2}} {other:>9.2f} s  {100 * other / split['total']:5.1f} %")
    log(f"  {'total':<{width}} {split['total']:>9.2f} s")
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
    '''
    """Benchmark child: run one flow (or, in-process mode, all of them) and write timings as JSON."""
    import json, os, resource, sys, time, traceback

    started = time.perf_counter()
    mode, out = sys.argv[1], sys.argv[2]
    result = {"mode": mode}


    def peak_rss_kb():
        """This process's own peak RSS (VmHWM of its address space since exec). Not ru_maxrss: on Linux
        that also counts the parent's RSS at fork, carried over the exec, which here is the benchmark's."""
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


    status = 0
    try:
        if mode == "nightly":
            from flows.nightly import nightly
            imported = time.perf_counter()
            result["summary"] = nightly_summary(nightly(raw_dir=sys.argv[3], warehouse=sys.argv[4]))
        elif mode == "trivial":
            trivial = trivial_flow()
            imported = time.perf_counter()
            trivial()
        elif mode == "all":  # fallback: one process, Prefect's temporary in-process server, started once
            from flows.nightly import nightly
            trivial = trivial_flow()
            imported = time.perf_counter()
            runs = {}
            run_nightly = lambda: nightly(raw_dir=sys.argv[3], warehouse=sys.argv[4])
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
        result.update(import_s=imported - started, flow_s=finished - imported)
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=30)
        result["drain_s"] = time.perf_counter() - finished
    except BaseException:
        result["error"] = traceback.format_exc()
        status = 1
    result["peak_rss_kb"] = peak_rss_kb()
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
    '''
)


def run_child(workdir: Path, name: str, args: list[str], env: dict) -> dict:
    """Run the child script; return its JSON plus wall time (spawn → exit) and its peak RSS in MB.

    The peak is the child's own VmHWM. wait4's ru_maxrss (like RUSAGE_CHILDREN) is not used: Linux
    carries the forking parent's RSS high-water mark over exec, so it would report this process's
    size (hundreds of MB after the stage split) for even the trivial flow."""
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
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    result = json.loads(out.read_text()) if out.exists() else {"error": f"no result (exit status {process.returncode})"}
    peak_kb = result.get("peak_rss_kb") or usage.ru_maxrss
    result.update(wall_s=wall, exit=process.returncode, peak_rss_mb=peak_kb / 1024, log=str(log_path))
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
        + (f", Prefect server CPU meanwhile {run['server_cpu_s']:.2f} s" if "server_cpu_s" in run else "")
    )
    return text + (f"\n{'':<17}{run['summary']}" if "summary" in run else "")


def median_run(runs: list[dict]) -> dict:
    """The run of median time (lower median), with the spread of all of them."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "all_seconds": [run["seconds"] for run in runs]}


def flow_runs_with_server(workdir: Path, raw_dir: Path, warehouse: Path, repeats: int) -> dict:
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
            run = run_child(workdir, name.replace("#", "-"), args, env)
            run["server_cpu_s"] = server.cpu_seconds() - server_cpu
            runs[name] = {"seconds": run["wall_s"], **run}
            log(describe_child_run(name, run))
        result = {"full": runs["full"], "warm-up": runs["warm-up"]}
        for kind in ("nothing-new", "trivial"):
            result[kind] = median_run([run for name, run in runs.items() if name.startswith(kind + "#")])
        return {"mode": "server", "runs": result}
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
            "Prints figures and a summary table with targets; it is not a test (exit 0 even when a target is missed)."
        ),
        epilog=(
            "targets: (full − nothing-new) ≤ 3× DuckDB bare load; nothing-new ≤ 1.5× trivial flow; "
            "peak RSS of the full run < 2048 MB.  The default run takes several minutes on 2 cores."
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
        "--profile", type=int, nargs="?", const=25, default=0, metavar="N",
        help="cProfile the stage split and print its top N functions by own time (default N: 25)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, metavar="R",
        help="nothing-new and trivial flow runs, interleaved; the summary uses the median of each (default: %(default)s)",
    )
    parser.add_argument(
        "--in-process", action="store_true",
        help="skip the Prefect server: run the flows in-process in one child (each process would otherwise start its own temporary server)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1 or args.files < 1 or args.files > args.rows:
        parser.error("need 1 ≤ --files ≤ --rows")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
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
    log(f"scorecard benchmark: {args.rows:,} rows in {args.files} files; work folder {workdir}")
    log(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)\n")

    log("1. generating synthetic learner survey (numpy, seeded) ...")
    started = time.perf_counter()
    info = generate(raw_dir, args.rows, args.files, args.seed)
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

    log("\n4. the Prefect flow flows.nightly.nightly, fresh warehouse: full run, nothing-new run, trivial flow ...")
    flow_raw, flow_warehouse = raw_dir, workdir / "flow" / "scorecard.duckdb"
    if args.in_process:
        flows_result = flow_runs_in_process(workdir, flow_raw, flow_warehouse, args.repeats, "--in-process given")
    else:
        try:
            flows_result = flow_runs_with_server(workdir, flow_raw, flow_warehouse, args.repeats)
        except ServerUnavailable as error:  # a failing flow run is reported, not retried another way
            log(f"  the Prefect server could not be started: {error}")
            shutil.rmtree(flow_warehouse.parent, ignore_errors=True)
            flows_result = flow_runs_in_process(workdir, flow_raw, flow_warehouse, args.repeats, "server approach failed")

    full_summary = flows_result["runs"]["full"].get("summary", {})
    idle_summary = flows_result["runs"]["nothing-new"].get("summary", {})
    loaded = full_summary.get("rows_loaded", 0) + full_summary.get("rows_quarantined", 0) + full_summary.get("rows_duplicate", 0)
    if loaded != info["rows"] or idle_summary.get("files_loaded", -1) != 0:
        log(f"  WARNING: unexpected flow results: full {full_summary}, nothing-new {idle_summary}")

    print_summary(info, bare, split, flows_result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
