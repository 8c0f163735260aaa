"""Find the exports waiting in the raw folder and decide which need work.

Layout: raw/<kind>/<file>.csv|.tsv|.txt|.xlsx. The folder names the kind. Anything else (files at
the top level, unknown folders, editor lock files) is reported and left alone.

Only what lies inside the raw folder is read. A link whose target resolves outside it is not
followed; a link to a file or folder inside it is, and a file reached twice (through a link and
by its own name) is read once, under its own name. A link to a folder that contains it, or to a
folder already read, is not followed, so the walk never loops. Named pipes, sockets, devices and
links to nothing are never opened (opening a named pipe waits for a writer forever). Each entry
that is not read is reported with its reason: in a kind's folder as a rejected file (run summary,
audit.load_log, `scorecard status`), elsewhere among the run's ignored entries.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from scorecard.ingest.read import SUPPORTED_SUFFIXES, file_sha256
from scorecard.kinds import KINDS

# Folders of raw/ that hold reference data for later stages rather than survey responses.
NON_SURVEY_FOLDERS = {"providers"}
KIND_LIST = ", ".join(KINDS)

LINK_OUTSIDE = "a link to something outside the raw folder: not read (only files inside the raw folder are read; copy it in instead)"
LINK_DANGLING = "a link to something that does not exist, or to itself: not read"
LINK_LOOP = "a link to a folder that contains it: not followed (it would loop)"
SPECIAL_FILES = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    file_path: str  # relative to the raw folder, with forward slashes: the file's name in the warehouse
    kind: str
    sha256: str  # "" when the file was not read (it has a problem found before reading it)
    problem: str | None = None  # why the file cannot be used at all, found before reading it
    version: tuple[int, int] = (0, 0)  # size and modification time (ns) when it was hashed


@dataclass
class Discovery:
    files: list[SourceFile]
    ignored: list[str]  # relative paths with the reason they were not considered
    settling: list[str] = field(default_factory=list)  # still being written, it seems: left for the next run


@dataclass(frozen=True)
class RawEntry:
    """One name under the raw folder: a regular file to read, or an entry that is not read."""

    relative: str  # the name under the raw folder, with forward slashes (as listed, not escaped)
    path: Path  # where the regular file really is (links resolved): what is read
    via_link: bool = False  # reached through a link (to the file, or to a folder on the way)
    problem: str | None = None  # why it is not read; then it is never opened


def is_temporary(path: Path) -> bool:
    return path.name.startswith((".", "~$")) or path.suffix.lower() in {".part", ".tmp", ".crdownload"}


def file_version(path: Path, stat: os.stat_result | None = None) -> tuple[int, int]:
    stat = stat or path.stat()
    return stat.st_size, stat.st_mtime_ns


def printable_name(relative: str) -> tuple[str, str | None]:
    """The name a file is recorded and shown under, and a problem if it cannot be shown as it is: a
    name that is not valid UTF-8 is recorded with its bad bytes escaped (\\xff), and control or
    invisible formatting characters (which could rewrite a terminal line or reorder the text shown)
    as \\x1b or \\u202e."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        relative = os.fsencode(relative).decode("utf-8", "backslashreplace")
        problem: str | None = "the file name is not valid UTF-8"
    else:
        problem = None
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in relative):
        relative = "".join(
            char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in ("Cc", "Cf") else char for char in relative
        )
        problem = problem or "the file name has control or invisible formatting characters"
    if problem:
        return relative, f"{problem}; rename the file (letters, digits, '-', '_' and '.' are safe)"
    return relative, None


def raw_entries(raw_dir: Path) -> list[RawEntry]:
    """Every regular file under raw_dir, and every link or special file that is not read, in name
    order. Nothing is opened: only listed and looked at (stat)."""
    root = raw_dir.resolve()
    entries: list[RawEntry] = []
    # Each folder is walked once by its own name and at most once through links: the walk ends.
    followed: set[Path] = set()
    folders: list[tuple[Path, str, bool]] = [(root, "", False)]  # real path, name under raw/, reached via a link
    while folders:
        real_folder, relative_folder, folder_via_link = folders.pop()
        found: list[tuple[Path, str, bool]] = []
        try:
            listing = sorted(os.scandir(real_folder), key=lambda e: e.name)
        except OSError as error:
            if not relative_folder:
                raise  # the raw folder itself: nothing can be found
            entries.append(
                RawEntry(relative_folder.rstrip("/"), real_folder, folder_via_link, f"a folder that cannot be listed: {error.strerror}")
            )
            continue
        for entry in listing:
            relative = f"{relative_folder}{entry.name}"
            if not entry.is_symlink():
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except FileNotFoundError:  # removed since it was listed
                    continue
                target, via_link = real_folder / entry.name, folder_via_link
            else:
                via_link = True
                try:
                    target = Path(entry.path).resolve(strict=True)
                    mode = target.stat().st_mode
                except (OSError, RuntimeError):  # RuntimeError: a loop of links (before Python 3.13)
                    entries.append(RawEntry(relative, Path(entry.path), True, LINK_DANGLING))
                    continue
                if not target.is_relative_to(root):
                    entries.append(RawEntry(relative, Path(entry.path), True, LINK_OUTSIDE))
                    continue
                if stat.S_ISDIR(mode) and real_folder.is_relative_to(target):
                    entries.append(RawEntry(relative, target, True, LINK_LOOP))
                    continue
                if stat.S_ISDIR(mode) and target in followed:
                    folder, _ = printable_name(target.relative_to(root).as_posix())
                    entries.append(
                        RawEntry(relative, target, True, f"a link to the folder {folder}, reached through another link: not followed")
                    )
                    continue
                if stat.S_ISDIR(mode):
                    followed.add(target)
            if stat.S_ISDIR(mode):
                found.append((target, f"{relative}/", via_link))
            elif stat.S_ISREG(mode):
                entries.append(RawEntry(relative, target, via_link))
            else:
                what = SPECIAL_FILES.get(stat.S_IFMT(mode), "not a regular file")
                entries.append(RawEntry(relative, target, via_link, f"{what}, not a regular file: not opened"))
        folders.extend(reversed(found))  # depth first, in name order
    return sorted(entries, key=lambda e: e.relative)


