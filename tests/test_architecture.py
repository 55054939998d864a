"""The layer rules: the "may import" column of docs/architecture.md says what the import-linter contracts in
pyproject.toml enforce, every top-level package has its contract, and no module imports itself back."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "transcarbon"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)


def _top_level(graph: grimp.ImportGraph) -> set[str]:
    return {m.removeprefix(f"{PACKAGE}.") for m in graph.find_children(PACKAGE)}


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _documented() -> dict[str, set[str]]:
    """Package → the names in its "may import" cell, from the package table of docs/architecture.md."""
    out: dict[str, set[str]] = {}
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `") else []
        if len(cells) == 3 and (name := re.fullmatch(r"`(\w+)(?:/|\.py)`", cells[0])):
            out[name.group(1)] = set(re.findall(r"`(\w+)`", cells[2]))
    return out


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_back(graph: grimp.ImportGraph) -> None:
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle() -> None:
    g = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c"):
        g.add_module(m)
    g.add_import(importer="p.a", imported="p.b")
    g.add_import(importer="p.b", imported="p.c")
    g.add_import(importer="p.c", imported="p.a")
    g.add_import(importer="p", imported="p.a")
    assert _cycles(g) == [["p.a", "p.b", "p.c"]]


def test_every_top_level_package_has_its_may_import_contract(graph: grimp.ImportGraph) -> None:
    contracts = _contracts()
    missing = sorted(p for p in _top_level(graph) if f"may-import-{p}" not in contracts)
    assert missing == []


def test_docs_may_import_column_matches_the_contracts(graph: grimp.ImportGraph) -> None:
    packages = _top_level(graph)
    documented = _documented()
    assert set(documented) == packages
    for package in sorted(packages):
        contract = _contracts()[f"may-import-{package}"]
        assert contract["type"] == "forbidden"
        assert contract["source_modules"] == [f"{PACKAGE}.{package}"]
        forbidden = {m.removeprefix(f"{PACKAGE}.") for m in contract["forbidden_modules"]}
        assert forbidden <= packages - {package}, package
        assert documented[package] == packages - {package} - forbidden, package
