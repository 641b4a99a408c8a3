"""Imports point one way between the modules that used to import each other from inside functions
(the symptom of a cycle dodged, not broken): accounts ↔ organizations, notify ↔ messages, and the
database plumbing ↔ the models. Read from the source, every import counts, module-level or not."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import trainhub

PACKAGE = Path(trainhub.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every trainhub module this file imports, at any depth (imports for type checking aside)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            return
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("trainhub"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("trainhub"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A chain of imports from start to goal, or None."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop()
        for following in sorted(graph.get(path[-1], ())):
            if following == goal:
                return path + [following]
            if following not in seen:
                seen.add(following)
                paths.append(path + [following])
    return None


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        ("trainhub.accounts.services", "trainhub.organizations.services"),
        ("trainhub.notifications.messages", "trainhub.notifications.notify"),
        ("trainhub.notifications.outbox", "trainhub.notifications.messages"),
        ("trainhub.models.base", "trainhub.extensions"),
        ("trainhub.extensions", "trainhub.db"),
    ],
)
def test_imports_point_one_way(graph, lower, upper):
    assert _reaches(graph, upper, lower), f"{upper} is expected to use {lower}"
    assert _reaches(graph, lower, upper) is None, f"a cycle: {' → '.join(_reaches(graph, lower, upper))}"


def test_the_models_import_none_of_the_plumbing(graph):
    """So `db` (an extension) and trainhub.db can import the models' base, whichever is imported first."""
    for module in sorted(name for name in graph if name.startswith("trainhub.models")):
        for plumbing in ("trainhub.extensions", "trainhub.db"):
            assert _reaches(graph, module, plumbing) is None, " → ".join(_reaches(graph, module, plumbing))


def test_the_database_plumbing_imports_first_in_a_fresh_interpreter():
    """trainhub.db and trainhub.extensions before any model: the order a script or a test may use."""
    code = "import trainhub.db, trainhub.notifications.messages, trainhub.organizations.services, trainhub.models"
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True, cwd=PACKAGE.parent, timeout=120)
