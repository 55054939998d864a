"""Set-wise reads and writes for hot paths (the green-trip intake): one statement per set instead of one per row.

- :func:`member_of`: ``column = ANY(:array)`` on PostgreSQL (one array parameter, whatever the set's size);
  ``column IN (...)`` elsewhere, the set cut in chunks of :data:`CHUNK` so that SQLite's parameter limit holds;
- :func:`insert_rows`: ``COPY … FROM STDIN`` on PostgreSQL (rows streamed, values converted by the columns'
  own types: JSON serialised, times in UTC), an ``executemany`` insert elsewhere;
- :func:`update_by_id`: ``UPDATE … SET column = value`` (or ``column + value``) for many ids at once (``FROM
  unnest(:ids, :values)`` on PostgreSQL; an ``executemany`` update elsewhere).

Statements run in the session's transaction (COPY on its connection), so they commit or roll back with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import BigInteger, Select, Table, bindparam, column, func, insert, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import JSON, TypeEngine

CHUNK = 500
"""Ids per ``IN`` list where arrays are not available (SQLite allows 32,766 parameters; a statement may hold
several lists)."""


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def member_of(
    session: Session, make: Callable[[ColumnElement[bool]], Select[Any]], col: Any, wanted: Iterable[Any]
) -> list[Any]:
    """The rows (``Row`` tuples) of ``make(condition)`` where ``condition`` is ``col`` in ``wanted``: one query on
    PostgreSQL (``= ANY(:array)``), one per chunk of :data:`CHUNK` elsewhere."""
    items = sorted(set(wanted))
    if not items:
        return []
    if _postgres(session):
        array = bindparam(None, items, type_=ARRAY(col.type), expanding=False)
        return list(session.execute(make(col == func.any(array))).all())
    rows: list[Any] = []
    for i in range(0, len(items), CHUNK):
        rows += session.execute(make(col.in_(items[i : i + CHUNK]))).all()
    return rows


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, column names of ``table``) in one go: COPY on PostgreSQL."""
    if not rows:
        return
    if not _postgres(session):
        session.execute(insert(table), list(rows))
        return
    session.flush()  # COPY bypasses the session: what it holds (an account just opened …) goes first
    names = list(rows[0])
    dialect = session.get_bind().dialect
    convert = [_to_copy(table.c[n].type, dialect) for n in names]
    cols = ", ".join(f'"{n}"' for n in names)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([v if f is None else f(v) for v, f in zip((row[n] for n in names), convert, strict=True)])


def _to_copy(kind: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """How a column's Python value is written by COPY: JSON serialised to text (its bind processor hands psycopg
    a dict), other types through their own bind processor (times to UTC …)."""
    if isinstance(kind, JSON):
        return lambda v: None if v is None else json.dumps(v)
    return kind.bind_processor(dialect)


def update_by_id(session: Session, table: Table, target: str, values: dict[int, int], *, add: bool = False) -> None:
    """``table.target = values[id]`` (or ``+= values[id]`` when ``add``) for every id in ``values`` (the primary key
    ``id``): one ``UPDATE … FROM unnest(:ids, :values)`` on PostgreSQL, an ``executemany`` update elsewhere."""
    if not values:
        return
    ids = sorted(values)
    current = table.c[target]
    if _postgres(session):
        given = (
            func.unnest(
                bindparam(None, ids, type_=ARRAY(BigInteger)),
                bindparam(None, [values[i] for i in ids], type_=ARRAY(BigInteger)),
            )
            .table_valued(column("vid", BigInteger), column("value", BigInteger))
            .render_derived(name="given")
        )
        new: Any = current + given.c.value if add else given.c.value
        session.execute(update(table).where(table.c.id == given.c.vid).values({target: new}))
        return
    value: Any = current + bindparam("value") if add else bindparam("value")
    session.execute(
        update(table).where(table.c.id == bindparam("vid")).values({target: value}),
        [{"vid": i, "value": values[i]} for i in ids],
    )


__all__ = ["CHUNK", "insert_rows", "member_of", "update_by_id"]
