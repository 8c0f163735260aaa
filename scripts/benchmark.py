"""Benchmark the nightly job, `scorecard.pipeline.run`, against the performance targets of the issue.

    .venv/bin/python scripts/benchmark.py                      # every target at the issue's sizes
    .venv/bin/python scripts/benchmark.py --quick              # scaled down: a smoke run of a few minutes
    .venv/bin/python scripts/benchmark.py --only memory        # a subset: cost nothing-new memory many-files report

Every pipeline run is `scorecard.pipeline.run` in a child Python process of its own, timed from spawn to exit,
its peak RSS read from its VmHWM: either called directly with `PlainSteps` (a subclass that times each named
step and notes the peak RSS after it), or through the real Prefect flow `flows.nightly.nightly` (its
`PrefectSteps` timed the same way) against one long-lived `prefect server start` child with PREFECT_HOME in
the work folder. If that server cannot be started, or with --in-process, each flow child uses Prefect's
temporary server instead and the output says so. Runs pass settle_seconds=0 (the files are freshly written).

The data are seeded, vectorised synthetic learner-survey exports in the import template's columns: real
LSOA codes (mostly in the provider's own local authority), a few blank answers, ~0.01 % rows with
overall_satisfaction "11" for the quarantine, and every provider in raw/providers/provider_register.csv,
so the marts, the scorecards and a report page per provider-year exist.

Targets (2-core machine), each printed as a ratio measured side by side in one invocation:
 1 cost         (full run − run with nothing new) ≤ 3 × DuckDB's bare read_csv of the same files into a
                table of a fresh DuckDB file; --rows in --files files; PlainSteps, time by step
 2 nothing-new  a flow run with nothing new ≤ 1.5 × a trivial one-task flow, same Prefect mode
                (child per run, interleaved --repeats, medians)
 3 memory       peak RSS of a full run ≤ 1 GB at --big-rows rows, growing < 100 MB per further million
                (--big-rows in --files files, against the --rows case)
 4 many-files   --many-files files of --rows-per-file rows (one provider each): rows/s ≥ half that of
                the same rows in one file
 5 report       after one small file is added (a late return for one provider) only the affected report
                pages are rendered again: pages rewritten, and whether any of them shows nothing new

It prints figures, a summary table with MET / NOT MET and, for a missed target, where the time goes.
It asserts nothing and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # numpy and pandas are imported where used: a child running a trivial flow never loads them
    import numpy as np
    import pandas as pd

# No telemetry from Prefect, GX or anything started here (the scorecard package does the same).
QUIET_ENV = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
os.environ.update(QUIET_ENV)

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
CHILD_FLAG = "--child"
TARGETS = ("cost", "nothing-new", "memory", "many-files", "report")
BEFORE_STEPS = "(imports, before the first step)"
OUTSIDE = "outside the steps (start, imports, set-up, exit)"
TOTAL = "total, spawn → exit"
STEPS = ("discover", "open-build", "read", "load", "transform", "publish", "export", "report", "data-docs")

KIND = "learner_survey"
SEED = 20240101
IMD_FILE = ROOT / "reference" / "deprivation" / "imd2019_lsoa.csv.gz"
INVALID_RATE = 1e-4  # overall_satisfaction "11": quarantined
BLANK_RATE = 0.01  # blank optional answers (recommend, support, home_lsoa): loaded as NULL
LOCAL_SHARE = 0.8  # learners living in their provider's own local authority
LATE_RETURN_ROWS = 40
ACADEMIC_YEARS = ("2021/22", "2022/23", "2023/24")
AGE_BANDS, AGE_BAND_P = ("16-18", "19-23", "24+"), (0.45, 0.30, 0.25)
SCALE_0_10_P = (0.01, 0.01, 0.01, 0.02, 0.03, 0.06, 0.08, 0.14, 0.22, 0.22, 0.20)
SCALE_1_5_P = (0.08, 0.17, 0.32, 0.28, 0.15)
PROGRESS, PROGRESS_P = (-1, 0, 1, 2), (0.10, 0.40, 0.35, 0.15)  # now − before, clipped to 1-5
PROVIDER_TYPES = (
    "General further education college",
    "Sixth form college",
    "Independent training provider",
    "Specialist college",
    "Adult and community learning",
)
PROVIDER_TYPE_P = (0.30, 0.10, 0.40, 0.05, 0.15)

TARGET_PER_ROW = 3.0  # (full − nothing-new) / DuckDB bare load
TARGET_NOTHING_NEW = 1.5  # nothing-new flow run / trivial flow
TARGET_PEAK_MB = 1024.0  # at --big-rows
TARGET_GROWTH_MB = 100.0  # per further million rows
TARGET_MANY_FILES = 0.5  # rows/s of many small files / rows/s of one file
TITLES = {
    "cost": "1 per-row cost: (full − nothing new) / DuckDB bare load",
    "nothing-new": "2 nothing-new flow run / trivial one-task flow",
    "memory": "3 peak RSS at {rows:,} rows; growth per further million",
    "many-files": "4 rows/s of {files:,} small files / the same rows in one file",
    "report": "5 report pages rewritten after one small file ({providers:,} providers)",
}


@dataclass(frozen=True)
class Sizes:
    rows: int
    files: int
    providers: int
    report_providers: int
    report_rows: int
    many_files: int
    rows_per_file: int
    big_rows: int
    repeats: int


# The main case has as many providers as a large region (each provider-year is a report page, whose
# rendering is per provider, not per row); the report case has 10,000, as the issue asks.
FULL = Sizes(
    rows=1_000_000,
    files=10,
    providers=300,
    report_providers=10_000,
    report_rows=1_000_000,
    many_files=500,
    rows_per_file=500,
    big_rows=3_000_000,
    repeats=3,
)
QUICK = Sizes(
    rows=100_000,
    files=10,
    providers=100,
    report_providers=1_000,
    report_rows=100_000,
    many_files=50,
    rows_per_file=500,
    big_rows=300_000,
    repeats=2,
)


def say(message: str = "") -> None:
    print(message, flush=True)


def secs(value: float) -> str:
    return f"{value:,.2f} s"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], indent: int = 2) -> None:
    """Left-aligned first column, the others right-aligned, each as wide as its widest cell."""
    lines = [list(header), *[list(row) for row in rows]]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    for line in lines:
        cells = [line[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True))]
        say(" " * indent + "  ".join(cells).rstrip())


# ---- synthetic data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    raw_dir: Path
    rows: int
    files: int
    providers: int
    invalid: int

    def describe(self) -> str:
        size = sum(path.stat().st_size for path in (self.raw_dir / KIND).glob("*.csv")) / 1e6
        return (
            f"{self.rows:,} rows in {self.files:,} file(s), {size:,.1f} MB, {self.providers:,} providers in the register, "
            f"{self.invalid:,} rows to quarantine"
        )


@dataclass(frozen=True)
class Geography:
    """LSOA codes (IMD 2019 file) sorted by local authority, and where each authority's run of them starts."""

    lsoa: np.ndarray
    la_codes: np.ndarray
    la_start: np.ndarray
    la_count: np.ndarray

    @classmethod
    def load(cls) -> Geography:
        import numpy as np
        import pandas as pd

        imd = pd.read_csv(IMD_FILE, usecols=[0, 2], dtype=str, encoding="utf-8-sig")
        imd.columns = ["lsoa", "la"]
        imd = imd.sort_values(["la", "lsoa"])
        la_codes, la_start, la_count = np.unique(imd["la"].to_numpy(str), return_index=True, return_counts=True)
        return cls(imd["lsoa"].to_numpy(str), la_codes, la_start, la_count)

    def lsoas(self, rng: np.random.Generator, home_la: np.ndarray) -> np.ndarray:
        """A home LSOA per learner: mostly in the provider's local authority, otherwise anywhere."""
        import numpy as np

        anywhere = rng.integers(0, len(self.la_codes), size=len(home_la))
        la = np.where(rng.random(len(home_la)) < LOCAL_SHARE, home_la, anywhere)
        return self.lsoa[self.la_start[la] + (rng.random(len(la)) * self.la_count[la]).astype(np.int64)]


