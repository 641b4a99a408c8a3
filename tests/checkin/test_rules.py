"""The check-in rules on plain values: the table in rules_cases.json (which another runner — a console
deciding offline — can load as it is) run through rules.decide, rules.window and rules.direction; no app,
no database. Also: the rules import nothing but the standard library, and the check-in modules import one
another without a cycle."""

from __future__ import annotations

import ast
import inspect
import json
from datetime import datetime
from pathlib import Path

import pytest

from trainhub.checkin import rules

TABLE = json.loads((Path(__file__).with_name("rules_cases.json")).read_text(encoding="utf-8"))
INSTANTS = {"opens", "closes", "checked_in_at", "checked_out_at", "now", "starts_at", "ends_at"}
DECIDE = TABLE["decide"]
PACKAGE = Path(rules.__file__).parent


def _values(given: dict) -> dict:
    """The table's JSON values as the rules take them: ISO instants → aware datetimes."""
    return {
        key: datetime.fromisoformat(value) if key in INSTANTS and value is not None else value
        for key, value in given.items()
    }


@pytest.mark.parametrize("case", DECIDE["cases"], ids=lambda case: case["name"])
def test_decide(case):
    assert rules.decide(**_values({**DECIDE["defaults"], **case["given"]})) == case["expect"]


def test_the_table_reaches_every_code_and_gives_every_argument():
    assert {case["expect"] for case in DECIDE["cases"]} == set(rules.CODES)
    assert len({case["name"] for case in DECIDE["cases"]}) == len(DECIDE["cases"])
    # The defaults name every argument of decide (so a case changes only what it is about), and nothing else.
    assert set(DECIDE["defaults"]) == set(inspect.signature(rules.decide).parameters)
    for case in DECIDE["cases"]:
        assert set(case["given"]) <= set(DECIDE["defaults"]), case["name"]
        assert case["given"].get("ticket", "live") in rules.TICKETS
        assert case["given"].get("direction", "in") in rules.DIRECTIONS


@pytest.mark.parametrize("case", TABLE["windows"], ids=lambda case: case["name"])
def test_window(case):
    assert rules.window(**_values(case["given"])) == (
        datetime.fromisoformat(case["expect"]["opens"]),
        datetime.fromisoformat(case["expect"]["closes"]),
    )


@pytest.mark.parametrize("case", TABLE["directions"], ids=lambda case: json.dumps(case["given"]))
def test_direction(case):
    if case["expect"] == "invalid":
        with pytest.raises(rules.InvalidDirection):
            rules.direction(case["given"])
    else:
        assert rules.direction(case["given"]) == case["expect"]


def test_decide_refuses_a_direction_that_is_neither_in_nor_out():
    given = _values({**DECIDE["defaults"], "direction": "up"})
    with pytest.raises(rules.InvalidDirection):
        rules.decide(**given)


def _imports(path: Path) -> set[str]:
    """The modules a file imports (absolute names; `from trainhub.checkin import scan` names the submodule)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_rules_use_only_the_standard_library():
    assert _imports(PACKAGE / "rules.py") <= {
        "__future__",
        "__future__.annotations",
        "datetime",
        "datetime.datetime",
        "datetime.timedelta",
    }


def test_the_check_in_modules_import_one_another_without_a_cycle():
    modules = {path.stem: path for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    edges = {
        name: {
            imported.rsplit(".", 1)[1]
            for imported in _imports(path)
            if imported.startswith("trainhub.checkin.") and imported.rsplit(".", 1)[1] in modules
        }
        for name, path in modules.items()
    }
    done, path = set(), []

    def visit(name):
        assert name not in path, " → ".join([*path[path.index(name) :], name])
        if name in done:
            return
        path.append(name)
        for imported in sorted(edges[name]):
            visit(imported)
        path.pop()
        done.add(name)

    for name in sorted(modules):
        visit(name)
    assert edges["rules"] == set()
