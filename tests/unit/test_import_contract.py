"""The arrows point inward (docs/decisions/0040-layers-and-import-contract.md):

- the domain imports only itself, the standard library, and two pure
  libraries named below;
- the service layer imports no adapter, not even through another module;
- the web layer imports no adapter, not even through another module (it is
  handed what `bootstrap` wired).

Every import counts: at module level, inside functions, under TYPE_CHECKING.
No rule id: this is the code's shape, not one of the agency's rules.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "sync_service"

# Outside the standard library, the domain may read the agency's rules
# (`policies`, itself standard library only) and parse Taiwanese phone
# numbers with libphonenumber (pure functions, no I/O).
DOMAIN_MAY_ALSO_IMPORT = {"policies", "phonenumbers"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The modules `path` imports, as absolute dotted names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from . import api` imports the module sync_service.web.api
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def graph(top: Path) -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in top.rglob("*.py")}


GRAPH = graph(ROOT / PACKAGE)
OURS = set(GRAPH)


def ours(imported: set[str]) -> set[str]:
    """The imported names that are modules of the package (a `from m import f` also yields `m.f`)."""
    return {m for m in imported if m in OURS}


def chain_to(start: str, forbidden: str) -> list[str] | None:
    """An import chain from `start` into the `forbidden` package, if there is one."""
    seen, paths = {start}, [[start]]
    while paths:
        path = paths.pop(0)
        for nxt in sorted(ours(GRAPH[path[-1]])):
            if nxt == forbidden or nxt.startswith(forbidden + "."):
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                paths.append(path + [nxt])
    return None


def in_layer(layer: str) -> list[str]:
    prefix = f"{PACKAGE}.{layer}"
    return sorted(m for m in GRAPH if m == prefix or m.startswith(prefix + "."))


def test_the_domain_imports_only_itself_and_the_standard_library():
    outside: dict[str, set[str]] = {}
    for module in in_layer("domain"):
        for imported in GRAPH[module]:
            top = imported.split(".")[0]
            if imported.startswith(f"{PACKAGE}.domain") or top in sys.stdlib_module_names:
                continue
            if top in DOMAIN_MAY_ALSO_IMPORT:
                continue
            outside.setdefault(module, set()).add(imported)
    assert outside == {}


def test_the_policies_the_domain_reads_import_only_the_standard_library():
    for path in (ROOT / "policies").rglob("*.py"):
        outside = {
            m
            for m in imports_of(path)
            if m.split(".")[0] not in sys.stdlib_module_names and not m.startswith("policies")
        }
        assert outside == set(), path


@pytest.mark.parametrize("layer", ["services", "web", "domain"])
def test_no_adapter_is_imported_by(layer):
    chains = {m: chain_to(m, f"{PACKAGE}.adapters") for m in in_layer(layer)}
    assert {m: " -> ".join(c) for m, c in chains.items() if c} == {}


def test_the_contract_sees_a_violation(tmp_path, monkeypatch):
    """The check itself: a service module that reaches an adapter through another module is caught."""
    fake = {
        f"{PACKAGE}.services.a": {f"{PACKAGE}.services.b"},
        f"{PACKAGE}.services.b": {f"{PACKAGE}.bootstrap"},
        f"{PACKAGE}.bootstrap": {f"{PACKAGE}.adapters.repository"},
        f"{PACKAGE}.adapters.repository": set(),
    }
    monkeypatch.setattr(sys.modules[__name__], "GRAPH", fake)
    monkeypatch.setattr(sys.modules[__name__], "OURS", set(fake))
    assert chain_to(f"{PACKAGE}.services.a", f"{PACKAGE}.adapters") == [
        f"{PACKAGE}.services.a",
        f"{PACKAGE}.services.b",
        f"{PACKAGE}.bootstrap",
        f"{PACKAGE}.adapters.repository",
    ]
    relative = tmp_path / PACKAGE / "services" / "c.py"
    relative.parent.mkdir(parents=True)
    relative.write_text("from ..adapters.repository import LeaseLost\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert f"{PACKAGE}.adapters.repository" in imports_of(relative)


def test_the_domain_modules_import_each_other_without_a_circle():
    modules = [m for m in in_layer("domain") if m != f"{PACKAGE}.domain"]
    for module in modules:
        for start in sorted(ours(GRAPH[module]) & set(modules)):
            back = chain_to(start, module)
            assert back is None, f"{module} -> " + " -> ".join(back)


def test_the_ports_live_in_one_module():
    """Every Protocol of the package is a port of the service layer, in services/ports.py
    (docs/decisions/0040): an adapter implements what that one module declares."""
    ports = ROOT / PACKAGE / "services" / "ports.py"
    elsewhere: dict[str, list[str]] = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        if path == ports:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                (isinstance(b, ast.Name) and b.id == "Protocol")
                or (isinstance(b, ast.Attribute) and b.attr == "Protocol")
                for b in node.bases
            ):
                elsewhere.setdefault(module_name(path), []).append(node.name)
    assert elsewhere == {}


# What the unit of work holds (services/ports.py, UnitOfWork): the web layer hands a unit
# of work to a use case and never opens one itself.
REPOSITORIES = {
    "applications",
    "seats",
    "outbox",
    "scans",
    "keycloak_events",
    "legacy",
    "password_reminders",
    "access_reviews",
}


def repository_reads(path: Path) -> list[str]:
    """`with ... .uow() as ...:` blocks, reads of a unit of work's repositories, and imports
    of a Repository type, in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "uow":
                    found.append(f"line {node.lineno}: opens a unit of work")
        elif isinstance(node, ast.Attribute) and node.attr in REPOSITORIES:
            if isinstance(node.value, ast.Name) and node.value.id == "uow":
                found.append(f"line {node.lineno}: uow.{node.attr}")
        elif isinstance(node, ast.ImportFrom):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name.endswith("Repository")]
    return found