def write_register(raw_dir: Path, rng: np.random.Generator, geography: Geography, count: int) -> np.ndarray:
    """raw/providers/provider_register.csv with UKPRNs 10000000 … + count − 1; returns each one's local authority."""
    import numpy as np
    import pandas as pd

    home_la = rng.integers(0, len(geography.la_codes), size=count)
    register = pd.DataFrame(
        {
            "ukprn": 10_000_000 + np.arange(count),
            "provider_name": np.char.mod("Benchmark Provider %05d", np.arange(count)),
            "provider_type": rng.choice(PROVIDER_TYPES, size=count, p=PROVIDER_TYPE_P),
            "area_code": geography.la_codes[home_la],
        }
    )
    (raw_dir / "providers").mkdir(parents=True, exist_ok=True)
    register.to_csv(raw_dir / "providers" / "provider_register.csv", index=False)
    return home_la


def responses(
    rng: np.random.Generator, ids: np.ndarray, providers: np.ndarray, years: np.ndarray, home_la: np.ndarray, geography: Geography
) -> tuple[pd.DataFrame, int]:
    """Learner-survey rows for the given respondent ids, provider numbers (0-based), academic years and the
    providers' local authorities (each row's); returns them with the number of rows made invalid."""
    import numpy as np
    import pandas as pd

    n = len(ids)

    def scale(points: int, p: Sequence[float], offset: int = 0) -> np.ndarray:
        return rng.choice(points, size=n, p=p) + offset

    def blanks(values: np.ndarray | pd.Series) -> pd.Series:
        return pd.Series(values).mask(rng.random(n) < BLANK_RATE)

    invalid = rng.random(n) < INVALID_RATE
    satisfaction = scale(11, SCALE_0_10_P)
    satisfaction[invalid] = 11
    confidence, skills = scale(5, SCALE_1_5_P, 1), scale(5, SCALE_1_5_P, 1)
    frame = pd.DataFrame(
        {
            "respondent_id": ids,
            "ukprn": 10_000_000 + providers,
            "survey_year": years,
            "age_band": rng.choice(AGE_BANDS, size=n, p=AGE_BAND_P),
            "home_lsoa": blanks(geography.lsoas(rng, home_la)),
            "overall_satisfaction": satisfaction,
            "recommend": blanks(scale(11, SCALE_0_10_P)).astype("Int64"),
            "teaching": scale(11, SCALE_0_10_P),
            "support": blanks(scale(11, SCALE_0_10_P)).astype("Int64"),
            "confidence_before": confidence,
            "confidence_now": np.clip(confidence + rng.choice(PROGRESS, size=n, p=PROGRESS_P), 1, 5),
            "skills_before": skills,
            "skills_now": np.clip(skills + rng.choice(PROGRESS, size=n, p=PROGRESS_P), 1, 5),
        }
    )
    return frame, int(invalid.sum())


def file_name(number: int, files: int) -> str:
    return f"{KIND}_{number:0{max(3, len(str(files)))}d}.csv"


def generate_spread(raw_dir: Path, rows: int, files: int, providers: int, seed: int) -> Dataset:
    """Annual exports: each file one academic year (in turn), its rows from any of the providers."""
    import numpy as np

    rng = np.random.default_rng(seed)
    geography = Geography.load()
    home_la = write_register(raw_dir, rng, geography, providers)
    (raw_dir / KIND).mkdir(parents=True, exist_ok=True)
    invalid = 0
    for number, ids in enumerate(np.array_split(np.arange(rows, dtype=np.int64), files), 1):
        years = np.full(len(ids), ACADEMIC_YEARS[(number - 1) % len(ACADEMIC_YEARS)])
        chosen = rng.integers(0, providers, size=len(ids))
        frame, bad = responses(rng, 60_000_000 + ids, chosen, years, home_la[chosen], geography)
        frame.to_csv(raw_dir / KIND / file_name(number, files), index=False)
        invalid += bad
    return Dataset(raw_dir, rows, files, providers, invalid)


