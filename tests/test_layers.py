"""Imports run one way: cli and flows → pipeline → stages (ingest, publish) → warehouse → definitions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scorecard.paths import PROJECT_ROOT

# What each layer may import from the project (besides itself).
ALLOWED = {
    "definitions": set(),  # scorecard.kinds, frameworks, paths, packs
    "warehouse": {"definitions"},
    "ingest": {"definitions", "warehouse"},
    "publish": {"definitions", "warehouse"},
    "pipeline": {"definitions", "warehouse", "ingest", "publish"},
    "cli": {"definitions", "warehouse", "ingest", "publish", "pipeline", "flows"},
    "flows": {"definitions", "pipeline", "flows"},
}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "flows":
        return "flows"
    if len(parts) > 1 and parts[1] in ("ingest", "warehouse", "publish", "pipeline", "cli"):
        return parts[1]
    return "definitions"


def modules() -> dict[str, Path]:
    found = {}
    for path in [*(PROJECT_ROOT / "scorecard").rglob("*.py"), *(PROJECT_ROOT / "flows").rglob("*.py")]:
        name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def project_imports(path: Path) -> set[str]:
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    return {name for name in imported if name.split(".")[0] in ("scorecard", "flows")}


MODULES = modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way(module):
    mine = layer(module)
    for imported in project_imports(MODULES[module]):
        if imported == "scorecard":  # the package itself: switches analytics off, nothing else
            continue
        assert layer(imported) in ALLOWED[mine] | {mine}, f"{module} ({mine}) imports {imported} ({layer(imported)})"


def test_the_library_does_not_import_prefect():
    for module, path in MODULES.items():
        if module.startswith("scorecard"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert not any(name.split(".")[0] in ("prefect", "prefect_dask") for name in names), module


def test_no_import_cycles():
    graph = {module: {i for i in project_imports(path) if i in MODULES and i != module} for module, path in MODULES.items()}
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in done:
            return
        assert module not in visiting, " → ".join([*trail, module])
        visiting.add(module)
        for imported in graph[module]:
            visit(imported, [*trail, module])
        visiting.discard(module)
        done.add(module)

    for module in graph:
        visit(module, [])
