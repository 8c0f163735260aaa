"""Find the exports waiting in the raw folder and decide which need work.

Layout: raw/<kind>/<file>.csv|.tsv|.txt|.xlsx. The folder names the kind. Anything else (files at
the top level, unknown folders, editor lock files) is reported and left alone.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from scorecard.ingest.read import SUPPORTED_SUFFIXES, file_sha256
from scorecard.kinds import KINDS

# Folders of raw/ that hold reference data for later stages rather than survey responses.
NON_SURVEY_FOLDERS = {"providers"}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    file_path: str  # relative to the raw folder, with forward slashes: the file's name in the warehouse
    kind: str
    sha256: str
    problem: str | None = None  # why the file cannot be used at all, found before reading it
    version: tuple[int, int] = (0, 0)  # size and modification time (ns) when it was hashed


@dataclass
class Discovery:
    files: list[SourceFile]
    ignored: list[str]  # relative paths with the reason they were not considered
    settling: list[str] = field(default_factory=list)  # still being written, it seems: left for the next run


def is_temporary(path: Path) -> bool:
    return path.name.startswith((".", "~$")) or path.suffix.lower() in {".part", ".tmp", ".crdownload"}


def file_version(path: Path, stat: os.stat_result | None = None) -> tuple[int, int]:
    stat = stat or path.stat()
    return stat.st_size, stat.st_mtime_ns


def printable_name(relative: str) -> tuple[str, str | None]:
    """The name a file is recorded under, and a problem if its name is not valid UTF-8: such a name
    cannot be stored or shown as it is, so it is recorded with its bad bytes escaped (\\xff)."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        escaped = os.fsencode(relative).decode("utf-8", "backslashreplace")
        return escaped, "the file name is not valid UTF-8; rename the file (letters, digits, '-', '_' and '.' are safe)"
    return relative, None


def discover_files(raw_dir: Path, settle_seconds: float = 0) -> Discovery:
    """Exports in raw_dir by kind. A file modified in the last `settle_seconds`, or whose size changes
    while it is looked at, is left for the next run rather than read half-written."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    files, ignored, settling = [], [], []
    now = time.time()
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(raw_dir).as_posix()
        if is_temporary(path) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        parts = path.relative_to(raw_dir).parts
        if len(parts) < 2:
            ignored.append(f"{relative}: put exports in a folder named after their kind ({', '.join(KINDS)})")
        elif parts[0] in NON_SURVEY_FOLDERS:
            continue
        elif parts[0] not in KINDS:
            ignored.append(f"{relative}: folder {parts[0]!r} is not a survey kind ({', '.join(KINDS)})")
        else:
            before = path.stat()
            if now - before.st_mtime < settle_seconds:
                settling.append(relative)
                continue
            sha256 = file_sha256(path)
            if file_version(path) != file_version(path, before):
                settling.append(relative)
                continue
            name, problem = printable_name(relative)
            files.append(SourceFile(path, name, parts[0], sha256, problem, file_version(path, before)))
    return Discovery(files=files, ignored=ignored, settling=settling)


def plan_work(files: list[SourceFile], loaded: dict[str, str]) -> tuple[list[SourceFile], dict[str, str]]:
    """Split files into those to (re)load and those to skip, with why each skipped file is skipped.

    `loaded` maps file_path → sha256 of the version the warehouse holds. A file is skipped when
    that version is this content, or when the same content is already loaded under another name.
    """
    by_content = {sha: path for path, sha in loaded.items()}
    to_load, skipped = [], {}
    for source in files:
        if loaded.get(source.file_path) == source.sha256:
            skipped[source.file_path] = "unchanged since it was loaded"
        elif source.sha256 in by_content and by_content[source.sha256] != source.file_path:
            skipped[source.file_path] = f"same content as {by_content[source.sha256]}, already loaded"
        else:
            to_load.append(source)
            by_content.setdefault(source.sha256, source.file_path)
    return to_load, skipped
