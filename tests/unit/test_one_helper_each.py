"""Each helper once (issue 23): one process supervisor, one PostgreSQL launcher, one wait,
one port finder, shared by stack/, tests/ and bench/ from stack/ (which both may import);
bench/ and stack/ import nothing from tests/. No rule id: this is the code's shape."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREES = ("stack", "tests", "bench", "sync_service")

# The one place each helper is defined.
HOMES = {
    "free_port": "stack/network.py",
    "wait_until": "stack/waiting.py",
    "wait_http": "stack/waiting.py",
    "Supervisor": "stack/processes.py",
    "Postgres": "stack/postgres.py",
}


@cache
def modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for tree in TREES for p in (ROOT / tree).rglob("*.py")}


def definitions() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {name: [] for name in HOMES}
    for path, module in modules().items():
        for node in ast.walk(module):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in HOMES:
                found[node.name].append(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("name", sorted(HOMES))
def test_each_helper_is_defined_once(name):
    assert definitions()[name] == [HOMES[name]]


def test_initdb_is_run_from_one_place():
    runs = sorted(
        str(p.relative_to(ROOT))
        for p, module in modules().items()
        if p != Path(__file__).resolve()
        if any(isinstance(n, ast.Constant) and n.value == "initdb" for n in ast.walk(module))
    )
    assert runs == ["stack/postgres.py"]


@pytest.mark.parametrize("tree", ["bench", "stack"])
def test_imports_nothing_from_tests(tree):
    found = []
    for path, module in modules().items():
        if path.relative_to(ROOT).parts[0] != tree:
            continue
        for node in ast.walk(module):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n == "tests" or n.startswith("tests.")]
    assert found == []
