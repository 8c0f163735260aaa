"""Secondary suppression (README "Disclosure control"; issue 11 §1), written once for every mart that
publishes totals of other published cells: NI7 areas, regions, tiers and England; the relationship
poll's sides and their both-sides total; provider roll-ups, providers and the national figure.

A structure is a set of cells (each with its unweighted base and whether it is primary suppressed) and
of total-and-parts groups, each an equation total = Σ parts. Numerators, weighted sums and sums of
scores all add up the same way, so one linear system serves every number a cell publishes. With the
published cells' values known, a hidden cell is *determined* when it takes the same value in every
solution of the equations — whatever sums and differences of them one forms, across any number of
groups. Test: the null space of the equation matrix restricted to the hidden cells has a zero component
for that cell in every null-space vector.

Until no hidden cell is determined, the first determined cell (lowest key) is protected by hiding
more published cells ('secondary'): the published cells are taken smallest base first (ties: lowest
key) until that cell is no longer determined, then each taken cell that is not needed after all is
given back, largest first — so only cells that open a path of differencing for it stay hidden, and
the smallest ones at that (the old one-group rule, "hide the smallest other part", is the case of a
single equation). Each connected structure (a survey and year, say) is solved on its own. A cell named
in a group but not listed among the cells (e.g. the both-sides poll figure, or a national figure)
counts as published elsewhere and is never hidden here.

The SQL models call the table macro `secondary_suppression(cells, links)` — `cells` a table (name as a
string) of (cell VARCHAR, size BIGINT, is_primary BOOLEAN), `links` of (grp VARCHAR, cell VARCHAR,
is_total BOOLEAN) — which returns every listed cell with its suppression: 'primary', 'secondary' or
NULL. `install` defines it (and the Python function behind it) on the connection that runs the models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import duckdb
import numpy as np
from duckdb.func import FunctionNullHandling

FUNCTION = "disclosure_secondary_suppression"
CELLS_TYPE = "STRUCT(cell VARCHAR, size BIGINT, is_primary BOOLEAN)[]"
LINKS_TYPE = "STRUCT(grp VARCHAR, cell VARCHAR, is_total BOOLEAN)[]"
RESULT_TYPE = "STRUCT(cell VARCHAR, suppression VARCHAR)[]"
TOLERANCE = 1e-9

Equation = list[tuple[str, int]]  # (cell, coefficient): +1 the total, -1 each part; Σ = 0


def determined(equations: Sequence[Equation], hidden: Iterable[str]) -> set[str]:
    """The hidden cells whose value the equations fix, given the values of every other cell."""
    unknown = sorted(set(hidden))
    index = {cell: i for i, cell in enumerate(unknown)}
    rows = []
    for equation in equations:
        row = np.zeros(len(unknown))
        for cell, coefficient in equation:
            if cell in index:
                row[index[cell]] += coefficient
        if row.any():
            rows.append(row)
    if not unknown or not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vh = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE * max(matrix.shape) * max(singular.max(), 1.0)).sum())
    null_space = vh[rank:]
    free = np.abs(null_space).max(axis=0) > TOLERANCE if len(null_space) else np.zeros(len(unknown), dtype=bool)
    return {cell for cell, is_free in zip(unknown, free, strict=True) if not is_free}


def suppress(cells: Mapping[str, tuple[int, bool]], groups: Mapping[str, Sequence[tuple[str, bool]]]) -> dict[str, str | None]:
    """Every listed cell's suppression. cells: cell → (size, is_primary); groups: group → [(cell,
    is_total)], the total equal to the sum of the parts."""
    equations: list[Equation] = [[(cell, 1 if is_total else -1) for cell, is_total in members] for members in groups.values()]
    hidden = {cell for cell, (_, is_primary) in cells.items() if is_primary}
    unprotected: set[str] = set()  # determined whatever else is hidden: only cells published elsewhere fix it
    for component in _components(equations):
        members = [equations[i] for i in component]
        listed = {cell for equation in members for cell, _ in equation if cell in cells}
        while found := determined(members, hidden & listed) - unprotected:
            target = min(found)
            published = sorted(listed - hidden, key=lambda cell: (cells[cell][0], cell))
            cover = _cover(members, hidden & listed, target, published)
            if cover is None:
                unprotected.add(target)
            else:
                hidden |= cover
    return {cell: "primary" if is_primary else "secondary" if cell in hidden else None for cell, (_, is_primary) in cells.items()}


def _cover(equations: Sequence[Equation], hidden: set[str], target: str, published: Sequence[str]) -> set[str] | None:
    """Published cells whose hiding leaves `target` undetermined: the shortest prefix of `published`
    (smallest first) that does, then pruned, largest first, of every cell it can do without."""

    def free(extra: Iterable[str]) -> bool:
        return target not in determined(equations, hidden | set(extra))

    if not free(published):
        return None
    low, high = 0, len(published)  # free(published[:high]) holds; find the shortest such prefix
    while low < high:
        middle = (low + high) // 2
        if free(published[:middle]):
            high = middle
        else:
            low = middle + 1
    cover = list(published[:high])
    for cell in reversed(published[:high]):
        if free(c for c in cover if c != cell):
            cover.remove(cell)
    return set(cover)


def _components(equations: Sequence[Equation]) -> list[list[int]]:
    """The equations grouped into connected structures (equations sharing a cell, transitively)."""
    parent = list(range(len(equations)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, equation in enumerate(equations):
        for cell, _ in equation:
            j = first.setdefault(cell, i)
            parent[root(i)] = root(j)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(equations)):
        components[root(i)].append(i)
    return list(components.values())


def _secondary_suppression(cells: list[dict] | None, links: list[dict] | None) -> list[dict]:
    listed = {c["cell"]: (c["size"] or 0, bool(c["is_primary"])) for c in cells or []}
    groups: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for link in links or []:
        groups[link["grp"]].append((link["cell"], bool(link["is_total"])))
    return [{"cell": cell, "suppression": suppression} for cell, suppression in suppress(listed, groups).items()]


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define `secondary_suppression(cells, links)` for the SQL models run on this connection (a
    temporary macro over a Python function: neither is stored in the warehouse file)."""
    con.create_function(
        FUNCTION,
        _secondary_suppression,
        [con.dtype(CELLS_TYPE), con.dtype(LINKS_TYPE)],
        con.dtype(RESULT_TYPE),
        null_handling=FunctionNullHandling.SPECIAL,
        side_effects=False,
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO secondary_suppression(cells, links) AS TABLE
        SELECT unnest(result, recursive := true)
        FROM (SELECT {FUNCTION}(
            (SELECT list({{'cell': cell::VARCHAR, 'size': size::BIGINT, 'is_primary': is_primary::BOOLEAN}}) FROM query_table(cells)),
            (SELECT list({{'grp': grp::VARCHAR, 'cell': cell::VARCHAR, 'is_total': is_total::BOOLEAN}}) FROM query_table(links))
        ) AS result)
        """
    )


def uninstall(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP MACRO TABLE IF EXISTS temp.secondary_suppression")
    con.remove_function(FUNCTION)
