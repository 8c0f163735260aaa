"""The DuckDB warehouse: opened by path, built apart from the published file, swapped in atomically.

A run copies the published `scorecard.duckdb` to a private build file, loads and transforms
there, and publishes with one `os.replace`. Readers of the published file keep their snapshot and
never hold the run up; a run that dies leaves the published file as it was.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from flows.kinds import KINDS
from flows.paths import REFERENCE_DIR, SQL_DIR

# Written so DuckDB 1.x readers (often bundled in BI tools) can open the published file.
STORAGE_COMPATIBILITY = "v1.1.0"
LINEAGE_COLUMNS = ("source_file", "row_number", "file_sha256", "run_id")


@contextmanager
def connect(path: Path, read_only: bool = False):
    config = {} if read_only else {"storage_compatibility_version": STORAGE_COMPATIBILITY}
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    try:
        yield con
    finally:
        con.close()


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


def reference_areas(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Every English local-authority code a survey may carry, with its name (the staging.areas
    model, run in memory, so validation and the warehouse agree on what a valid code is)."""
    with connect(Path(":memory:")) as con:
        ensure_schema(con)
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir)])
        con.execute((SQL_DIR / "staging" / "010_areas.sql").read_text(encoding="utf-8"))
        return con.execute("SELECT area_code, area_name, is_current FROM staging.areas").df()


def area_codes(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    return reference_areas(reference_dir)["area_code"].tolist()


# ---- the build file -------------------------------------------------------------------------------

def build_path_for(published: Path, run_id: str) -> Path:
    return published.with_name(f".{published.name}.{run_id}.building")


def remove_stale_builds(published: Path) -> list[Path]:
    """Build files left by runs that crashed; they were never published, so they can go."""
    stale = list(published.parent.glob(f".{published.name}.*.building*"))
    for path in stale:
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


def export_marts(published: Path, exports_dir: Path) -> list[Path]:
    """Every marts table as Parquet in exports_dir, each file replaced atomically (written beside it,
    then renamed), so a dashboard reading an export never sees half a file nor holds the run up."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(published, read_only=True) as con:
        tables = [name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name"
        ).fetchall()]
        for table in tables:
            target = exports_dir / f"{table}.parquet"
            partial = exports_dir / f".{table}.parquet.partial"
            con.execute(f"COPY (SELECT * FROM marts.{table}) TO '{partial}' (FORMAT parquet)")
            os.replace(partial, target)
            written.append(target)
    return written


# ---- the ledger: which file contents are already in the warehouse --------------------------------

def loaded_files(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """file_path → sha256 of the version whose rows the warehouse holds now."""
    rows = con.execute(
        """
        SELECT file_path, arg_max(file_sha256, loaded_at)
        FROM audit.load_log WHERE status = 'loaded'
        GROUP BY file_path
        """
    ).fetchall()
    return dict(rows)


# ---- loading ---------------------------------------------------------------------------------------

def replace_file_rows(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    file_path: str,
    good: pd.DataFrame,
    quarantine: pd.DataFrame,
) -> None:
    """Replace everything the warehouse holds from `file_path` with this version's rows.

    `good` has the kind's canonical columns (normalised text) plus the lineage columns; DuckDB
    casts the text to the staging table's types. `quarantine` has the audit.quarantine columns.
    """
    table = KINDS[kind].staging_table
    con.execute(f"DELETE FROM {table} WHERE source_file = ?", [file_path])
    con.execute("DELETE FROM audit.quarantine WHERE file_path = ?", [file_path])
    if len(good):
        con.register("good_rows", good)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM good_rows")
        con.unregister("good_rows")
    if len(quarantine):
        con.register("quarantined_rows", quarantine)
        con.execute("INSERT INTO audit.quarantine BY NAME SELECT * FROM quarantined_rows")
        con.unregister("quarantined_rows")


def append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    con.register("new_rows", rows)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
    con.unregister("new_rows")


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    con.register("new_rows", rows)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM new_rows")
    con.unregister("new_rows")