def generate_per_provider(many_dir: Path, one_dir: Path, files: int, rows_per_file: int, seed: int) -> tuple[Dataset, Dataset]:
    """Each provider's own export (provider k in file k, rows over the academic years) in many_dir, and
    the very same rows as one file in one_dir; both with the same register."""
    import numpy as np

    rng = np.random.default_rng(seed)
    geography = Geography.load()
    home_la = write_register(many_dir, rng, geography, files)
    shutil.copytree(many_dir / "providers", one_dir / "providers")
    for folder in (many_dir / KIND, one_dir / KIND):
        folder.mkdir(parents=True, exist_ok=True)
    invalid = 0
    with open(one_dir / KIND / file_name(1, 1), "w", encoding="utf-8", newline="") as combined:
        for number in range(files):
            ids = 70_000_000 + number * rows_per_file + np.arange(rows_per_file, dtype=np.int64)
            years = rng.choice(ACADEMIC_YEARS, size=rows_per_file)
            frame, bad = responses(rng, ids, np.full(rows_per_file, number), years, np.full(rows_per_file, home_la[number]), geography)
            frame.to_csv(many_dir / KIND / file_name(number + 1, files), index=False)
            frame.to_csv(combined, index=False, header=number == 0)
            invalid += bad
    rows = files * rows_per_file
    return Dataset(many_dir, rows, files, files, invalid), Dataset(one_dir, rows, 1, files, invalid)


def add_late_return(dataset: Dataset, seed: int) -> tuple[Path, str]:
    """A small extra file: a late return of one provider (the middle one of the register) for the latest year."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed + 1)
    geography = Geography.load()
    register = pd.read_csv(dataset.raw_dir / "providers" / "provider_register.csv", dtype=str)
    provider = register.iloc[len(register) // 2]
    ids = 90_000_000 + np.arange(LATE_RETURN_ROWS, dtype=np.int64)
    number = np.full(LATE_RETURN_ROWS, int(provider["ukprn"]) - 10_000_000)
    home_la = np.full(LATE_RETURN_ROWS, np.searchsorted(geography.la_codes, provider["area_code"]))
    frame, _ = responses(rng, ids, number, np.full(LATE_RETURN_ROWS, ACADEMIC_YEARS[-1]), home_la, geography)
    path = dataset.raw_dir / KIND / f"{KIND}_late_return_{provider['ukprn']}.csv"
    frame.to_csv(path, index=False)
    return path, str(provider["ukprn"])


def duckdb_bare_load(dataset: Dataset, database: Path) -> float:
    """Seconds for DuckDB alone to read the dataset's CSV files into a table of a fresh DuckDB file."""
    import duckdb

    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)
    pattern = str(dataset.raw_dir / KIND / "*.csv").replace("'", "''")
    started = time.perf_counter()
    con = duckdb.connect(str(database))
    try:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{pattern}')")
    finally:
        con.close()  # checkpoints: the table is on disk, as the pipeline's publish leaves it
    return time.perf_counter() - started


# ---- child processes -----------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries the forking parent's high-water
    mark over exec, so a child would report the benchmark's own size."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class StepClock:
    """Mixin for a `Steps` class: wall seconds of each named step (summed over calls), the peak RSS after
    it, and what the report step says it did. The latest instance is kept for the child to read."""

    latest: StepClock | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds: dict[str, float] = {}
        self.report: dict[str, int] = {}
        self.peak_mb: dict[str, float] = {BEFORE_STEPS: peak_rss_mb()}
        StepClock.latest = self

    def run(self, name: str, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            result = super().run(name, function, *args, **kwargs)  # type: ignore[misc]
        finally:
            self.note(name, started)
        if name == "report":
            self.report = report_counts(result)
        return result

    def map(self, name: str, function: Callable[..., Any], items: Sequence[Any], /, **kwargs: Any) -> list[Any]:
        started = time.perf_counter()
        try:
            return super().map(name, function, items, **kwargs)  # type: ignore[misc]
        finally:
            self.note(name, started)

    def note(self, name: str, started: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        self.peak_mb[name] = peak_rss_mb()


def report_counts(result: Any) -> dict[str, int]:
    """What `build_report` returned, as counts: a result object with rendered/kept (…), or a list of pages."""
    counts = {key: value for key in ("rendered", "kept", "removed") if isinstance(value := getattr(result, key, None), int)}
    if not counts and isinstance(result, list):
        counts["pages"] = len(result)
    return counts


def summary_counts(summary: Any) -> dict[str, Any]:
    fields = ("files_loaded", "files_skipped", "files_rejected", "rows_loaded", "rows_quarantined", "rows_duplicate", "pages_rendered")
    source = summary if isinstance(summary, dict) else vars(summary)
    return {key: source.get(key) for key in fields}


def child_plain(spec: dict[str, Any]) -> dict[str, Any]:
    from scorecard.pipeline import PlainSteps, RunOptions, run

    steps = type("TimedPlainSteps", (StepClock, PlainSteps), {})()
    options = RunOptions(raw_dir=Path(spec["raw_dir"]), warehouse=Path(spec["warehouse"]), settle_seconds=0)
    return timed_call(lambda: run(options, steps=steps), prefect=False)


def child_flow(spec: dict[str, Any]) -> dict[str, Any]:
    """The real flow, its PrefectSteps swapped for a subclass that times each step (a task run)."""
    import flows.nightly as nightly_module

    nightly_module.PrefectSteps = type("TimedPrefectSteps", (StepClock, nightly_module.PrefectSteps), {})  # type: ignore[misc, assignment]
    return timed_call(lambda: nightly_module.nightly(raw_dir=spec["raw_dir"], warehouse=spec["warehouse"], settle_seconds=0))


def child_trivial(spec: dict[str, Any]) -> dict[str, Any]:
    from prefect import flow, task

    @task(name="one")
    def one() -> None:
        return None

    @flow(name="benchmark-trivial")
    def trivial() -> None:
        one()

    return timed_call(trivial)


def timed_call(call: Callable[[], Any], prefect: bool = True) -> dict[str, Any]:
    """Call the run (imports done): seconds of the imports before it, of the call, and of sending Prefect's
    queued logs and events after it; the run's summary and step timings."""
    imported = time.perf_counter()
    value = call()
    called = time.perf_counter()
    if prefect:
        drain_prefect()
    result: dict[str, Any] = {"import_s": imported - STARTED, "call_s": called - imported, "drain_s": time.perf_counter() - called}
    if value is not None:
        result["summary"] = summary_counts(value)
    if StepClock.latest is not None:
        clock = StepClock.latest
        result.update(steps=clock.seconds, peak_after_mb=clock.peak_mb, report=clock.report)
    return result


def drain_prefect() -> None:
    """Send the logs and events still queued for the API (a flow call returns before they are sent)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=120, at_exit=False)
    EventsWorker.drain_all(timeout=120, at_exit=False)


def stop_temporary_server() -> None:
    """Without PREFECT_API_URL Prefect ran a temporary server subprocess, stopped at exit (atexit), which
    os._exit skips: stop it here."""
    if "prefect.server.api.server" in sys.modules:
        from prefect.server.api.server import SubprocessASGIServer

        for server in list(SubprocessASGIServer._instances.values()):
            server.stop()


def child_main(spec: dict[str, Any]) -> NoReturn:
    """Run one pipeline run or flow, write its figures as JSON to spec["out"] and exit at once."""
    result: dict[str, Any] = {}
    try:
        result = {"plain": child_plain, "flow": child_flow, "trivial": child_trivial}[spec["mode"]](spec)
    except BaseException:
        result["error"] = traceback.format_exc()
    result["peak_rss_mb"] = peak_rss_mb()
    try:
        stop_temporary_server()
    except Exception as error:
        result["server_stop_error"] = repr(error)
    Path(spec["out"]).write_text(json.dumps(result), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: DuckDB's bindings print pages of "nanobind: leaked instance" warnings while
    # Prefect's objects are torn down (scorecard.cli.entry_point silences them instead).
    os._exit(0 if "error" not in result else 1)


class ChildFailed(RuntimeError):
    pass


def run_child(workdir: Path, name: str, spec: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run this script as a child (spec["mode"]: plain | flow | trivial); its JSON plus wall_s, spawn → exit."""
    (workdir / "logs").mkdir(parents=True, exist_ok=True)
    out, log_path = workdir / "logs" / f"{name}.json", workdir / "logs" / f"{name}.log"
    out.unlink(missing_ok=True)
    with open(log_path, "wb") as log_file:
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), CHILD_FLAG, json.dumps({**spec, "out": str(out)})],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - started
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"error": "no result written"}
    if process.returncode != 0 or "error" in result:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
        raise ChildFailed(f"child {name!r} failed (exit {process.returncode}); log {log_path}\n{result.get('error', '')}\n{tail}")
    return {**result, "wall_s": wall, "name": name}


