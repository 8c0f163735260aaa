"""Where the project's own data files live (next to the package, in the checkout), and which folders
a run requested through the Prefect API may use."""

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SCORECARDS_DIR = PROJECT_ROOT / "scorecards"
MAPPINGS_DIR = PROJECT_ROOT / "mappings"
REFERENCE_DIR = PROJECT_ROOT / "reference"

# Defaults of `scorecard run`, relative to the working directory like any command-line path.
DEFAULT_RAW_DIR = Path("raw")
DEFAULT_WAREHOUSE = Path("warehouse") / "scorecard.duckdb"

# Folders a run requested through the Prefect API may read and write, separated by os.pathsep.
ALLOWED_ROOTS_VARIABLE = "SCORECARD_ALLOWED_ROOTS"
SHOWN_PATH_CHARACTERS = 200  # of a refused path in a message: a parameter can be any length


class PathNotAllowed(ValueError):
    """A path given to a run lies outside the folders it may use."""


def allowed_roots(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """The folders named in SCORECARD_ALLOWED_ROOTS (absolute, links resolved), else the project folder."""
    named = [root for root in environ.get(ALLOWED_ROOTS_VARIABLE, "").split(os.pathsep) if root.strip()]
    relative = [root for root in named if not Path(root).is_absolute()]
    if relative:
        raise PathNotAllowed(f"{ALLOWED_ROOTS_VARIABLE} must list absolute folders; not absolute: {', '.join(map(shown, relative))}")
    return [Path(root).resolve() for root in named] or [PROJECT_ROOT]


def shown(path: str | Path) -> str:
    """A path as it may appear in a message or log line: quoted, control characters escaped, cut short."""
    text = str(path)
    if len(text) <= SHOWN_PATH_CHARACTERS:
        return repr(text)
    return f"{text[:SHOWN_PATH_CHARACTERS]!r}… (first {SHOWN_PATH_CHARACTERS} characters shown)"


def inside_allowed_roots(paths: Mapping[str, str | Path], roots: Sequence[Path]) -> dict[str, Path]:
    """Each named path resolved ('..' and links followed as far as they exist), or PathNotAllowed
    naming every path that resolves outside all the roots. Use the resolved paths: they are the
    ones checked."""
    resolved, refused = {}, []
    for name, path in paths.items():
        try:
            resolved[name] = Path(path).resolve()
        except (OSError, ValueError):  # e.g. a NUL byte, or too many levels of links
            refused.append(f"{name} {shown(path)} is not a usable path")
            continue
        if not any(resolved[name].is_relative_to(root) for root in roots):
            refused.append(f"{name} {shown(path)} resolves to {shown(resolved[name])}, outside the allowed folders")
    if refused:
        allowed = ", ".join(shown(root) for root in roots)
        raise PathNotAllowed(
            f"{'; '.join(refused)}. Allowed folders: {allowed} (set by {ALLOWED_ROOTS_VARIABLE}; default: the project folder)"
        )
    return resolved
