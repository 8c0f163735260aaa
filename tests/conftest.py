"""Shared fixtures. Tests use plain functions and tmp_path DuckDB files; the few that need the real
Prefect flow share one Prefect test harness (a temporary local server) per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scorecard.frameworks import load_frameworks
from scorecard.ingest.validate import Validator, suite_parameters
from scorecard.paths import PROJECT_ROOT, SCORECARDS_DIR
from scorecard.warehouse.reference import area_codes, legacy_area_codes, lsoa_codes

DEMO_RAW = PROJECT_ROOT / "raw"
REAL_EXPORTS = Path(__file__).parent / "fixtures" / "real-exports"
TOOLS = Path(__file__).parent / "fixtures" / "tools"


@pytest.fixture(scope="session")
def frameworks():
    frameworks, problems = load_frameworks(SCORECARDS_DIR)
    assert problems == []
    return frameworks


@pytest.fixture(scope="session")
def validator(frameworks):
    return Validator(suite_parameters(area_codes(), frameworks, lsoa_codes()), legacy_area_codes())


@pytest.fixture(scope="session")
def prefect_api():
    """A real Prefect API (temporary local server) for the tests that run the flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo run once for the whole session (warehouse, exports and report beside it): read it only;
    a test that changes it copies it first."""
    from scorecard.pipeline import PlainSteps, RunOptions, run

    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO_RAW, root / "raw", ignore=shutil.ignore_patterns("README.md"))
    warehouse = root / "warehouse" / "scorecard.duckdb"
    run(RunOptions(raw_dir=root / "raw", warehouse=warehouse, settle_seconds=0), steps=PlainSteps(workers=2))
    return warehouse


@pytest.fixture
def demo_raw(tmp_path) -> Path:
    """A private copy of the demo exports, so a test may add, change or remove files."""
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw, ignore=shutil.ignore_patterns("README.md"))
    return raw


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path