# ---- the Prefect server --------------------------------------------------------------------------


class ServerUnavailable(RuntimeError):
    """The long-lived Prefect server could not be started: fall back to Prefect's temporary server."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrefectServer:
    """`prefect server start` from the venv as a child in a session of its own (its workers stop with it)."""

    def __init__(self, home: Path, log_path: Path):
        self.home, self.log_path = home, log_path
        self.api_url = f"http://127.0.0.1:{free_port()}/api"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180) -> float:
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        prefect = Path(sys.executable).with_name("prefect")
        env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL", None)
        port = self.api_url.rsplit(":", 1)[1].split("/")[0]
        started = time.perf_counter()
        try:
            with open(self.log_path, "wb") as log_file:
                self.process = subprocess.Popen(
                    [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", port, "--analytics-off"],
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
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
        total = 0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[3]) == self.process.pid:  # session id: everything `prefect server start` started
                    total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, quiet: float = 1.0, busy: float = 0.1, timeout: float = 120) -> None:
        """Wait until the server has used under `busy` of a CPU for `quiet` seconds: it digests a run's
        events after the run's process has exited, and would slow the next timed run."""
        begun = calm_since = time.perf_counter()
        last = self.cpu_seconds()
        while time.perf_counter() - begun < timeout and time.perf_counter() - calm_since < quiet:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - last > busy * 0.25:
                calm_since = time.perf_counter()
            last = now

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)  # the session this script started, by its id
                self.process.wait(timeout=wait)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class PrefectMode:
    env: dict[str, str]
    label: str
    server: PrefectServer | None = None

    def settle(self) -> None:
        if self.server is not None:
            self.server.wait_idle()


def start_prefect(workdir: Path, in_process: bool) -> PrefectMode:
    home = workdir / "prefect-home"
    fallback_env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(home)}
    fallback_env.pop("PREFECT_API_URL", None)
    if in_process:
        return PrefectMode(fallback_env, "temporary server per flow child (--in-process)")
    server = PrefectServer(home, workdir / "logs" / "prefect-server.log")
    try:
        startup = server.start()
    except ServerUnavailable as error:
        server.stop()
        say(f"  the Prefect server could not be started: {error}")
        return PrefectMode(fallback_env, "FALLBACK: temporary server per flow child (long-lived server failed)")
    say(f"  Prefect server on {server.api_url}, healthy after {secs(startup)} (PREFECT_HOME {home})")
    return PrefectMode({**fallback_env, "PREFECT_API_URL": server.api_url}, f"long-lived server {server.api_url}", server)


# ---- the benchmark -------------------------------------------------------------------------------

Run = dict[str, Any]  # a child's figures: wall_s, peak_rss_mb, steps, peak_after_mb, summary, …


@dataclass
class Verdict:
    target: str
    measured: str
    goal: str
    met: bool | None  # None: not measured
    where: list[str] = field(default_factory=list)  # where the time (or memory) goes, when missed


