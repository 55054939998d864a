"""Use case: store checked activity rows as one import batch, all or nothing, with an audit entry."""

from __future__ import annotations

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.activity_csv import COLUMNS, OPTIONAL_COLUMNS
from transcarbon.store.models import ActivityRecord, ImportBatch, Organisation


class UnknownOrganisation(ValueError):
    """Rows name organisations that are not registered."""


def has_batch(session: Session, kind: str) -> bool:
    """True when an import batch of ``kind`` (``demo``, ``file``, …) is stored."""
    return session.scalars(select(ImportBatch.id).where(ImportBatch.kind == kind)).first() is not None


def _with_optional(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in OPTIONAL_COLUMNS if c not in frame.columns)


def row_hashes(frame: pl.DataFrame) -> pl.Series:
    """SHA-256 of each row's contract fields in canonical JSON (what lineage and runs hash); an optional field
    enters the hash only when it is filled, so a row without it hashes as before it existed."""
    frame = _with_optional(frame)
    rows = frame.select(*COLUMNS, *OPTIONAL_COLUMNS).rows()
    n = len(COLUMNS)
    return pl.Series(
        "row_hash",
        [audit.content_hash(list(r[:n]) + [v for v in r[n:] if v is not None]) for r in rows],
        dtype=pl.String,
    )


def store_activity(
    session: Session,
    frame: pl.DataFrame,
    *,
    kind: str,
    label: str,
    actor: str,
    file_name: str | None = None,
    file_sha256: str | None = None,
    status: str = "approved",
) -> ImportBatch:
    """Insert ``frame`` (typed contract columns, ``row`` numbers) as one batch in the caller's transaction.

    Refuses the whole frame if any ``org_id`` is not a registered organisation.
    """
    known = set(session.scalars(select(Organisation.id)))
    unknown = sorted(set(frame["org_id"].unique().to_list()) - known)
    if unknown:
        raise UnknownOrganisation(f"unknown org_id: {', '.join(unknown[:20])}")
    batch = ImportBatch(
        kind=kind,
        label=label,
        file_name=file_name,
        file_sha256=file_sha256,
        status=status,
        row_count=frame.height,
        actor=actor,
    )
    session.add(batch)
    session.flush()
    frame = _with_optional(frame)
    rows = (
        frame.with_columns(
            row_hashes(frame),
            pl.col("period").str.slice(0, 4).cast(pl.Int64).alias("year"),
            pl.col("period").str.slice(5, 2).replace("", None).cast(pl.Int64, strict=False).alias("month"),
            pl.lit(batch.id).alias("batch_id"),
            (pl.col("row") if "row" in frame.columns else pl.int_range(2, pl.len() + 2)).alias("row_number"),
        )
        .select("batch_id", "row_number", "year", "month", "row_hash", *COLUMNS, *OPTIONAL_COLUMNS)
        .to_dicts()
    )
    if rows:
        session.execute(insert(ActivityRecord), rows)
    audit.append(
        session,
        actor=actor,
        action="records.import",
        object_type="import_batch",
        object_id=str(batch.id),
        after={"file_sha256": file_sha256, "rows": frame.height},
        details={"kind": kind, "label": label, "file_name": file_name, "status": status},
    )
    return batch
