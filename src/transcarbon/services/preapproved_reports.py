"""Use case: file report rows that were reviewed before they reached the platform (the synthetic demo data set, a
migration of earlier years) through the workflow in bulk, one call per report type.

Each (organisation, period) of the frame becomes one submission, version 1, that was uploaded, submitted and
approved by the people :class:`Handling` names at the times it names, exactly as the workflow records them: the
submission row with its uploader, submitter, approver and times; its rows with the upload path's row and content
hashes (:func:`.submissions.rows_hash`), as report rows or, for a report type that feeds the activity
contract, as activity records in an import batch linked to the submission; and three audit entries per
submission (``submission.create``, ``submission.submit``, ``submission.approve``, the last with the four-eyes
names and the seal of the approved data, :mod:`.integrity`), chained in one insert (:func:`.audit.append_many`).
The rows as CSV are kept as the submissions' raw file (:func:`.filestore.record`); one more entry names the file
and the counts. Four eyes hold as in the workflow: an approver who uploaded or submitted a slot is refused.

Everything happens in the caller's transaction. The rows are not checked again: the caller vouches that they
were reviewed, which is why the upload path's reading and checking is not repeated for each slot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportType
from transcarbon.domain import Period
from transcarbon.services import audit, filestore, integrity
from transcarbon.services.activity_csv import COLUMNS as ACTIVITY_COLUMNS
from transcarbon.services.activity_csv import OPTIONAL_COLUMNS
from transcarbon.services.records import UnknownOrganisation, row_hashes
from transcarbon.services.submissions import rows_hash
from transcarbon.store.models import ActivityRecord, ImportBatch, Organisation, ReportRow, Submission


@dataclass(frozen=True)
class Handling:
    """Who handled each slot and when: ``uploader(org_id)`` uploaded and submitted it, ``approver`` approved it;
    ``times(period)`` gives (uploaded, submitted, approved) times (aware). Without it, ``actor`` did all three,
    now."""

    uploader: Callable[[str], str]
    approver: str
    times: Callable[[Period], tuple[datetime, datetime, datetime]]


class FourEyesRefused(ValueError):
    """An approver would approve a slot they uploaded or submitted."""


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
    handling: Handling | None = None,
    batch_kind: str = "file",
) -> dict[str, int]:
    """Store ``frame`` (``org_id``, ``period`` and fields of ``rt``; missing fields are null) as approved
    submissions, one per (organisation, period) in the frame's order, each row numbered as on a sheet (the
    header is row 1). ``data_dir``: where the raw CSV is kept (``None``: only its hash and row). ``details``
    go into the summary audit entry; ``batch_kind``: the kind of the import batches of an activity type.
    Returns the counts of submissions and rows stored (an empty frame stores nothing)."""
    if frame.is_empty():
        return {"submissions": 0, "rows": 0}
    columns = rt.columns
    frame = frame.with_columns(pl.lit(None).alias(c) for c in columns if c not in frame.columns)
    body = frame.select(list(columns))
    csv_bytes = frame.select("org_id", "period", *[c for c in columns if c not in ("org_id", "period")])
    digest = filestore.record(
        session,
        data_dir,
        csv_bytes.write_csv(null_value="").encode("utf-8"),
        file_name=file_name,
        media_type="text/csv",
        actor=actor,
    )
    hashes, _ = rows_hash(body, columns)
    keyed = frame.select("org_id", "period").with_columns(
        row_hash=pl.Series(hashes, dtype=pl.String),
        row_number=(pl.int_range(pl.len()).over("org_id", "period") + 2).cast(pl.Int64),
    )
    slots = keyed.group_by("org_id", "period", maintain_order=True).agg(pl.col("row_hash"), pl.len().alias("row_count"))
    now = datetime.now(UTC)
    periods = {p: rt.parse_period(p) for p in slots["period"].unique().to_list()}
    sub_rows = []
    for org, period, rh, n in slots.iter_rows():
        uploader, approver = (handling.uploader(org), handling.approver) if handling else (actor, actor)
        if handling is not None and approver == uploader:
            raise FourEyesRefused(f"{approver} would approve {rt.id} {org} {period}, uploaded by themselves")
        up, sent, decided = (min(t, now) for t in handling.times(periods[period])) if handling else (now, now, now)
        sub_rows.append(
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
                "created_by": uploader,
                "created_at": up,
                "submitted_by": uploader,
                "submitted_at": sent,
                "decided_by": approver,
                "decided_at": decided,
                "lock_version": 3,
            }
        )
    ids = [
        (int(i), str(o), str(p))
        for i, o, p in session.execute(
            insert(Submission).returning(
                Submission.id, Submission.org_id, Submission.period, sort_by_parameter_order=True
            ),
            sub_rows,
        ).all()
    ]
    id_frame = pl.DataFrame(
        [(i, o, p) for i, o, p in ids],
        schema={"submission_id": pl.Int64, "org_id": pl.String, "period": pl.String},
        orient="row",
    )
    linked = keyed.join(id_frame, on=["org_id", "period"], how="left", maintain_order="left")
    if rt.feeds == "activity":
        seals = _store_activity(
            session, frame, linked, sub_rows, ids, file_name=file_name, kind=batch_kind, actor=actor
        )
    else:
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
        session.connection().execute(insert(ReportRow), report_rows)
        seals = {s["id"]: [s] for s in integrity.seal_submissions(session, [i for i, _, _ in ids])}
    audit.append_many(session, _workflow_entries(sub_rows, ids, seals, file_name))
    audit.append(
        session,
        actor=actor,
        action="submissions.load_preapproved",
        object_type="report_type",
        object_id=rt.id,
        after={"file_sha256": digest, "submissions": len(sub_rows), "rows": frame.height},
        details={"state": "approved", "file_name": file_name, **(details or {})},
    )
    return {"submissions": len(sub_rows), "rows": frame.height}


def _store_activity(
    session: Session,
    frame: pl.DataFrame,
    linked: pl.DataFrame,
    sub_rows: list[dict[str, object]],
    ids: list[tuple[int, str, str]],
    *,
    file_name: str,
    kind: str,
    actor: str,
) -> dict[int, list[integrity.Seal]]:
    """An approved import batch per submission with its activity records; the batches' seals by submission."""
    known = set(session.scalars(select(Organisation.id)))
    unknown = sorted(set(frame["org_id"].unique().to_list()) - known)
    if unknown:
        raise UnknownOrganisation(f"unknown org_id: {', '.join(unknown[:20])}")
    batches = [
        {
            "kind": kind,
            "label": f"{s['report_type']} {s['org_id']} {s['period']} v1 · {s['comment']}"[:200],
            "file_name": file_name,
            "file_sha256": s["file_sha256"],
            "status": "approved",
            "row_count": s["row_count"],
            "actor": s["created_by"],
            "submission_id": sid,
        }
        for s, (sid, _, _) in zip(sub_rows, ids, strict=True)
    ]
    batch_ids = session.scalars(
        insert(ImportBatch).returning(ImportBatch.id, sort_by_parameter_order=True), batches
    ).all()
    by_sub = pl.DataFrame(
        {"submission_id": [b["submission_id"] for b in batches], "batch_id": list(batch_ids)},
        schema={"submission_id": pl.Int64, "batch_id": pl.Int64},
    )
    records = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in OPTIONAL_COLUMNS if c not in frame.columns
    ).select(*ACTIVITY_COLUMNS, *OPTIONAL_COLUMNS)
    records = (
        records.with_columns(
            row_hashes(records),
            pl.col("period").str.slice(0, 4).cast(pl.Int64).alias("year"),
            pl.col("period").str.slice(5, 2).replace("", None).cast(pl.Int64, strict=False).alias("month"),
            linked["row_number"],
            linked["submission_id"],
        )
        .join(by_sub, on="submission_id", how="left", maintain_order="left")
        .select("batch_id", "row_number", "year", "month", "row_hash", *ACTIVITY_COLUMNS, *OPTIONAL_COLUMNS)
    )
    session.connection().execute(insert(ActivityRecord), records.to_dicts())
    sub_of = dict(zip(by_sub["batch_id"].to_list(), by_sub["submission_id"].to_list(), strict=True))
    return {sub_of[s["id"]]: [s] for s in integrity.seal_batches(session, batch_ids)}


