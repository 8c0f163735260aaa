"""Every limit on what the pipeline reads, in one place, so memory and time are bounded by design.

Each limit has a safe default and is overridden by its environment variable (a positive whole
number), read each time the limit is checked, so a changed setting applies to the next file. A file
over a limit is refused with the limit, its value and its variable named: a survey export is
rejected (its reason in audit.load_log) and the run goes on; a framework or mapping file is
reported with its name, as a malformed one is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


@dataclass(frozen=True)
class Limit:
    variable: str  # the environment variable that overrides the default
    default: int
    what: str  # the limit's name in messages, e.g. "file-size limit"
    unit: str = ""  # "bytes" (shown as KiB/MiB/GiB where exact), or a plain unit such as "rows"

    def value(self) -> int:
        setting = os.environ.get(self.variable, "").strip()
        if not setting:
            return self.default
        try:
            value = int(setting.replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"{self.variable} must be a positive whole number, not {setting[:40]!r}")
        return value

    def amount(self, value: int) -> str:
        """`value` in this limit's unit, for a message."""
        if self.unit == "bytes":
            return byte_size(value)
        return f"{value:,} {self.unit}".rstrip()

    def named(self, value: int | None = None) -> str:
        """The limit as a message names it: 'the file-size limit of 2 GiB (SCORECARD_MAX_FILE_BYTES)'."""
        return f"the {self.what} of {self.amount(self.value() if value is None else value)} ({self.variable})"


def byte_size(size: int) -> str:
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit:,} {name}"
    return f"{size:,} bytes"


# Survey exports (scorecard/ingest/read.py)
MAX_FILE_BYTES = Limit("SCORECARD_MAX_FILE_BYTES", 2 * GIB, "file-size limit", "bytes")
MAX_ROWS = Limit("SCORECARD_MAX_ROWS", 5_000_000, "rows-per-file limit", "rows")
MAX_COLUMNS = Limit("SCORECARD_MAX_COLUMNS", 2_000, "columns-per-file limit", "columns")
MAX_ROW_BYTES = Limit("SCORECARD_MAX_ROW_BYTES", MIB, "row-size limit", "bytes")  # one row, all its cells together
MAX_XLSX_BYTES = Limit("SCORECARD_MAX_XLSX_BYTES", 100 * MIB, ".xlsx file-size limit", "bytes")  # as stored (compressed)
# What an .xlsx unpacks to (the sum of its zip members' sizes): parsing costs ~3 s per 16 MiB, so
# this bounds the time a workbook takes; a ratio far above an ordinary workbook's (~5-20) is a zip bomb.
MAX_XLSX_UNCOMPRESSED_BYTES = Limit("SCORECARD_MAX_XLSX_UNCOMPRESSED_BYTES", 512 * MIB, ".xlsx uncompressed-size limit", "bytes")
MAX_XLSX_COMPRESSION_RATIO = Limit("SCORECARD_MAX_XLSX_COMPRESSION_RATIO", 100, ".xlsx compression-ratio limit", "to 1")

# Framework and mapping files (scorecard/bounded_yaml.py)
MAX_YAML_BYTES = Limit("SCORECARD_MAX_YAML_BYTES", MIB, "YAML file-size limit", "bytes")
# Nodes counted as if every alias were written out in full: a few hundred bytes of nested aliases
# ("billion laughs") expand to billions.
MAX_YAML_NODES = Limit("SCORECARD_MAX_YAML_NODES", 100_000, "YAML node limit", "nodes")
MAX_YAML_DEPTH = Limit("SCORECARD_MAX_YAML_DEPTH", 50, "YAML nesting limit", "levels")

# DuckDB's memory for the pipeline's own work; beyond it DuckDB spills to the scratch folder beside
# the warehouse, so a run's peak memory stays near these whatever the input size.
STAGE_MEMORY_BYTES = Limit("SCORECARD_STAGE_MEMORY_BYTES", 256 * MIB, "reading memory limit", "bytes")  # all of a run's reads
LOAD_MEMORY_BYTES = Limit("SCORECARD_LOAD_MEMORY_BYTES", 384 * MIB, "validation and load memory limit", "bytes")


def duckdb_memory(limit: Limit) -> str:
    """The limit as DuckDB's memory_limit setting takes it."""
    return f"{limit.value()}B"