def test_the_web_layer_reads_no_repository():
    """Thin blueprints (docs/decisions/0040): a page calls a use case, which reads the
    repositories and decides who may see what."""
    reads = {module_name(p): repository_reads(p) for p in (ROOT / PACKAGE / "web").rglob("*.py")}
    assert {m: r for m, r in reads.items() if r} == {}


def test_the_repository_check_sees_a_read(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "from ..services.ports import ScanRepository\n"
        "def view(reference):\n"
        "    with wiring().uow() as uow:\n"
        "        return uow.applications.get(reference)\n"
    )
    assert len(repository_reads(page)) == 3


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every module that can reach itself through the modules it imports, with the way back."""
    modules = set(graph)
    found = []
    for start in sorted(modules):
        seen, paths = {start}, [[start]]
        while paths:
            path = paths.pop(0)
            nxt_all = sorted({m for m in graph[path[-1]] if m in modules})
            if start in nxt_all:
                found.append(path + [start])
                break
            for nxt in nxt_all:
                if nxt not in seen:
                    seen.add(nxt)
                    paths.append(path + [nxt])
    return found


@pytest.mark.parametrize("top", [PACKAGE, "stack"])
def test_no_import_circle(top):
    """Issue 23: three small circles (stack's entry point and its production shape, the audit
    chain and its people, the API's auth, errors and limits) are gone and stay gone. A
    module's own packages are left out of what it imports: Python loads them before the
    module anyway (`from . import fields` in a package's module names the package too)."""
    graph = {
        m: {i for i in imported if not (m == i or m.startswith(i + "."))}
        for m, imported in graph_of(ROOT / top).items()
    }
    assert [" -> ".join(c) for c in circles(graph)] == []


def graph_of(top: Path) -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in top.rglob("*.py")}


def test_the_circle_check_sees_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c", "a"],
        ["b", "c", "a", "b"],
        ["c", "a", "b", "c"],
    ]


def policy_loaders() -> set[str]:
    """The functions of `policies` that read its TOML files (each cached: `@cache def load()`)."""
    tree = ast.parse((ROOT / "policies" / "__init__.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(d, ast.Name) and d.id == "cache" for d in node.decorator_list)
    }


def policy_reads(path: Path, loaders: set[str]) -> list[str]:
    """Where one module reads the agency's rules itself: `policies.load()` (any loader of
    `policies`, called or passed on) or `from policies import load`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in loaders
            and isinstance(node.value, ast.Name)
            and node.value.id == "policies"
        ):
            found.append(f"line {node.lineno}: policies.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "policies":
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names if a.name in loaders]
    return found


def test_the_domain_reads_no_policy_itself():
    """Issue 23: the domain is handed the rules it applies (the catalogue, the category table,
    the password rules) by the service or page that calls it; it never loads them as a hidden
    global. It may name the rules' types (`policies.PasswordRules`), which are plain dataclasses."""
    loaders = policy_loaders()
    reads = {module_name(p): policy_reads(p, loaders) for p in (ROOT / PACKAGE / "domain").rglob("*.py")}
    assert {m: r for m, r in reads.items() if r} == {}


def test_the_policy_check_sees_a_read(tmp_path):
    assert {"load", "letters", "departures"} <= policy_loaders()
    module = tmp_path / "rules.py"
    module.write_text(
        "import policies\n"
        "from policies import load, PasswordRules\n"
        "def length(rules: policies.PasswordRules) -> int:\n"
        "    return policies.load().password.min_length + rules.min_length\n"
    )
    assert policy_reads(module, {"load"}) == ["line 2: imports load", "line 4: policies.load"]