@dataclass
class Bench:
    sizes: Sizes
    workdir: Path
    seed: int
    prefect: PrefectMode | None
    count: int = 0

    def child(self, name: str, mode: str, dataset: Dataset | None = None, warehouse: Path | None = None, fresh: bool = False) -> Run:
        """One child run (mode plain | flow | trivial), printed; fresh: on a new warehouse."""
        if fresh and warehouse:
            shutil.rmtree(warehouse.parent, ignore_errors=True)
        env = {**os.environ, **QUIET_ENV}
        if mode != "plain":
            assert self.prefect is not None
            self.prefect.settle()
            env = self.prefect.env
        self.count += 1
        spec = {"mode": mode, "raw_dir": str(dataset.raw_dir) if dataset else None, "warehouse": str(warehouse)}
        server = self.prefect.server if self.prefect and mode != "plain" else None
        server_cpu = server.cpu_seconds() if server else 0.0
        run = run_child(self.workdir, f"{self.count:02d}-{name}", spec, env)
        if server:
            run["server_cpu_s"] = server.cpu_seconds() - server_cpu
        say(describe_run(run))
        return run

    def generate(self, name: str, make: Callable[[Path], Dataset]) -> Dataset:
        started = time.perf_counter()
        dataset = make(self.workdir / name / "raw")
        say(f"  generated {name}: {dataset.describe()} in {secs(time.perf_counter() - started)} (not timed)")
        return dataset

    @cached_property
    def large(self) -> Dataset:
        sizes = self.sizes
        return self.generate("large", lambda raw: generate_spread(raw, sizes.rows, sizes.files, sizes.providers, self.seed))

    @cached_property
    def report_case(self) -> Dataset:
        sizes = self.sizes
        return self.generate(
            "report", lambda raw: generate_spread(raw, sizes.report_rows, sizes.files, sizes.report_providers, self.seed + 5)
        )

    @property
    def report_warehouse(self) -> Path:
        return self.workdir / "report" / "plain" / "scorecard.duckdb"

    @property
    def large_warehouse(self) -> Path:
        return self.workdir / "large" / "plain" / "scorecard.duckdb"

    @property
    def flow_warehouse(self) -> Path:
        return self.workdir / "large" / "flow" / "scorecard.duckdb"

    @cached_property
    def large_full(self) -> Run:
        """The full PlainSteps run of the main case on a fresh warehouse: per-row cost, memory at --rows, report."""
        return self.child("full-plain", "plain", self.large, self.large_warehouse, fresh=True)

    @cached_property
    def flow_full(self) -> Run:
        """The full Prefect-flow run of the main case, on a warehouse of its own (then used by the nothing-new runs)."""
        return self.child("full-flow", "flow", self.large, self.flow_warehouse, fresh=True)


def describe_run(run: Run) -> str:
    done = ", ".join(f"{key.replace('_', ' ')} {value:,}" for key, value in (run.get("summary") or {}).items() if value)
    server = f", Prefect server CPU {run['server_cpu_s']:.1f} s meanwhile" if "server_cpu_s" in run else ""
    return f"  {run['name']:<28} {secs(run['wall_s']):>11} spawn → exit, peak RSS {run['peak_rss_mb']:,.0f} MB{server}  [{done}]"


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time (the lower median, so it is one of the runs)."""
    return sorted(runs, key=lambda run: run["wall_s"])[(len(runs) - 1) // 2]


def step_names(*runs: Run) -> list[str]:
    seen = [name for run in runs for name in run.get("steps", {})]
    return [*STEPS, *dict.fromkeys(name for name in seen if name not in STEPS)]


def step_seconds(run: Run, name: str) -> float:
    """Seconds of a step; OUTSIDE: the wall time not in any step (start, imports, set-up, exit); TOTAL: all of it."""
    steps = run.get("steps", {})
    return {OUTSIDE: run["wall_s"] - sum(steps.values()), TOTAL: run["wall_s"]}.get(name, steps.get(name, 0.0))


def step_table(header: list[str], runs: Sequence[Run], cells: Callable[[list[float]], list[str]]) -> None:
    """A row per step, then the time outside the steps and the total; cells(seconds in each run) → the row."""
    rows = [[name, *cells([step_seconds(run, name) for run in runs])] for name in [*step_names(*runs), OUTSIDE, TOTAL]]
    table(header, rows)


def largest_differences(later: Run, earlier: Run, count: int = 4) -> list[tuple[str, float]]:
    """The steps that take the most longer in `later` (at least 0.05 s longer), largest first."""
    extra = {name: step_seconds(later, name) - step_seconds(earlier, name) for name in [*step_names(later, earlier), OUTSIDE]}
    return [item for item in sorted(extra.items(), key=lambda item: -item[1])[:count] if item[1] >= 0.05]


def ratio_text(value: float) -> str:
    return f"{value:.2f}×" if math.isfinite(value) else "—"


# ---- 1. per-row cost -----------------------------------------------------------------------------


def target_cost(bench: Bench) -> Verdict:
    dataset, repeats = bench.large, bench.sizes.repeats
    bare_runs = [duckdb_bare_load(dataset, bench.workdir / "large" / "duckdb-bare.duckdb") for _ in range(repeats)]
    bare = statistics.median(bare_runs)
    say(f"  DuckDB bare load (read_csv → table of a fresh file): {secs(bare)} (median of {', '.join(map(secs, bare_runs))})")
    full = bench.large_full
    nothing_new = median_run(
        [bench.child(f"nothing-new-plain-{n}", "plain", dataset, bench.large_warehouse) for n in range(1, repeats + 1)]
    )
    flow = bench.flow_full
    per_row = full["wall_s"] - nothing_new["wall_s"]
    ratio = per_row / bare
    say(f"\n  time by step (PlainSteps children; nothing new: the median run); × bare = seconds / DuckDB bare load ({secs(bare)}):")
    step_table(
        ["step", "full", "× bare", "nothing new", "full − nothing new", "× bare", "Prefect flow, full"],
        [full, nothing_new, flow],
        lambda s: [secs(s[0]), ratio_text(s[0] / bare), secs(s[1]), secs(s[0] - s[1]), ratio_text((s[0] - s[1]) / bare), secs(s[2])],
    )
    say(
        f"  rows/s of the full run: {dataset.rows / full['wall_s']:,.0f} with PlainSteps, "
        f"{dataset.rows / flow['wall_s']:,.0f} as a Prefect flow"
    )
    where = []
    if ratio > TARGET_PER_ROW:
        where = [
            f"the per-row work takes {secs(per_row)} against {secs(TARGET_PER_ROW * bare)} allowed ({TARGET_PER_ROW:g} × bare); largest:"
        ]
        where += [
            f"  {name}: {secs(value)} = {value / bare:.1f}× bare, {100 * value / per_row:.0f} % of the per-row work"
            for name, value in largest_differences(full, nothing_new)
        ]
    return Verdict(
        TITLES["cost"], f"{ratio:.2f}× ({secs(per_row)} / {secs(bare)})", f"≤ {TARGET_PER_ROW:g}×", ratio <= TARGET_PER_ROW, where
    )


# ---- 2. nothing-new run against a trivial flow ---------------------------------------------------


def target_nothing_new(bench: Bench) -> Verdict:
    assert bench.prefect is not None
    say(f"  Prefect: {bench.prefect.label}; each run a child process, interleaved, the server idle before each")
    say(f"  the flow's own warehouse was loaded by {bench.flow_full['name']}")
    bench.child("trivial-warm-up", "trivial")  # untimed: the server's first flow run
    idle, trivial = [], []
    for number in range(1, bench.sizes.repeats + 1):
        idle.append(bench.child(f"nothing-new-flow-{number}", "flow", bench.large, bench.flow_warehouse))
        trivial.append(bench.child(f"trivial-flow-{number}", "trivial"))
    nothing_new, one_task = median_run(idle), median_run(trivial)
    ratio = nothing_new["wall_s"] / one_task["wall_s"]
    say(
        f"\n  where the time goes in the median runs (of nothing new: {', '.join(secs(r['wall_s']) for r in idle)}; "
        f"trivial: {', '.join(secs(r['wall_s']) for r in trivial)}):"
    )
    parts = flow_parts(nothing_new, one_task)
    table(["", "nothing-new flow", "trivial flow"], [[name, secs(a), secs(b) if b is not None else ""] for name, (a, b) in parts.items()])
    where = []
    if ratio > TARGET_NOTHING_NEW:
        over, allowed = nothing_new["wall_s"] - one_task["wall_s"], (TARGET_NOTHING_NEW - 1) * one_task["wall_s"]
        extra = {name: a - (b or 0.0) for name, (a, b) in parts.items() if name != TOTAL}
        where = [f"the nothing-new run takes {secs(over)} more than the trivial flow ({secs(allowed)} allowed); the extra, largest first:"]
        where += [f"  {name}: {secs(value)}" for name, value in sorted(extra.items(), key=lambda item: -item[1])[:4]]
    measured = f"{ratio:.2f}× ({secs(nothing_new['wall_s'])} / {secs(one_task['wall_s'])})"
    return Verdict(TITLES["nothing-new"], measured, f"≤ {TARGET_NOTHING_NEW:g}×", ratio <= TARGET_NOTHING_NEW, where)


def flow_parts(nothing_new: Run, trivial: Run) -> dict[str, tuple[float, float | None]]:
    """A flow child's time in parts: (nothing-new run, trivial flow); None where the trivial flow has no such part."""
    steps = nothing_new.get("steps", {})

    def tail(run: Run) -> float:
        return float(run["wall_s"] - run["import_s"] - run["call_s"] - run["drain_s"])

    return {
        "python start + imports": (nothing_new["import_s"], trivial["import_s"]),
        **{f"flow call: step {name} (Prefect task)": (value, None) for name, value in steps.items()},
        "flow call: the rest (flow engine, pipeline set-up outside the steps)": (
            nothing_new["call_s"] - sum(steps.values()),
            trivial["call_s"],
        ),
        "sending logs and events to the API": (nothing_new["drain_s"], trivial["drain_s"]),
        "exit": (tail(nothing_new), tail(trivial)),
        TOTAL: (nothing_new["wall_s"], trivial["wall_s"]),
    }


