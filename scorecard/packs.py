"""The panel pack format, shared by the pack writer (publish) and the pack reader (ingest).

A pack records its framework, entity, year and side on its protected Instructions sheet, with a
checksum of them and of the indicator list, so an edited pack is recognised and rejected.
"""

from __future__ import annotations

import hashlib

MARKER = "Community scorecard panel pack"
SIDES = ("sector", "public_body", "agreed")
SIDE_NAMES = {"sector": "sector representatives", "public_body": "public bodies", "agreed": "the panel (agreed scores)"}
META_ROWS = {"framework": 3, "entity": 4, "year": 5, "side": 6, "checksum": 7}  # Instructions!B<row>
INDICATOR_LIST_ROW = 8
SCORE_HEADER = ["indicator_id", "indicator", "last year's score", "evidence suggests", "evidence", "your score (0-3)", "note"]
AGREEMENT_HEADER = [
    "indicator_id",
    "indicator",
    "status",
    "sector score",
    "sector note",
    "public bodies' score",
    "public bodies' note",
    "evidence suggests",
    "agreed score (0-3)",
    "note",
]


class PackError(ValueError):
    """A file that is a panel pack cannot be used as one (rejected whole, with the reason)."""


def checksum(framework: str, entity: str, year: int | str, side: str, indicators: list[str]) -> str:
    text = "|".join([framework, entity, str(year), side, ",".join(indicators)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
