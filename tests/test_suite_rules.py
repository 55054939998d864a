"""Rules for the test suite itself, checked on its source with ``ast``: no test asserts on wall-clock time (a
duration depends on the machine and its load; timings belong in ``benchmarks/``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).parent
CLOCKS = frozenset(
    {
        "time",
        "time_ns",
        "perf_counter",
        "perf_counter_ns",
        "monotonic",
        "monotonic_ns",
        "process_time",
        "process_time_ns",
    }
)


def _reads_clock(node: ast.AST, timed: set[str]) -> bool:
    """Whether ``node`` calls a clock (``time.perf_counter()``, ``monotonic()`` …) or reads a name holding one."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and not sub.args and not sub.keywords:  # clocks take no arguments
            func = sub.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "time"
                and func.attr in CLOCKS
            ) or (isinstance(func, ast.Name) and func.id in CLOCKS):
                return True
        elif isinstance(sub, ast.Name) and sub.id in timed:
            return True
    return False


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module or function, without those of the functions defined in it (scopes of their own)."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


def _timed_names(scope: ast.AST) -> set[str]:
    """Names assigned a clock reading in ``scope``, directly or through other such names (``start``,
    ``elapsed = perf_counter() - start``)."""
    assigned: list[tuple[list[ast.expr], ast.expr]] = []
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign):
            assigned.append((node.targets, node.value))
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            assigned.append(([node.target], node.value))
    timed: set[str] = set()
    while True:
        more = {
            t.id
            for targets, value in assigned
            if _reads_clock(value, timed)
            for target in targets
            for t in ast.walk(target)
            if isinstance(t, ast.Name)
        } - timed
        if not more:
            return timed
        timed |= more


def timed_assertions(source: str) -> list[int]:
    """Lines of the ``assert`` statements in ``source`` that compare a clock reading."""
    tree = ast.parse(source)
    lines = []
    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
        timed = _timed_names(scope)
        lines += [
            node.lineno
            for node in _own_nodes(scope)
            if isinstance(node, ast.Assert)
            and any(
                isinstance(c, ast.Compare) and any(_reads_clock(e, timed) for e in [c.left, *c.comparators])
                for c in ast.walk(node.test)
            )
        ]
    return sorted(lines)


def test_the_rule_finds_a_timed_assertion() -> None:
    # a module with two timed assertions, kept as text (not a test module) so no scan of tests/ mistakes it
    source = (TESTS / "timed_assertions_sample.txt").read_text(encoding="utf-8")
    assert timed_assertions(source) == [10, 13]


def test_no_test_asserts_on_wall_clock_time() -> None:
    found = {
        str(path.relative_to(TESTS)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := timed_assertions(path.read_text(encoding="utf-8")))
    }
    assert not found, f"assertions on elapsed time (move the timing to benchmarks/): {found}"
