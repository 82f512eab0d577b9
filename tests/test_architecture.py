"""The shape of the code: a one-way package graph, a core that imports no domain package, small files.

Every import counts, also those inside functions and under TYPE_CHECKING: an import inside a function dodges a
circle at run time but keeps the packages tied together, so it is read here like any other (with `ast`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "ebw_training"
MAX_LINES = 500
# Files whose split is under way on another branch, with their size today: they may not grow, and the entry
# must go as soon as the file is split (test_pending_splits_are_still_needed fails then).
PENDING_SPLIT: dict[str, int] = {}
# Modules at the top of ebw_training that every package may use: they import no package of ours.
INFRASTRUCTURE = {"extensions", "timeutil", "config"}
# The composition root: the app factory, the CLI group, demo data and the model registry import the packages;
# no package imports them.
ROOT = {"__init__", "cli", "demo", "models", "pages"}


def _python_files() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "translations" not in p.parts)


def _module_name(path: Path) -> list[str]:
    return list(path.relative_to(SOURCE).with_suffix("").parts)


def _unit(parts: list[str]) -> str:
    """The package a module belongs to ("learning"), or the top-level module ("extensions")."""
    return parts[0] if parts else "__init__"


def imported_units(source: str, parts: list[str]) -> set[str]:
    """The units of ebw_training that one module (its path parts below ebw_training) imports, wherever the
    import statement stands."""
    package = parts[:-1]
    units = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "ebw_training":
                    units.add(_unit(names[1:]))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names = (node.module or "").split(".")
                if names[0] != "ebw_training":
                    continue
                target = names[1:]
            else:
                target = package[: len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            if target:
                units.add(_unit(target))
            else:  # `from .. import x`: x is a package or module of ebw_training, or a name in its __init__
                units.update(alias.name if (SOURCE / f"{alias.name}.py").exists() or (SOURCE / alias.name).is_dir()
                             else "__init__" for alias in node.names)
    return units


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _python_files():
        unit = _unit(_module_name(path))
        imports = imported_units(path.read_text(encoding="utf-8"), _module_name(path))
        graph.setdefault(unit, set()).update(imports - {unit})
    return graph


def _packages(graph: dict[str, set[str]]) -> set[str]:
    return {unit for unit in graph if (SOURCE / unit).is_dir()}


def find_cycle(graph: dict[str, set[str]], nodes: set[str]) -> list[str] | None:
    """A circle of imports among `nodes`, as a path that ends where it starts; None when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, set()) & nodes):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if state.get(target) is None and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(nodes):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def test_the_packages_form_a_one_way_graph():
    graph = import_graph()
    cycle = find_cycle(graph, _packages(graph))
    assert cycle is None, "Packages import each other in a circle: " + " -> ".join(cycle)


def test_the_core_imports_no_domain_package():
    graph = import_graph()
    assert graph["core"] <= INFRASTRUCTURE, f"core imports {sorted(graph['core'] - INFRASTRUCTURE)}"


def test_infrastructure_and_packages_never_import_the_composition_root():
    graph = import_graph()
    for unit in INFRASTRUCTURE:
        assert not graph.get(unit, set()) - INFRASTRUCTURE, f"{unit} imports {graph[unit]}"
    for unit in _packages(graph):
        assert not graph[unit] & ROOT, f"{unit} imports {sorted(graph[unit] & ROOT)}"


def test_the_graph_reader_sees_imports_inside_functions_and_finds_circles():
    """The checks above must be able to fail: a function-level import is an edge, and a circle is found."""
    source = ("from __future__ import annotations\n"
              "def f():\n    from ..learning.progress import x\n    import ebw_training.admin.views\n"
              "if TYPE_CHECKING:\n    from ..reporting import scope\n"
              "from . import helpers\nfrom .. import extensions\n")
    assert imported_units(source, ["cohorts", "services"]) == {"learning", "admin", "reporting", "cohorts",
                                                                 "extensions"}
    nodes = {"a", "b", "c"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}, nodes) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}, nodes) is None


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_source_file_is_over_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    limit = PENDING_SPLIT.get(path.relative_to(SOURCE).as_posix(), MAX_LINES)
    assert lines <= limit, f"{path.relative_to(SOURCE)} has {lines} lines; split it (at most {MAX_LINES})"


def test_pending_splits_are_still_needed():
    for name in PENDING_SPLIT:
        lines = len((SOURCE / name).read_text(encoding="utf-8").splitlines())
        assert lines > MAX_LINES, f"{name} is split ({lines} lines): remove it from PENDING_SPLIT"
