"""The folder READMEs name everything in their folder, and `make clean` removes everything generated."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from conftest import DEMO_RAW
from scorecard.cli import main
from scorecard.paths import PROJECT_ROOT
from scorecard.pipeline import PlainSteps, RunOptions, run

WAREHOUSE_README = PROJECT_ROOT / "warehouse" / "README.md"
TESTS_WRITE = ["screenshots"]  # tests/test_report.py keeps its Chromium screenshots in warehouse/screenshots


def named(readme: Path, folder: Path, entry: Path) -> bool:
    """The README names the entry as a path from its folder, in backticks: `file`, `sub/file`, `folder/`."""
    written = entry.relative_to(folder).as_posix() + ("/" if entry.is_dir() else "")
    return f"`{written}`" in readme.read_text(encoding="utf-8")


def test_every_tracked_file_and_folder_of_raw_is_named_in_its_readme():
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout: which files are tracked is unknown")
    tracked = subprocess.run(["git", "ls-files", "raw"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.split()
    readme = (DEMO_RAW / "README.md").read_text(encoding="utf-8")
    files = [Path(path).relative_to("raw") for path in tracked if path != "raw/README.md"]
    assert len(files) >= 18
    assert [file.as_posix() for file in files if f"`{file.as_posix()}`" not in readme] == []
    assert sorted({file.parts[0] for file in files if f"`{file.parts[0]}/`" not in readme}) == []


@pytest.fixture(scope="module")
def project_after_runs(tmp_path_factory) -> Path:
    """A copy of the project's Makefile and demo data after two runs, a panel pack and the tests' screenshots."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(PROJECT_ROOT / "Makefile", root / "Makefile")
    shutil.copytree(DEMO_RAW, root / "raw", ignore=shutil.ignore_patterns("README.md"))
    warehouse = root / "warehouse" / "scorecard.duckdb"
    for full_refresh in (False, True):  # the second publish keeps the first as .previous
        run(RunOptions(raw_dir=root / "raw", warehouse=warehouse, settle_seconds=0, full_refresh=full_refresh), steps=PlainSteps(workers=2))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        framework, entity, year = con.execute("SELECT framework, entity_code, year FROM marts.scorecard_totals LIMIT 1").fetchone()
    assert main(["panel-pack", "--framework", framework, "--entity", entity, "--year", str(year), "--warehouse", str(warehouse)]) == 0
    for folder in TESTS_WRITE:
        (warehouse.parent / folder).mkdir()
    return root


def test_everything_a_run_leaves_in_the_warehouse_folder_is_named_in_its_readme(project_after_runs):
    warehouse = project_after_runs / "warehouse"
    entries = sorted(warehouse.iterdir())
    assert {entry.name for entry in entries} >= {"scorecard.duckdb", "scorecard.duckdb.previous", "exports", "reports", "panel-packs"}
    assert [entry.name for entry in entries if not named(WAREHOUSE_README, warehouse, entry)] == []
    assert named(WAREHOUSE_README, warehouse, warehouse / "exports" / ".inputs-fingerprint")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_clean_removes_everything_generated_and_keeps_what_git_tracks(project_after_runs):
    shutil.copy(WAREHOUSE_README, project_after_runs / "warehouse" / "README.md")
    (project_after_runs / "scorecard" / "__pycache__").mkdir(parents=True)
    subprocess.run(["make", "--no-print-directory", "clean"], cwd=project_after_runs, check=True, capture_output=True)
    assert [entry.name for entry in (project_after_runs / "warehouse").iterdir()] == ["README.md"]
    assert not (project_after_runs / "scorecard" / "__pycache__").exists()
    assert sorted(entry.name for entry in project_after_runs.iterdir()) == ["Makefile", "raw", "scorecard", "warehouse"]
