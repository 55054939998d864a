"""One page of a long list, in SQL: the rows that match (a search over a few text columns), how many there are, and
one page of them in a whitelisted order (``LIMIT``/``OFFSET``). Shared by the lists of submissions, users and the
audit log; the pages' pager and sort links are ``web.listing``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

SEARCH_MAX = 60
"""The longest search text used (longer text is cut)."""


def matching(columns: Sequence[Any], search: str | None) -> ColumnElement[bool] | None:
    """A condition: part of ``search`` in any of ``columns`` (:func:`contains`); None when there is nothing to
    look for."""
    text = (search or "").strip()[:SEARCH_MAX]
    return contains(columns, text) if text else None


def contains(columns: Sequence[Any], text: str) -> ColumnElement[bool]:
    """A condition: ``text`` (case-insensitive, ``%`` and ``_`` taken literally) in any of ``columns``."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(false(), *(col.ilike(f"%{escaped}%", escape="\\") for col in columns))


def order(columns: Mapping[str, Any], sort: str, tiebreak: Any) -> list[Any]:
    """ORDER BY terms of ``sort`` (a key of ``columns``, ``-`` first for descending; an unknown key orders by
    ``tiebreak`` alone), the ``tiebreak`` column (descending) last so that pages never overlap."""
    column = columns.get(sort.lstrip("-"))
    if column is None:
        return [tiebreak.desc()]
    return [column.desc() if sort.startswith("-") else column.asc(), tiebreak.desc()]


def page_of(
    session: Session, query: Select[Any], ordering: list[Any], *, limit: int, offset: int
) -> tuple[int, list[Any]]:
    """(how many rows ``query`` matches, the ``limit`` of them from ``offset`` in ``ordering``)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if limit <= 0:
        return total, []
    return total, list(session.scalars(query.order_by(*ordering).limit(limit).offset(offset)))