def _workflow_entries(
    sub_rows: list[dict[str, object]],
    ids: list[tuple[int, str, str]],
    seals: dict[int, list[integrity.Seal]],
    file_name: str,
) -> list[audit.Entry]:
    """Per submission the workflow's three entries (upload, submit, approve) with the states the workflow
    records, the approval naming the four eyes and sealing the data."""
    out: list[audit.Entry] = []
    for s, (sid, _, _) in zip(sub_rows, ids, strict=True):
        names = {"report_type": s["report_type"], "org_id": s["org_id"], "period": s["period"], "version": 1}

        def state(st: str, lock: int, s: dict[str, object] = s, sid: int = sid) -> dict[str, object]:
            return {
                "id": sid,
                "state": st,
                "version": 1,
                "lock_version": lock,
                "content_hash": s["content_hash"],
                "file_sha256": s["file_sha256"],
            }

        at = {k: _iso(s[k]) for k in ("created_at", "submitted_at", "decided_at")}
        out += [
            audit.Entry(
                str(s["created_by"]),
                "submission.create",
                "submission",
                str(sid),
                after=state("draft", 1),
                details={
                    **names,
                    "rows": s["row_count"],
                    "file_name": file_name,
                    "warnings": 0,
                    "at": at["created_at"],
                },
            ),
            audit.Entry(
                str(s["submitted_by"]),
                "submission.submit",
                "submission",
                str(sid),
                before=state("draft", 1),
                after=state("submitted", 2),
                details={**names, "comment": None, "at": at["submitted_at"]},
            ),
            audit.Entry(
                str(s["decided_by"]),
                "submission.approve",
                "submission",
                str(sid),
                before=state("submitted", 2),
                after=state("approved", 3),
                details={
                    **names,
                    "comment": s["comment"],
                    "at": at["decided_at"],
                    "four_eyes": {"required": True, "uploader": s["created_by"], "submitter": s["submitted_by"]},
                    "seals": seals[sid],
                },
            ),
        ]
    return out


def _iso(value: object) -> str:
    assert isinstance(value, datetime)
    return value.isoformat(timespec="seconds")
