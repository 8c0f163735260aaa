"""Scheduled nightly runs for real: a Prefect server on loopback, the deployment from prefect.yaml,
one writer at a time, crash safety, and the Dask task runner."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import duckdb
import pytest

from conftest import DEMO_RAW
from scorecard.paths import PROJECT_ROOT

pytestmark = pytest.mark.flow
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


AUTH_STRING = "scorecard:" + secrets.token_urlsafe(16)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real, long-lived Prefect server on loopback (what schedules need), set up as deploy/systemd
    sets it up: its API needs the auth string, and runs may use the project and the test folders."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_API_AUTH_STRING": AUTH_STRING,
        "PREFECT_API_AUTH_STRING": AUTH_STRING,
        "SCORECARD_ALLOWED_ROOTS": os.pathsep.join([str(PROJECT_ROOT), str(tmp_path_factory.getbasetemp())]),
    }
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the Prefect server did not start")
    yield {**env, "PREFECT_API_URL": url}
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def fresh_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw, ignore=shutil.ignore_patterns("README.md"))
    return raw


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def runs(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT status, files_loaded, files_skipped, rows_loaded FROM audit.run_log ORDER BY finished_at").fetchall()


class Run:
    """`scorecard run` in a child process; its output goes to files (a pipe nobody reads would fill
    up and block the child)."""

    def __init__(self, env, *args, start_new_session=False):
        self.log = Path(tempfile.mkstemp(prefix="scorecard-run-", suffix=".log")[1])
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [str(BIN / "scorecard"), "run", "--settle-seconds", "0", *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=start_new_session,
            )
        self.pid = self.process.pid

    def wait(self, timeout=600) -> int:
        return self.process.wait(timeout=timeout)

    def poll(self):
        return self.process.poll()

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")


def scorecard(env, *args, **kwargs) -> Run:
    return Run(env, *args, **kwargs)


PREFECT = str(BIN / "prefect")


def deploy(server) -> None:
    """The deployment of prefect.yaml on the server, with the process work pool it runs on."""
    subprocess.run([PREFECT, "work-pool", "create", "scorecard", "--type", "process"], env=server, capture_output=True)
    deployed = subprocess.run([PREFECT, "--no-prompt", "deploy", "--all"], env=server, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr


def run_deployment_once(server, parameters: dict) -> str:
    """Ask the server for a run of the deployment with these parameters, let a worker take it; what the worker said."""
    subprocess.run(
        [PREFECT, "deployment", "run", "scorecard-nightly/scorecard-nightly", "--params", json.dumps(parameters)],
        env=server,
        check=True,
        capture_output=True,
    )
    worker = subprocess.run(
        [PREFECT, "worker", "start", "--pool", "scorecard", "--run-once"],
        env=server,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return worker.stdout + worker.stderr


def test_the_deployment_from_prefect_yaml_runs_on_a_real_server(server, tmp_path):
    deploy(server)
    listing = subprocess.run(
        [PREFECT, "deployment", "inspect", "scorecard-nightly/scorecard-nightly"], env=server, capture_output=True, text=True, check=True
    ).stdout
    assert "0 2 * * *" in listing and "Europe/London" in listing
    raw, warehouse = fresh_raw(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    said = run_deployment_once(server, {"raw_dir": str(raw), "warehouse": str(warehouse), "settle_seconds": 0})
    assert warehouse.exists(), said[-6000:]
    assert runs(warehouse) == [("completed", 16, 0, 4870)]


def api_status(server, method: str, path: str, auth: str | None) -> int:
    request = urllib.request.Request(f"{server['PREFECT_API_URL']}{path}", data=b"{}" if method == "POST" else None, method=method)
    request.add_header("Content-Type", "application/json")
    if auth is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_api_starts_no_run_for_a_caller_without_the_auth_string(server):
    from flows.nightly import server_refuses_anonymous

    start_a_run = f"/deployments/{uuid.uuid4()}/create_flow_run"
    assert api_status(server, "POST", start_a_run, None) == 401
    assert api_status(server, "POST", start_a_run, "scorecard:guess") == 401
    assert api_status(server, "POST", start_a_run, AUTH_STRING) == 404  # past the check: no such deployment
    assert server_refuses_anonymous(server["PREFECT_API_URL"])


def test_a_deployment_run_with_paths_outside_the_allowed_folders_is_refused(server, tmp_path):
    """Even a caller with the auth string cannot point a run at other folders."""
    deploy(server)
    raw, warehouse = fresh_raw(tmp_path), tmp_path / "warehouse" / "scorecard.duckdb"
    escaping = f"{raw}/{'../' * len(raw.parts)}etc"
    said = run_deployment_once(server, {"raw_dir": escaping, "warehouse": str(warehouse), "settle_seconds": 0})
    assert f"raw_dir {escaping!r} resolves to '/etc', outside the allowed folders" in said, said[-3000:]
    assert not warehouse.exists()


def test_two_runs_at_once_have_one_writer(server, tmp_path):
    raw, warehouse = fresh_raw(tmp_path), tmp_path / "w" / "scorecard.duckdb"
    first = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse))
    second = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse))
    assert first.wait(timeout=600) == 0 and second.wait(timeout=600) == 0  # the loser waits (on_busy=wait)
    # one loaded everything, the other found it all unchanged: nothing twice, nothing corrupted
    assert sorted(runs(warehouse), key=lambda r: r[1]) == [("completed", 0, 16, 0), ("completed", 16, 0, 4870)]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.learner_survey_responses").fetchone() == (
            1998,
        )  # 456 + 492 + 1050 valid learner rows, once

    # While another writer holds the lock: on_busy=exit stops at once; on_busy=wait gives up at its timeout.
    from scorecard.warehouse.lock import warehouse_lock

    published = sha(warehouse)
    with warehouse_lock(warehouse, "test-holder"):
        impatient = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse), "--on-busy", "exit")
        assert impatient.wait(timeout=300) == 3 and "another run holds" in impatient.output and "test-holder" in impatient.output
        waiting = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse), "--busy-timeout", "3")
        assert waiting.wait(timeout=300) == 3 and "gave up after 3 s" in waiting.output
    assert sha(warehouse) == published
    assert scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse), "--on-busy", "exit").wait(timeout=300) == 0


@pytest.mark.parametrize("when", ["building", "loading", "publishing"])
def test_a_killed_run_leaves_the_published_warehouse_and_the_next_run_completes(server, tmp_path, when):
    raw, warehouse = fresh_raw(tmp_path), tmp_path / "w" / "scorecard.duckdb"
    assert scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse)).wait(timeout=600) == 0
    published = sha(warehouse)
    for path in (raw / "learner_survey").glob("*.csv"):  # new content for the next run to load
        path.write_text(path.read_text().replace("2023/24", "2024/25"))
    run = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse), "--full-refresh", start_new_session=True)
    marker = {"building": "Task run 'open-build", "loading": "Task run 'load", "publishing": "Task run 'publish"}[when]
    while marker not in run.output and run.poll() is None:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)  # the run and anything it started, without warning
    run.wait()
    assert sha(warehouse) == published or (when == "publishing" and runs(warehouse)[-1][0] == "completed")
    with duckdb.connect(str(warehouse), read_only=True) as con:  # whichever it is, it is a whole warehouse
        assert con.execute("SELECT count(*) FROM marts.scorecard_totals").fetchone()[0] > 0
    rerun = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse))
    assert rerun.wait(timeout=600) == 0, rerun.output[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.learner_survey_responses WHERE survey_year = 2024").fetchone()[0] > 0
    assert not list(warehouse.parent.glob("*.building"))


def test_dask_and_threads_build_the_same_warehouse(server, tmp_path):
    raw = fresh_raw(tmp_path)
    built = {}
    for runner in ("threads", "dask"):
        warehouse = tmp_path / runner / "scorecard.duckdb"
        run = scorecard(server, "--raw", str(raw), "--warehouse", str(warehouse), "--runner", runner, "--workers", "2")
        assert run.wait(timeout=900) == 0, run.output[-2000:]
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = [
                t
                for (t,) in con.execute(
                    "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema IN ('marts', 'staging') ORDER BY 1"
                ).fetchall()
            ]
            built[runner] = {
                t: con.execute(
                    f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL"
                    if "responses" in t or t == "staging.assessments"
                    else f"SELECT * FROM {t} ORDER BY ALL"
                ).fetchall()
                for t in tables
            }
    assert built["threads"].keys() == built["dask"].keys()
    for table in built["threads"]:
        assert built["threads"][table] == built["dask"][table], table


def test_a_scheduled_run_fires_when_served(server, tmp_path):
    """`scorecard serve` on a real server: the cron schedule creates a run and it publishes. (This is
    what caught SQLAlchemy 2.1 breaking Prefect 3.8's scheduler: no scheduled run was ever created.)"""
    raw, warehouse = fresh_raw(tmp_path), tmp_path / "w" / "scorecard.duckdb"
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        serve = subprocess.Popen(
            [
                str(BIN / "scorecard"),
                "serve",
                "--cron",
                "* * * * *",
                "--raw",
                str(raw),
                "--warehouse",
                str(warehouse),
                "--settle-seconds",
                "0",
            ],
            env=server,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240  # the scheduler looks every 60 s; runs fall on the minute
        while not (warehouse.exists() and runs(warehouse)) and time.monotonic() < deadline:
            assert serve.poll() is None, log.read_text()[-3000:]
            time.sleep(2)
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=60)
    assert runs(warehouse)[:1] == [("completed", 16, 0, 4870)], log.read_text()[-3000:]
