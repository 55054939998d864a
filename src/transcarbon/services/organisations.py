"""Use case: the reporting organisations (enterprises and departments): register them (audited) and read them
for the faces (lists, names, ids by kind and sector)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.users import Principal
from transcarbon.store.models import Organisation

#: The columns :func:`import_organisations` stores, in the table's names.
COLUMNS = ("id", "name_zh", "name_en", "kind", "sector", "district", "synthetic")


def import_organisations(session: Session, frame: pl.DataFrame, *, actor: str, source: str) -> int:
    """Register the organisations of ``frame`` (:data:`COLUMNS`) in the caller's transaction, with one audit
    entry (``organisations.import``, object ``source``) holding every row; returns how many."""
    rows = frame.select(COLUMNS).to_dicts()
    if rows:
        session.execute(insert(Organisation), rows)
    audit.append(
        session,
        actor=actor,
        action="organisations.import",
        object_type="organisation",
        object_id=source,
        after=rows,
        details={"count": len(rows), "synthetic": bool(frame["synthetic"].all())},
    )
    return len(rows)


def visible_organisations(session: Session, principal: Principal, *, kind: str | None = None) -> list[Organisation]:
    """The organisations ``principal`` may list, by id: a reporter its own only; optionally of one ``kind``."""
    q = select(Organisation).order_by(Organisation.id)
    if principal.role == "reporter":
        q = q.where(Organisation.id == (principal.org_id or ""))
    if kind:
        q = q.where(Organisation.kind == kind)
    return list(session.scalars(q))


def organisation_names(session: Session) -> dict[str, tuple[str, str]]:
    """Organisation id → (Chinese name, English name)."""
    return {o.id: (o.name_zh, o.name_en) for o in session.scalars(select(Organisation))}


def organisation_ids(session: Session, *, kind: str | None = None, sector: str | None = None) -> list[str]:
    """Ids of the organisations of ``kind`` and ``sector`` (each when given), sorted."""
    q = select(Organisation.id).order_by(Organisation.id)
    if kind is not None:
        q = q.where(Organisation.kind == kind)
    if sector is not None:
        q = q.where(Organisation.sector == sector)
    return list(session.scalars(q))
