"""What the publish stage writes from warehouse values — which came from surveys and framework files,
so may be hostile: spreadsheet text that stays text, and file names that stay in their folder.

Spreadsheet cells: a spreadsheet evaluates text starting with `=`, `+`, `-`, `@`, tab or carriage
return as a formula (OWASP "CSV injection"), and openpyxl itself writes a string starting with `=`
as a formula. `write_cell` and `append_row` write every text as a string cell, marked "quote
prefix" when it starts like a formula so Excel keeps it text even when the cell is edited; numbers
stay numbers. The CSV exports (publish/exports.py) prefix `'` to such text inside DuckDB, matching
FORMULA_START — the one rule both use.
Text is written as Excel reads it: a carriage return as the OOXML escape `_x000D_` (a raw one would
become a line feed), a written `_x…_` escaped so it is not read as one.

File names: `file_name` turns values into a name of letters, digits and `_` (a value outside that
set is slugged and given a hash of itself, so two values never share a file), and `inside` refuses a
path that resolves outside its folder — through a symlink, for instance. `OutputFolder` gives the same
guarantee to many files in one folder for the cost of one check of the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text starting like a formula, as a regular expression that Python and DuckDB (RE2) read alike: each
# character written \xHH, so none needs escaping in either.
FORMULA_START = "^[" + "".join(f"\\x{ord(character):02x}" for character in FORMULA_STARTS) + "]"
FORMULA_START_PATTERN = re.compile(FORMULA_START)
EXCEL_CELL_CHARACTERS = 32_767  # the most text an Excel cell holds
# XML 1.0, so a workbook, cannot hold these control characters; each is shown as its Unicode "control picture".
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LOOKS_LIKE_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
FILE_NAME_PART_CHARACTERS = 64  # the longest value kept whole in a file name; 255 bytes is a file name's limit
SAFE_PART = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_]{{0,{FILE_NAME_PART_CHARACTERS - 1}}}")
UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9_]+")


CellValue = str | int | float | bool | None


class OutputPathError(ValueError):
    """An output file would land outside its folder."""


def starts_like_formula(text: str) -> bool:
    return FORMULA_START_PATTERN.match(text) is not None


def cell_text(text: str) -> str:
    """The text as a workbook holds it: control characters shown, escaped for OOXML and cut, saying
    so, at Excel's limit (which openpyxl applies, silently, to the escaped text)."""
    shown = NOT_IN_XML.sub(lambda match: chr(0x2400 + ord(match.group())), text)
    written = ooxml_escaped(shown)
    if len(written) <= EXCEL_CELL_CHARACTERS:
        return written
    cut = f" … [cut: {len(shown):,} characters, an Excel cell holds at most {EXCEL_CELL_CHARACTERS:,}]"
    room = EXCEL_CELL_CHARACTERS - len(cut)
    fewest, most = 0, room  # the longest beginning whose escaped text fits: escaping a longer one is never shorter
    while fewest < most:
        middle = (fewest + most + 1) // 2
        fewest, most = (middle, most) if len(ooxml_escaped(shown[:middle])) <= room else (fewest, middle - 1)
    return ooxml_escaped(shown[:fewest]) + cut


def ooxml_escaped(text: str) -> str:
    return LOOKS_LIKE_OOXML_ESCAPE.sub("_x005F_", text).replace("\r", "_x000D_")


def write_cell(cell: Cell, value: CellValue) -> None:
    """The value into the cell: text as a string cell, never a formula nor an error code."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = cell_text(value)
    cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error
    if starts_like_formula(value):
        cell.quotePrefix = True


def append_row(sheet: Worksheet, values: Iterable[CellValue]) -> None:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet)  # placed by append
        write_cell(cell, value)
        cells.append(cell)
    sheet.append(cells)


def file_name_part(value: object) -> str:
    """The value itself when it is letters, digits and `_` (starting with a letter or digit, at most
    FILE_NAME_PART_CHARACTERS long); otherwise its safe characters and a hash of the whole value."""
    text = str(value)
    if SAFE_PART.fullmatch(text):
        return text
    slug = UNSAFE_CHARACTERS.sub("_", text).strip("_")[: FILE_NAME_PART_CHARACTERS - 9]
    mark = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}_{mark}" if slug else mark


def file_name(parts: Iterable[object], suffix: str) -> str:
    """e.g. `compact_thriving_sector-E09000007-2012` + suffix."""
    return "-".join(file_name_part(part) for part in parts) + suffix


def inside(folder: Path, name: str) -> Path:
    """folder / name, refused unless it resolves inside the folder (as the folder itself resolves)."""
    check_file_name(folder, name)
    path = folder / name
    resolved, home = path.resolve(), folder.resolve()
    if resolved == home or not resolved.is_relative_to(home):
        raise OutputPathError(f"refusing to write {str(path)!r}: it resolves to {str(resolved)!r}, outside the folder {str(home)!r}")
    return path


class OutputFolder:
    """A folder to write many files in, checked once: it must resolve inside `home` (as `inside` checks)
    and is then held open, so every file lands in the folder that was checked even if its path is swapped
    for a link later. Files are plain names in it (no separator). A name that was a symlink when the
    folder was opened is checked by `inside`, so one leading out of the folder is refused; a link planted
    later is never written through either: a file is written as a new `.partial` file (opened without
    following a link) and renamed over its name, which replaces a link rather than following it."""

    def __init__(self, home: Path, name: str = "") -> None:
        self.path = inside(home, name) if name else home
        self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        with os.scandir(self.fd) as entries:
            listed = [(entry.name, entry.is_file(), entry.is_symlink()) for entry in entries]
        self.files = {name for name, is_file, _ in listed if is_file}  # as is_file() says: a link to a file is one
        self.links = {name for name, _, is_link in listed if is_link}

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exception: object) -> None:
        os.close(self.fd)

    def write_atomically(self, name: str, data: bytes) -> None:
        """Write beside the file, then rename over it: a reader sees the old file or the new one, never half of one."""
        self.checked(name)
        partial = self.checked(name + ".partial")
        try:
            fd = self.created(partial)
        except FileExistsError:  # left by a build that died, or planted: removed, never written through
            os.unlink(partial, dir_fd=self.fd)
            fd = self.created(partial)
        try:
            unwritten = memoryview(data)
            while unwritten:
                unwritten = unwritten[os.write(fd, unwritten) :]
        finally:
            os.close(fd)
        os.replace(partial, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def remove(self, name: str) -> None:
        os.unlink(self.checked(name), dir_fd=self.fd)

    def created(self, name: str) -> int:
        return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=self.fd)

    def checked(self, name: str) -> str:
        """The name, refused unless it is a plain file name, and if it was a link, one staying in the folder."""
        if "/" in name:
            raise OutputPathError(f"refusing to write {name!r} in {str(self.path)!r}: not a plain file name")
        check_file_name(self.path, name)
        if name in self.links:
            inside(self.path, name)
        return name


def check_file_name(folder: Path, name: str) -> None:
    if "\x00" in name or name in ("", ".", ".."):
        raise OutputPathError(f"refusing to write {name!r} in {str(folder)!r}: not a file name")
