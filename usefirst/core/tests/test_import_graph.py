"""The apps import each other in one direction only (docs/architecture.md, "Which app may import
which"): the graph of imports between the apps under `usefirst/`, read from the source — imports
at module level and inside functions alike, tests and migrations left out — has no cycle.

Where a lower app must hear from a higher one it declares a hook (usefirst/core/hooks.py).
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import usefirst

ROOT = Path(usefirst.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
# Test support that pytest loads (the root conftest.py): the personas are built from accounts'
# models, which the core app itself must not import.
TEST_SUPPORT = {"core/testing.py"}

Edges = dict[str, dict[str, list[str]]]

# The layers of docs/architecture.md: an app imports only apps of a lower layer (apps of one
# layer not each other).
LAYERS: dict[str, int] = {
    "core": 1,
    "api": 2,
    "notifications": 3,
    "accounts": 4,
    "policy": 5,
    "catalog": 6,
    "plan_projects": 7,
    "matching": 7,
    "matchmaking": 7,
    "contracts": 8,
    "finance": 9,
    "performance": 10,  # the licensee's performance record: risk reads it and feeds its claims hook
    "recognition": 11,
    "inclusion": 11,
    "risk": 11,
    "safehouse": 11,  # the 安心屋: reads contracts, signs with the contracts CA
    "evaluation": 12,  # agency, unit and city evaluations: read matchmaking, contracts, finance, safehouse
    "events": 11,  # events: read catalog, matchmaking and contracts for outcomes
    "cases": 11,  # typical cases: read contracts (contract_facts)
    "simulator": 12,  # the payment-mode simulator: reads contracts, finance, policy (and may quote with risk)
    "financing": 12,  # bank loans (先用后付贷): reads contracts, catalog IP items, risk's pack and deal facts
    "reporting": 12,  # annual reporting and rectification: reads contracts, finance, recognition
    "measures": 7,  # local support measures (shown on the pages of achievements and contracts)
    "pools": 12,  # industry pools: the catalog's achievements, curated
    "sources": 12,  # recommendation channels: the catalog, and auto-inclusion for the source counts
    "help": 12,  # help pages and site navigation: the policy's figures, the catalog's labels
    "monitoring": 12,  # health, metrics, error reports: reads the task queue and the search index
    "statistics": 13,  # dashboards and open statistics: reads the deal apps, the rollup its own, evaluation's results
    "demo": 14,
}


def _is_test_or_migration(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or "migrations" in parts or path.name in {"conftest.py"}


def _module_of(path: Path) -> tuple[str, str]:
    """The module a file is, and the package its relative imports start from."""
    module = ".".join(("usefirst", *path.relative_to(ROOT).with_suffix("").parts))
    if path.name == "__init__.py":
        module = module.removesuffix(".__init__")
        return module, module
    return module, module.rsplit(".", 1)[0]


def imported_modules(source: str, package: str) -> list[tuple[str, int]]:
    """Every module a source imports (absolute names), at module level or inside a function, with its line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "usefirst" and parts[1] in APPS:
        return parts[1]
    return None


def import_graph() -> Edges:
    """app → app it imports → where (file:line), for the code of the apps."""
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if _is_test_or_migration(path) or str(path.relative_to(ROOT)) in TEST_SUPPORT:
                continue
            for name, line in imported_modules(path.read_text(encoding="utf-8"), _module_of(path)[1]):
                target = _app_of(name)
                if target is not None and target != app:
                    where = f"{path.relative_to(ROOT.parent)}:{line}"
                    if where not in edges[app][target]:
                        edges[app][target].append(where)
    return edges


def find_cycle(edges: Edges) -> list[str]:
    """One cycle of the graph as [a, b, …, a], or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(app: str) -> list[str]:
        state[app] = 1
        path.append(app)
        for target in sorted(edges.get(app, {})):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[app] = 2
        return []

    for app in sorted(edges):
        if app not in state and (cycle := visit(app)):
            return cycle
    return []


def describe(cycle: list[str], edges: Edges) -> str:
    lines = [" → ".join(cycle)]
    for a, b in itertools.pairwise(cycle):
        lines.append(f"  {a} → {b}: " + ", ".join(edges[a][b][:5]))
    return "\n".join(lines)


def test_the_apps_import_each_other_without_a_cycle() -> None:
    edges = import_graph()
    cycle = find_cycle(edges)
    assert not cycle, "the apps import each other in a cycle:\n" + describe(cycle, edges)


def test_every_app_has_a_layer() -> None:
    assert set(APPS) == set(LAYERS)


def test_every_app_imports_only_the_apps_of_lower_layers() -> None:
    upward = [
        f"{app} (layer {LAYERS[app]}) → {target} (layer {LAYERS[target]}): " + ", ".join(where[:3])
        for app, targets in import_graph().items()
        for target, where in targets.items()
        if LAYERS[target] >= LAYERS[app]
    ]
    assert not upward, "imports against the layers of docs/architecture.md:\n" + "\n".join(upward)


def test_it_finds_a_cycle_through_three_apps() -> None:
    edges: Edges = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:1"]}}
    cycle = find_cycle(edges)
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert find_cycle({"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}}) == []


def test_it_sees_imports_inside_functions_and_relative_ones() -> None:
    source = "from ..finance import hooks\n\ndef f():\n    from usefirst.matching.search import search_filter\n"
    names = [name for name, _ in imported_modules(source, "usefirst.catalog.services")]
    assert "usefirst.finance.hooks" not in names  # two dots from catalog.services is usefirst.catalog
    assert "usefirst.catalog.finance.hooks" in names
    assert "usefirst.matching.search.search_filter" in names
    assert _app_of("usefirst.matching.search") == "matching"


def test_risk_sits_above_contracts_and_finance_and_only_the_demo_and_financing_import_it() -> None:
    """Risk reads contracts and payment plans through their selectors; no app below it knows of it
    (the workspace hears of its to-dos through a hook). Financing, above it, reuses its consented
    pack and its product review's shape."""
    edges = import_graph()
    importers = sorted(app for app, targets in edges.items() if "risk" in targets)
    assert importers == ["demo", "financing"], importers
    assert {"contracts", "finance"} <= set(edges["risk"])
    assert "recognition" not in edges["risk"]