# ---- 3. peak memory ------------------------------------------------------------------------------


def target_memory(bench: Bench) -> Verdict:
    sizes = bench.sizes
    small = bench.large_full
    big_data = bench.generate("big", lambda raw: generate_spread(raw, sizes.big_rows, sizes.files, sizes.providers, bench.seed + 3))
    big = bench.child("full-plain-big", "plain", big_data, bench.workdir / "big" / "plain" / "scorecard.duckdb", fresh=True)
    millions = (sizes.big_rows - sizes.rows) / 1e6
    growth = (big["peak_rss_mb"] - small["peak_rss_mb"]) / millions
    say("\n  peak RSS (VmHWM) of full PlainSteps runs: the high-water mark after each step, how much the step raised it, and")
    say(f"  how much that mark grows per further million rows ({sizes.rows:,} → {sizes.big_rows:,}):")
    marks = [small.get("peak_after_mb", {}), big.get("peak_after_mb", {})]
    rises = [high_water_rises(small), high_water_rises(big)]
    rows = [
        memory_row(name, [mark.get(name) for mark in marks], [rise.get(name) for rise in rises], millions, step_seconds(big, name))
        for name in [BEFORE_STEPS, *step_names(small, big)]
    ]
    rows.append(memory_row("peak of the process", [small["peak_rss_mb"], big["peak_rss_mb"]], [None, None], millions, big["wall_s"]))
    table(
        ["step", f"{sizes.rows:,} rows", "raised by", f"{sizes.big_rows:,} rows", "raised by", "per million", f"s at {sizes.big_rows:,}"],
        rows,
    )
    met = big["peak_rss_mb"] <= TARGET_PEAK_MB and growth < TARGET_GROWTH_MB
    where = []
    if not met:
        peak_step = next((name for name, mark in marks[1].items() if mark >= big["peak_rss_mb"] - 1), "?")
        raising = [name for name, rise in rises[1].items() if rise >= 1 and name in marks[0]]  # steps that raised the mark
        steepest = sorted(((name, (marks[1][name] - marks[0][name]) / millions) for name in raising), key=lambda item: -item[1])
        where = [
            f"at {sizes.big_rows:,} rows the peak is reached by the end of {peak_step}; by step: "
            + ", ".join(f"{name} {rise:+,.0f} MB" for name, rise in sorted(rises[1].items(), key=lambda item: -item[1])[:3]),
            "the high-water mark grows fastest per million rows by the end of "
            + ", ".join(f"{name} ({value:+,.0f} MB/M)" for name, value in steepest[:3]),
        ]
    measured = f"{big['peak_rss_mb']:,.0f} MB; {growth:+,.0f} MB/M (at {sizes.rows:,}: {small['peak_rss_mb']:,.0f} MB)"
    goal = f"≤ {TARGET_PEAK_MB:,.0f} MB; < {TARGET_GROWTH_MB:,.0f} MB/M"
    return Verdict(TITLES["memory"].format(rows=sizes.big_rows), measured, goal, met, where)


