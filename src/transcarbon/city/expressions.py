"""The small expression grammar of the city's configuration: report types' cross-field rules (``when`` /
``require``) and the indicators' row filters (``scope`` / ``qualifies``).

Expressions are a safe subset of Python syntax, parsed with :mod:`ast` and never evaluated here: field names,
numbers, quoted text, ``+ - * /``, comparisons, ``in [...]``, ``and``/``or``/``not``, ``present(field)`` and
``matches(field, 'regex')``. The services layer compiles them into vectorised Polars expressions.
"""

from __future__ import annotations

import ast

FUNCTIONS = ("present", "matches")


class ExpressionError(ValueError):
    """An expression outside the grammar (the message names where it was found)."""


_ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Call,
)


def parse_expression(text: str, where: str = "expression") -> ast.Expression:
    """Parse ``text`` into the allowed grammar; ``ExpressionError`` naming ``where`` otherwise."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"{where}: cannot parse {text!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(f"{where}: {type(node).__name__} is not allowed in {text!r}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise ExpressionError(f"{where}: only {', '.join(FUNCTIONS)}(field, ...) may be called")
            if not node.args or not isinstance(node.args[0], ast.Name):
                raise ExpressionError(f"{where}: {node.func.id}() takes a field name first")
        if isinstance(node, ast.Constant) and not isinstance(node.value, str | int | float):
            raise ExpressionError(f"{where}: constant {node.value!r} is not a number or text")
    return tree


def expression_fields(text: str, where: str = "expression") -> set[str]:
    """Field names an expression refers to (function names excluded)."""
    tree = parse_expression(text, where)
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in funcs}
