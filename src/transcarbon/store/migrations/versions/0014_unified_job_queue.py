"""One queue of background jobs (``jobs``: kind, payload, state, tries, heartbeat, error code and text) in place
of ``recompute_jobs`` and ``ship_run_jobs``, whose rows move over (oldest first, new ids); the downgrade moves
them back.

Recomputations keep their state, except that a ``running`` one (its process is gone: the old queue had no
heartbeat) is queued again. Ship jobs not finished end ``failed`` (``interrupted``): the old table kept no file
paths to run them from.

Revision ID: unified_job_queue
Revises: credit_partner_key_rotation
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "unified_job_queue"
down_revision = "credit_partner_key_rotation"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_RECOMPUTE = sa.table(
    "recompute_jobs",
    *(sa.column(c) for c in ("id", "reason", "submission_id", "state", "error", "requested_by")),
    sa.column("years", sa.JSON()),
    sa.column("run_ids", sa.JSON()),
    *(sa.column(c, _TS) for c in ("created_at", "started_at", "finished_at")),
)
_SHIP = sa.table(
    "ship_run_jobs",
    *(sa.column(c) for c in ("id", "state", "done", "total", "run_id", "error", "actor")),
    sa.column("files", sa.JSON()),
    *(sa.column(c, _TS) for c in ("created_at", "finished_at")),
)
_JOBS = sa.table(
    "jobs",
    *(sa.column(c) for c in ("id", "kind", "state", "tries", "done", "total", "error_code", "error", "requested_by")),
    sa.column("payload", sa.JSON()),
    sa.column("result", sa.JSON()),
    *(sa.column(c, _TS) for c in ("created_at", "started_at", "heartbeat_at", "finished_at")),
)
_INTERRUPTED = "interrupted: the process running it stopped before the job queue was unified"


def _recompute_job(r: Any) -> dict[str, Any]:
    running = r.state == "running"
    return {
        "kind": "recompute",
        "payload": {"years": r.years, "reason": r.reason, "submission_id": r.submission_id},
        "state": "queued" if running else r.state,
        "tries": 1 if r.started_at is not None else 0,
        "done": 0,
        "total": 0,
        "result": {"run_ids": r.run_ids or []},
        "error_code": "internal" if r.state == "failed" else None,
        "error": r.error,
        "requested_by": r.requested_by,
        "created_at": r.created_at,
        "started_at": r.started_at,
        "heartbeat_at": None,
        "finished_at": r.finished_at,
    }


def _ship_job(r: Any) -> dict[str, Any]:
    unfinished = r.state in ("queued", "running")
    return {
        "kind": "ship_run",
        "payload": {"files": r.files, "paths": {}, "city": None},
        "state": "failed" if unfinished else r.state,
        "tries": 1,
        "done": r.done,
        "total": r.total,
        "result": {"run_id": r.run_id} if r.run_id is not None else {},
        "error_code": "interrupted" if unfinished else ("refused" if r.state == "failed" else None),
        "error": _INTERRUPTED if unfinished else r.error,
        "requested_by": r.actor,
        "created_at": r.created_at,
        "started_at": r.created_at,
        "heartbeat_at": None,
        "finished_at": r.created_at if unfinished and r.finished_at is None else r.finished_at,
    }


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error_code", sa.String(40), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("heartbeat_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
    )
    op.create_index("ix_jobs_kind", "jobs", ["kind"])
    op.create_index("ix_jobs_state", "jobs", ["state"])
    conn = op.get_bind()
    rows = [_recompute_job(r) for r in conn.execute(sa.select(_RECOMPUTE))]
    rows += [_ship_job(r) for r in conn.execute(sa.select(_SHIP))]
    rows.sort(key=lambda r: r["created_at"])
    if rows:
        conn.execute(sa.insert(_JOBS), rows)
    op.drop_table("ship_run_jobs")
    op.drop_index("ix_recompute_jobs_state", table_name="recompute_jobs")
    op.drop_table("recompute_jobs")


def downgrade() -> None:
    op.create_table(
        "recompute_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("run_ids", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
    )
    op.create_index("ix_recompute_jobs_state", "recompute_jobs", ["state"])
    op.create_table(
        "ship_run_jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("calculation_runs.id"), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
    )
    conn = op.get_bind()
    jobs = list(conn.execute(sa.select(_JOBS).order_by(_JOBS.c.id)))
    recompute = [
        {
            "years": j.payload["years"],
            "reason": j.payload["reason"],
            "submission_id": j.payload.get("submission_id"),
            "state": j.state,
            "error": j.error,
            "run_ids": j.result.get("run_ids", []),
            "requested_by": j.requested_by,
            "created_at": j.created_at,
            "started_at": j.started_at,
            "finished_at": j.finished_at,
        }
        for j in jobs
        if j.kind == "recompute"
    ]
    ships = [
        {
            "state": j.state,
            "done": j.done,
            "total": j.total,
            "files": j.payload.get("files", {}),
            "run_id": j.result.get("run_id"),
            "error": j.error,
            "actor": j.requested_by,
            "created_at": j.created_at,
            "finished_at": j.finished_at,
        }
        for j in jobs
        if j.kind == "ship_run"
    ]
    if recompute:
        conn.execute(sa.insert(_RECOMPUTE), recompute)
    if ships:
        conn.execute(sa.insert(_SHIP), ships)
    op.drop_index("ix_jobs_state", table_name="jobs")
    op.drop_index("ix_jobs_kind", table_name="jobs")
    op.drop_table("jobs")
