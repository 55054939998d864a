"""Use case: store report rows that were reviewed before they reached the platform (the synthetic demo data
set, a migration of earlier years) as approved submissions, in one call per report type.

Each (organisation, period) of the frame becomes one approved submission, version 1, with its report rows
and the upload path's row and content hashes (:func:`.submissions.rows_hash`); the rows as CSV are kept as
the submissions' raw file (:func:`.filestore.record`), and one audit entry names the file and the counts and
seals the rows (:mod:`.integrity`).
Everything happens in the caller's transaction. The rows are not checked again: the caller vouches that they
were reviewed, which is why the workflow's upload → submit → approve is not repeated for each slot.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import insert
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportType
from transcarbon.services import audit, filestore, integrity
from transcarbon.services.submissions import rows_hash
from transcarbon.store.models import ReportRow, Submission


def store_preapproved(
    session: Session,
    rt: ReportType,
    frame: pl.DataFrame,
    *,
    actor: str,
    data_dir: Path | None,
    file_name: str,
    comment: str,
    details: dict[str, object] | None = None,
) -> dict[str, int]:
    """Store ``frame`` (``org_id``, ``period`` and fields of ``rt``; missing fields are null) as approved
    submissions, one per (organisation, period) in the frame's order, each row numbered as on a sheet (the
    header is row 1). ``data_dir``: where the raw CSV is kept (``None``: only its hash and row). ``details``
    go into the audit entry. Returns the counts of submissions and rows stored (an empty frame stores nothing)."""
    if frame.is_empty():
        return {"submissions": 0, "rows": 0}
    columns = rt.columns
    frame = frame.with_columns(pl.lit(None).alias(c) for c in columns if c not in frame.columns)
    body = frame.select(list(columns))
    csv_bytes = frame.select("org_id", "period", *columns).write_csv(null_value="").encode("utf-8")
    digest = filestore.record(session, data_dir, csv_bytes, file_name=file_name, media_type="text/csv", actor=actor)
    hashes, _ = rows_hash(body, columns)
    keyed = frame.select("org_id", "period").with_columns(
        row_hash=pl.Series(hashes, dtype=pl.String),
        row_number=(pl.int_range(pl.len()).over("org_id", "period") + 2).cast(pl.Int64),
    )
    slots = keyed.group_by("org_id", "period", maintain_order=True).agg(pl.col("row_hash"), pl.len().alias("row_count"))
    now = datetime.now(UTC)
    sub_rows = [
        {
            "report_type": rt.id,
            "org_id": org,
            "period": period,
            "version": 1,
            "state": "approved",
            "file_sha256": digest,
            "file_name": file_name,
            "row_count": int(n),
            "content_hash": hashlib.sha256("".join(rh).encode("ascii")).hexdigest(),
            "warnings": [],
            "comment": comment,
            "created_by": actor,
            "created_at": now,
            "submitted_by": actor,
            "submitted_at": now,
            "decided_by": actor,
            "decided_at": now,
            "lock_version": 3,
        }
        for org, period, rh, n in slots.iter_rows()
    ]
    ids = session.execute(
        insert(Submission).returning(Submission.id, Submission.org_id, Submission.period, sort_by_parameter_order=True),
        sub_rows,
    ).all()
    id_frame = pl.DataFrame(
        [(i, o, p) for i, o, p in ids],
        schema={"submission_id": pl.Int64, "org_id": pl.String, "period": pl.String},
        orient="row",
    )
    linked = keyed.join(id_frame, on=["org_id", "period"], how="left", maintain_order="left")
    report_rows = [
        {"submission_id": sid, "row_number": rn, "data": d, "row_hash": h}
        for sid, rn, h, d in zip(
            linked["submission_id"].to_list(),
            linked["row_number"].to_list(),
            linked["row_hash"].to_list(),
            body.to_dicts(),
            strict=True,
        )
    ]
    if report_rows:
        session.execute(insert(ReportRow), report_rows)
    audit.append(
        session,
        actor=actor,
        action="submissions.load_preapproved",
        object_type="report_type",
        object_id=rt.id,
        after={"file_sha256": digest, "submissions": len(sub_rows), "rows": len(report_rows)},
        details={
            "state": "approved",
            "file_name": file_name,
            **(details or {}),
            "seals": integrity.seal_submissions(session, [i for i, _, _ in ids]),
        },
    )
    return {"submissions": len(sub_rows), "rows": len(report_rows)}