def memory_row(name: str, marks: list[float | None], rises: list[float | None], millions: float, seconds: float) -> list[str]:
    """Cells: the mark at each size and how much the step raised it, the mark's growth per million rows, seconds."""
    small, big = marks
    cells = [name]
    for mark, rise in zip(marks, rises, strict=True):
        cells += [f"{mark:,.0f} MB" if mark is not None else "—", f"{rise:+,.0f} MB" if rise is not None else ""]
    growth = f"{(big - small) / millions:+,.0f} MB" if small is not None and big is not None else ""
    return [*cells, growth, secs(seconds)]


def high_water_rises(run: Run) -> dict[str, float]:
    """How much each step raised the peak RSS (the high-water marks are noted after each step, in order)."""
    return {name: after - before for (_, before), (name, after) in pairwise(run.get("peak_after_mb", {}).items())}


# ---- 4. many small files -------------------------------------------------------------------------


def target_many_files(bench: Bench) -> Verdict:
    sizes, work = bench.sizes, bench.workdir
    started = time.perf_counter()
    many_data, one_data = generate_per_provider(
        work / "many" / "raw", work / "one" / "raw", sizes.many_files, sizes.rows_per_file, bench.seed + 2
    )
    say(f"  generated {many_data.describe()}; the same rows as one file; in {secs(time.perf_counter() - started)} (not timed)")
    one = bench.child("full-plain-one-file", "plain", one_data, work / "one" / "plain" / "scorecard.duckdb", fresh=True)
    files = many_data.files
    many = bench.child(f"full-plain-{files}-files", "plain", many_data, work / "many" / "plain" / "scorecard.duckdb", fresh=True)
    runs = [one, many]
    if bench.prefect and bench.prefect.server:
        runs.append(bench.child(f"full-flow-{files}-files", "flow", many_data, work / "many" / "flow" / "scorecard.duckdb", fresh=True))
    else:
        say("  (the Prefect flow on the many files needs the long-lived server: not run)")
    rates = [many_data.rows / run["wall_s"] for run in runs]
    ratio = rates[1] / rates[0]
    labels = ["one file", f"{files:,} files", f"{files:,} files, Prefect flow (threads)"]
    say(f"\n  rows/s: {'; '.join(f'{label} {rate:,.0f}' for label, rate in zip(labels, rates, strict=False))}")
    say(f"  full runs, time by step; ms/file = ({files:,} files − one file) / {files:,}:")
    step_table(
        ["step", *labels[:2], "ms/file", *labels[2 : len(runs)]],
        runs,
        lambda s: [secs(s[0]), secs(s[1]), f"{1000 * (s[1] - s[0]) / files:,.1f}", *map(secs, s[2:])],
    )
    where = []
    if ratio < TARGET_MANY_FILES:
        allowed = one["wall_s"] * (1 / TARGET_MANY_FILES - 1)
        where = [f"the many files take {secs(many['wall_s'] - one['wall_s'])} more than one file ({secs(allowed)} allowed); largest:"]
        where += [f"  {name}: +{secs(value)} ({1000 * value / files:,.1f} ms/file)" for name, value in largest_differences(many, one)]
    measured = f"{ratio:.2f}× ({rates[1]:,.0f} / {rates[0]:,.0f} rows/s)"
    return Verdict(TITLES["many-files"].format(files=files), measured, f"≥ {TARGET_MANY_FILES:g}×", ratio >= TARGET_MANY_FILES, where)


# ---- 5. incremental report -----------------------------------------------------------------------

VOLATILE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # run ids
    r"|\d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2}(?::\d{2})?(?: UTC)?"  # 26 November 2025 08:23 UTC
    r"|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC)?"  # ISO times
)


@dataclass(frozen=True)
class PageState:
    stamp: tuple[int, int]  # (inode, mtime in ns): changes when the page is written again
    content: str  # digest of the page with run ids and times taken out


def report_pages(reports: Path) -> dict[str, PageState]:
    pages = {}
    for path in reports.rglob("*.html"):
        stat = path.stat()
        text = VOLATILE.sub("", path.read_text(encoding="utf-8", errors="replace"))
        pages[str(path.relative_to(reports))] = PageState((stat.st_ino, stat.st_mtime_ns), hashlib.sha256(text.encode()).hexdigest())
    return pages


def target_report(bench: Bench) -> Verdict:
    first = bench.child("report-full-plain", "plain", bench.report_case, bench.report_warehouse, fresh=True)
    reports = bench.report_warehouse.parent / "reports"
    before = report_pages(reports)
    path, ukprn = add_late_return(bench.report_case, bench.seed)
    say(f"  changed: added {path.name} ({LATE_RETURN_ROWS} rows of provider {ukprn}, {ACADEMIC_YEARS[-1]})")
    second = bench.child("one-file-added-plain", "plain", bench.report_case, bench.report_warehouse)
    after = report_pages(reports)
    rewritten = [name for name, state in after.items() if name not in before or before[name].stamp != state.stamp]
    changed = [name for name in rewritten if name not in before or before[name].content != after[name].content]
    idle = len(rewritten) - len(changed)
    say("\n  report pages (rewritten: mtime or inode changed; a change: content differs, run ids and times left out):")

    def row(label: str, run: Run, pages: int, written: int, showing: int) -> list[str]:
        said = [str(run["summary"].get("pages_rendered")), json.dumps(run.get("report", {}))]
        return [label, f"{pages:,}", f"{written:,}", f"{showing:,}", secs(step_seconds(run, "report")), secs(run["wall_s"]), *said]

    table(
        ["run", "pages", "rewritten", "showing a change", "report step", "whole run", "summary.pages_rendered", "build_report says"],
        [
            row("first full run", first, len(before), len(before), len(before)),
            row("after one file", second, len(after), len(rewritten), len(changed)),
        ],
    )
    say(f"  pages removed: {len(set(before) - set(after)):,}; rewritten although nothing on them changed: {idle:,}")
    met = idle == 0 and len(rewritten) < len(after)
    report_s = step_seconds(second, "report")
    where = (
        []
        if met
        else [
            f"{idle:,} of {len(rewritten):,} rewritten pages show nothing new; the report step took {secs(report_s)} "
            f"({100 * report_s / second['wall_s']:.0f} % of the run) against {secs(step_seconds(first, 'report'))} in the first full run"
        ]
    )
    measured = f"{len(rewritten):,} of {len(after):,} ({len(changed):,} show a change)"
    return Verdict(TITLES["report"].format(providers=bench.sizes.report_providers), measured, "only changed ones", met, where)


