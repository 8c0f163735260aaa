"""The build file: a private copy of the published warehouse that a run loads and transforms, then
publishes with one `os.replace`.

Readers of the published file keep their snapshot and never hold the run up; a run that dies
leaves the published file as it was. The file a publish replaces is kept beside it as
`<name>.previous` (until the next publish), so a damaged warehouse never takes its audit history
with it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from scorecard.paths import REFERENCE_DIR, SQL_DIR
from scorecard.warehouse.connect import connect


def sql_files(*folders: str) -> list[Path]:
    """The models of sql/<folder>/ for each folder, merged in file-name order (`NNN_<table>.sql`): the
    number says when a model runs, whichever of the folders holds it, so no number may repeat."""
    paths = sorted((path for folder in folders for path in (SQL_DIR / folder).glob("*.sql")), key=lambda path: path.name)
    numbers = [path.name.split("_", 1)[0] for path in paths]
    repeated = sorted({str(path.relative_to(SQL_DIR)) for path, number in zip(paths, numbers, strict=True) if numbers.count(number) > 1})
    if repeated:
        raise RuntimeError(f"SQL models share a run-order number: {', '.join(repeated)}")
    return paths


def run_sql_folders(con: duckdb.DuckDBPyConnection, *folders: str, reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Run every model of the folders in file-name order (sql_files); return the model names run."""
    con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir)])
    ran = []
    for path in sql_files(*folders):
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as error:
            raise RuntimeError(f"SQL model {path.relative_to(SQL_DIR)} failed: {error}") from error
        ran.append(path.stem)
    return ran


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    run_sql_folders(con, "schema")


class WarehouseUnreadable(RuntimeError):
    """The published warehouse file cannot be opened: damaged, cut short, or not a DuckDB file."""


def previous_path(published: Path) -> Path:
    return published.with_name(published.name + ".previous")


def unreadable_reason(path: Path) -> str | None:
    """Why DuckDB cannot open the file at path, or None when it opens."""
    try:
        with connect(path, read_only=True):
            return None
    except duckdb.Error as error:
        return str(error)


def unreadable_message(published: Path, reason: str) -> str:
    previous = previous_path(published)
    restore = (
        f"; or put back the warehouse published before it, kept with its audit history as {previous}: "
        f"copy it over {published.name} and run again (the run loads whatever changed since)"
        if previous.exists()
        else ""
    )
    return (
        f"the published warehouse {published} cannot be opened ({reason}). "
        f"To recover, rebuild it from the raw folder with `scorecard run --full-refresh` (flow parameter full_refresh=true), "
        f"which starts an empty warehouse: the audit history of earlier runs is not carried over{restore}"
    )


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
    """Create the private build file: a copy of the published warehouse, or empty on a full refresh
    (which is also how a damaged published file is replaced)."""
    published.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(published)
    build = build_path_for(published, run_id)
    if published.exists() and not full_refresh:
        shutil.copyfile(published, build)
        # The private copy is checked, not the published file: a reader's lock on that is no damage.
        reason = unreadable_reason(build)
        if reason is not None:
            build.unlink()
            raise WarehouseUnreadable(unreadable_message(published, reason.replace(str(build), str(published))))
    with connect(build) as con:
        ensure_schema(con)
    return build


def publish(build: Path, published: Path) -> None:
    """Swap the finished build in with one atomic rename (same directory, same filesystem); the
    file it replaces, if DuckDB can open it, becomes `<name>.previous`."""
    if not build.is_file():  # connecting would create an empty database, and publish that
        raise FileNotFoundError(f"build file {build} is missing: nothing to publish")
    with connect(build) as con:
        con.execute("CHECKPOINT")
    with open(build, "rb") as handle:
        os.fsync(handle.fileno())
    keep_as_previous(published, build.with_name(build.name + ".previous"))
    os.replace(build, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def keep_as_previous(published: Path, staging: Path) -> None:
    """Keep the outgoing published file as `<name>.previous`, replacing the older one. Linked, not
    copied, where the filesystem allows; the published name never goes missing in between. A file
    DuckDB cannot open now (damaged, or held open for writing by another program) is not kept: the
    last good `.previous` is worth more."""
    if not published.exists() or unreadable_reason(published) is not None:
        return
    staging.unlink(missing_ok=True)
    try:
        os.link(published, staging)
    except OSError:  # no hard links here (some network and FAT filesystems)
        shutil.copyfile(published, staging)
    os.replace(staging, previous_path(published))
