"""Compile the report types' cross-field rule expressions into vectorised Polars expressions.

The grammar is checked when the configuration loads (:func:`transcarbon.city.expressions.parse_expression`);
here each node becomes a Polars expression, so a rule is evaluated over the whole frame at once.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

import polars as pl

from transcarbon.city.expressions import parse_expression

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def compile_expression(text: str) -> pl.Expr:
    """``text`` (the rule grammar) as a Polars expression over the typed frame's columns."""
    return _node(parse_expression(text).body)


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value: Any = node.operand.value
        return -value
    raise ValueError(f"expected a constant, got {ast.dump(node)}")


def _node(node: ast.expr) -> pl.Expr:
    if isinstance(node, ast.Name):
        return pl.col(node.id)
    if isinstance(node, ast.Constant):
        return pl.lit(node.value)
    if isinstance(node, ast.BoolOp):
        return reduce(operator.and_ if isinstance(node.op, ast.And) else operator.or_, [_node(v) for v in node.values])
    if isinstance(node, ast.UnaryOp):
        inner = _node(node.operand)
        return ~inner if isinstance(node.op, ast.Not) else -inner
    if isinstance(node, ast.BinOp):
        result: pl.Expr = _BINOPS[type(node.op)](_node(node.left), _node(node.right))
        return result
    if isinstance(node, ast.Compare):
        parts: list[pl.Expr] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(right, ast.List | ast.Tuple):
                    raise ValueError("`in` needs a list of constants")
                member = _node(left).is_in([_literal(e) for e in right.elts])
                parts.append(member if isinstance(op, ast.In) else ~member)
            else:
                parts.append(_CMPOPS[type(op)](_node(left), _node(right)))
            left = right
        return reduce(operator.and_, parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        field = pl.col(node.args[0].id)  # type: ignore[attr-defined]
        if node.func.id == "present":
            return field.is_not_null()
        if node.func.id == "matches":
            pattern = _literal(node.args[1])
            return field.cast(pl.String).str.contains(str(pattern))
    raise ValueError(f"unsupported expression node {ast.dump(node)}")