# ---- main ----------------------------------------------------------------------------------------

TARGET_FUNCTIONS: dict[str, Callable[[Bench], Verdict]] = {
    "cost": target_cost,
    "nothing-new": target_nothing_new,
    "memory": target_memory,
    "many-files": target_many_files,
    "report": target_report,
}
NEEDS_PREFECT = {"cost", "nothing-new", "many-files"}


def print_summary(verdicts: list[Verdict], bench: Bench) -> None:
    say("\n" + "=" * 140)
    mode = bench.prefect.label if bench.prefect else "not used"
    say(f"SUMMARY — {os.cpu_count()} CPU(s); PlainSteps and Prefect runs each a child process, timed spawn → exit; Prefect: {mode}")
    say("-" * 140)
    table(
        ["target", "measured", "goal", "result"],
        [[v.target, v.measured, v.goal, {True: "MET", False: "NOT MET", None: "not measured"}[v.met]] for v in verdicts],
        indent=0,
    )
    for verdict in verdicts:
        if verdict.where:
            say(f"\nwhere it goes — {verdict.target}:")
            for line in verdict.where:
                say(f"  {line}")
    say("=" * 140)


def run_targets(bench: Bench, only: Sequence[str]) -> list[Verdict]:
    verdicts = []
    for name in only:
        say(f"\n{TARGETS.index(name) + 1}. {name}")
        try:
            verdicts.append(TARGET_FUNCTIONS[name](bench))
        except Exception as error:  # reported; the other targets still run
            say(f"  FAILED: {error if isinstance(error, ChildFailed) else traceback.format_exc()}")
            title = TITLES[name].format(rows=bench.sizes.big_rows, files=bench.sizes.many_files, providers=bench.sizes.report_providers)
            verdicts.append(Verdict(title, "a run failed (see above)", "", None))
    return verdicts


SIZE_FLAGS = (
    ("--rows", "R", "rows of the main case: per-row cost, nothing-new runs, report; memory at this size"),
    ("--files", "F", "files the main case's rows (and --big-rows) are spread over, one academic year each"),
    ("--providers", "P", "distinct providers of the main and the memory case; each provider-year is a report page"),
    ("--report-providers", "Q", "distinct providers of the report case (pages rewritten after one small file)"),
    ("--report-rows", "S", "rows of the report case"),
    ("--many-files", "N", "files of the many-files case, each one provider's export"),
    ("--rows-per-file", "M", "rows in each of those files"),
    ("--big-rows", "B", "rows of the memory case, in --files files"),
    ("--repeats", "K", "nothing-new runs, trivial flows and bare DuckDB loads, interleaved where it matters; medians used"),
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark scorecard.pipeline.run (PlainSteps and the Prefect flow flows.nightly.nightly) on synthetic learner-survey "
            "exports against the issue's targets; every run a child process. Prints a summary table with MET / NOT MET; exit 0."
        ),
    )
    size = parser.add_argument_group(
        "sizes", "defaults: the issue's sizes; --quick scales them down; a size given explicitly wins over either"
    )
    for flag, metavar, text in SIZE_FLAGS:
        key = flag.removeprefix("--").replace("-", "_")
        size.add_argument(flag, type=int, metavar=metavar, help=f"{text} (default {getattr(FULL, key):,}; --quick {getattr(QUICK, key):,})")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"scaled-down smoke run: {QUICK.rows:,} rows, {QUICK.many_files} many files, "
        f"{QUICK.providers:,} providers, {QUICK.big_rows:,} rows for memory (a few minutes)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=TARGETS,
        metavar="TARGET",
        help="run only these targets (default: all, in this order): cost = (full − nothing-new) against DuckDB's bare read_csv; "
        "nothing-new = a flow run with nothing new against a trivial flow; memory = peak RSS at --rows and --big-rows; "
        "many-files = rows/s of --many-files small files against the same rows in one file; report = report pages rewritten "
        "after one small file is added",
    )
    parser.add_argument(
        "--workdir", type=Path, help="work folder (new or empty) instead of a temporary one; emptied afterwards unless --keep"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder: data, warehouses, reports, child logs and JSON, Prefect home"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no long-lived Prefect server: each flow child starts Prefect's temporary server (also the fallback "
        "when the server cannot be started); the many-files flow run is then skipped",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the synthetic data (default: %(default)s)")
    args = parser.parse_args(argv)
    base = QUICK if args.quick else FULL
    args.sizes = replace(base, **{key: value for key in vars(base) if (value := getattr(args, key)) is not None})
    if min(vars(args.sizes).values()) < 1 or args.sizes.files > args.sizes.rows:
        parser.error("sizes must be positive, and --files at most --rows")
    if args.sizes.big_rows <= args.sizes.rows:
        parser.error("--big-rows must be more than --rows (the growth per million is measured between them)")
    args.only = [name for name in TARGETS if name in (args.only or TARGETS)]
    if args.workdir:
        args.workdir = args.workdir.resolve()
        args.workdir.mkdir(parents=True, exist_ok=True)
        if any(args.workdir.iterdir()):
            parser.error(f"--workdir {args.workdir} is not empty; give an empty or new folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scorecard-benchmark-"))
    say(f"scorecard benchmark: {', '.join(args.only)}; {args.sizes}; work folder {workdir}")
    say(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    prefect = start_prefect(workdir, args.in_process) if NEEDS_PREFECT & set(args.only) else None
    bench = Bench(args.sizes, workdir, args.seed, prefect)
    try:
        print_summary(run_targets(bench, args.only), bench)
    finally:
        if prefect and prefect.server:
            prefect.server.stop()
        if args.keep:
            say(f"work folder kept: {workdir}")
        else:
            for child in workdir.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
            if args.workdir is None:
                workdir.rmdir()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == [CHILD_FLAG]:
        child_main(json.loads(sys.argv[2]))
    sys.exit(main())