def read_once(entries: list[RawEntry]) -> list[RawEntry]:
    """The entries with a file reached under several names (a link and its target) read once: under
    its own name if that is among them, else under the first; the other names say so."""
    by_file: dict[Path, RawEntry] = {}
    for entry in sorted(entries, key=lambda e: (e.via_link, e.relative)):
        if entry.problem is None:
            by_file.setdefault(entry.path, entry)
    result = []
    for entry in entries:
        chosen = entry if entry.problem else by_file[entry.path]
        if chosen is entry:
            result.append(entry)
        else:
            read_as, _ = printable_name(chosen.relative)
            duplicate = f"the same file as {read_as} (through a link): read once, under that name"
            result.append(RawEntry(entry.relative, entry.path, entry.via_link, duplicate))
    return result


def discover_files(raw_dir: Path, settle_seconds: float = 0) -> Discovery:
    """Exports in raw_dir by kind. A file modified in the last `settle_seconds`, or whose size changes
    while it is looked at, is left for the next run rather than read half-written."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist")
    in_kind_folders, ignored = [], []
    for entry in raw_entries(raw_dir):
        relative = Path(entry.relative)
        if is_temporary(relative) or (entry.problem is None and relative.suffix.lower() not in SUPPORTED_SUFFIXES):
            continue
        name, _ = printable_name(entry.relative)
        parts = relative.parts
        if len(parts) < 2:
            ignored.append(f"{name}: {entry.problem or f'put exports in a folder named after their kind ({KIND_LIST})'}")
        elif parts[0] in NON_SURVEY_FOLDERS:
            continue
        elif parts[0] not in KINDS:
            folder = printable_name(parts[0])[0]
            ignored.append(f"{name}: {entry.problem or f'folder {folder!r} is not a survey kind ({KIND_LIST})'}")
        else:
            in_kind_folders.append(entry)
    files, settling = [], []
    now = time.time()
    for entry in read_once(in_kind_folders):
        name, name_problem = printable_name(entry.relative)
        kind = Path(entry.relative).parts[0]
        if entry.problem:
            files.append(SourceFile(entry.path, name, kind, "", entry.problem))
            continue
        before = entry.path.stat()
        if now - before.st_mtime < settle_seconds:
            settling.append(name)
            continue
        sha256 = file_sha256(entry.path)
        if file_version(entry.path) != file_version(entry.path, before):
            settling.append(name)
            continue
        files.append(SourceFile(entry.path, name, kind, sha256, name_problem, file_version(entry.path, before)))
    return Discovery(files=files, ignored=ignored, settling=settling)


def plan_work(files: list[SourceFile], loaded: dict[str, str]) -> tuple[list[SourceFile], dict[str, str]]:
    """Split files into those to (re)load and those to skip, with why each skipped file is skipped.

    `loaded` maps file_path → sha256 of the version the warehouse holds. A file is skipped when
    that version is this content, or when the same content is already loaded under another name.
    """
    by_content = {sha: path for path, sha in loaded.items()}
    to_load, skipped = [], {}
    for source in files:
        if source.problem:  # not read: rejected again with its reason, whatever was loaded before
            to_load.append(source)
        elif loaded.get(source.file_path) == source.sha256:
            skipped[source.file_path] = "unchanged since it was loaded"
        elif source.sha256 in by_content and by_content[source.sha256] != source.file_path:
            skipped[source.file_path] = f"same content as {by_content[source.sha256]}, already loaded"
        else:
            to_load.append(source)
            by_content.setdefault(source.sha256, source.file_path)
    return to_load, skipped
