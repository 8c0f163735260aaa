"""The build file: a private copy of the published warehouse that a run loads and transforms, then
publishes with one `os.replace`.

Readers of the published file keep their snapshot and never hold the run up; a run that dies
leaves the published file as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from scorecard.paths import REFERENCE_DIR, SQL_DIR
from scorecard.warehouse.connect import connect


def sql_files(folder: str) -> list[Path]:
    return sorted((SQL_DIR / folder).glob("*.sql"))


def run_sql_folder(con: duckdb.DuckDBPyConnection, folder: str, reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Run every model in sql/<folder>/ in file-name order; return the model names run."""
    con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir)])
    ran = []
    for path in sql_files(folder):
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as error:
            raise RuntimeError(f"SQL model {path.relative_to(SQL_DIR)} failed: {error}") from error
        ran.append(path.stem)
    return ran


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    run_sql_folder(con, "schema")


def build_path_for(published: Path, run_id: str) -> Path:
    return published.with_name(f".{published.name}.{run_id}.building")


def remove_stale_builds(published: Path) -> list[Path]:
    """Build files (and DuckDB's spill folders beside them) left by runs that crashed; they were
    never published, so they can go."""
    stale = list(published.parent.glob(f".{published.name}.*.building*"))
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return stale


def start_build(published: Path, run_id: str, full_refresh: bool = False) -> Path:
    """Create the private build file: a copy of the published warehouse, or empty on a full refresh."""
    published.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(published)
    build = build_path_for(published, run_id)
    if published.exists() and not full_refresh:
        shutil.copyfile(published, build)
    with connect(build) as con:
        ensure_schema(con)
    return build


def publish(build: Path, published: Path) -> None:
    """Swap the finished build in with one atomic rename (same directory, same filesystem)."""
    with connect(build) as con:
        con.execute("CHECKPOINT")
    with open(build, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(build, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
