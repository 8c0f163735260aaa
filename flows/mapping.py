"""Map an export's header onto the canonical columns of its kind's import template.

Headers match by canonical name, forgiving case, spacing and punctuation ("Area code" →
`area_code`). Columns outside the template are dropped here, before anything is stored, so free
text and personal data that a tool exports never reach the warehouse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from flows.kinds import Kind


class RejectedFile(Exception):
    """The file as a whole cannot be loaded as this kind (e.g. a required column is missing)."""


@dataclass
class Mapped:
    frame: pd.DataFrame  # canonical columns only, in template order, original text values
    dropped_columns: list[str] = field(default_factory=list)


def canonical_name(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(header).strip().lower()).strip("_")


def map_columns(frame: pd.DataFrame, kind: Kind) -> Mapped:
    wanted = set(kind.columns)
    found: dict[str, str] = {}
    dropped: list[str] = []
    for header in frame.columns:
        name = canonical_name(header)
        if name not in wanted:
            dropped.append(str(header))
        elif name in found:
            raise RejectedFile(f"column {name!r} appears twice in the header ({found[name]!r} and {header!r})")
        else:
            found[name] = header
    missing = [column for column in kind.required if column not in found]
    if missing:
        raise RejectedFile(
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"for kind {kind.name!r} (required: {', '.join(kind.required)})"
        )
    columns = [column for column in kind.columns if column in found]
    mapped = frame[[found[column] for column in columns]].copy()
    mapped.columns = columns
    return Mapped(frame=mapped, dropped_columns=dropped)
