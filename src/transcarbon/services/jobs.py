"""The one queue of background work (table ``jobs``): recomputations after approval or un-approval
(:mod:`.recompute`) and stored ship runs from uploaded files (:mod:`.ship_jobs`); the worker that runs them is
:mod:`.job_worker`.

A job is ``queued`` → ``running`` → ``done`` | ``failed``. :func:`enqueue` records it in the caller's
transaction (a job and the change it follows commit together). :func:`claim` takes the oldest queued job by a
conditional update (of two workers exactly one takes it) and counts the try; while it runs the worker moves its
``heartbeat_at`` every :data:`HEARTBEAT_S` seconds (:func:`beat`). A job whose heartbeat is older than
:data:`STALE_AFTER_S` was left by a dead process: :func:`requeue_stale` puts it back in the queue, up to
:data:`MAX_TRIES` tries, then ends it ``failed`` with the code ``interrupted``. Every state change is a short
transaction of its own, so a page shows it while the work goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.store.db import transaction
from transcarbon.store.models import Job

KINDS = ("recompute", "ship_run")
STATES = ("queued", "running", "done", "failed")
HEARTBEAT_S = 30.0
"""How often a running job's heartbeat moves (seconds)."""
STALE_AFTER_S = 300.0
"""A running job whose heartbeat is older than this (seconds, ten heartbeats) was left by a dead process."""
MAX_TRIES = 2
"""How many times a job is claimed before an interruption ends it ``failed``."""
ERROR_CODES = ("interrupted", "refused", "internal")
"""``interrupted``: the process died under it :data:`MAX_TRIES` times; ``refused``: the input was refused, with
words that say why (a ship file's row and fix); ``internal``: anything else (the exception text for admins)."""
INTERRUPTED = "interrupted: no heartbeat for {minutes:g} min after {tries} tries (the process running it stopped)"


@dataclass(frozen=True)
class Claimed:
    """A job taken by a worker: what its handler needs."""

    id: int
    kind: str
    payload: dict[str, Any]
    requested_by: str
    tries: int


class JobFailed(Exception):
    """A handler's refusal with an error code of :data:`ERROR_CODES` and the words or text kept with it."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def now() -> datetime:
    return datetime.now(UTC)


def enqueue(session: Session, kind: str, payload: dict[str, Any], *, actor: str) -> Job:
    """Queue a job of ``kind`` in the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, payload=payload, state="queued", tries=0, done=0, total=0, result={}, requested_by=actor)
    session.add(job)
    session.flush()
    return job


def claim(factory: sessionmaker[Session]) -> Claimed | None:
    """The oldest queued job, now ``running`` with one more try (None when the queue is empty)."""
    while True:
        with transaction(factory) as session:
            job = session.scalars(select(Job).where(Job.state == "queued").order_by(Job.id).limit(1)).first()
            if job is None:
                return None
            at = now()
            taken = session.execute(
                update(Job)
                .where(Job.id == job.id, Job.state == "queued")
                .values(state="running", tries=Job.tries + 1, started_at=at, heartbeat_at=at)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return Claimed(job.id, job.kind, dict(job.payload), job.requested_by, job.tries + 1)


def update_job(factory: sessionmaker[Session], job_id: int, **values: object) -> None:
    """Set fields of a job (progress, state) in a short transaction; moves its heartbeat."""
    with transaction(factory) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(heartbeat_at=now(), **values)
            .execution_options(synchronize_session=False)
        )


def beat(factory: sessionmaker[Session], job_id: int) -> None:
    """Move a running job's heartbeat (a job no longer running is left alone)."""
    with transaction(factory) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "running")
            .values(heartbeat_at=now())
            .execution_options(synchronize_session=False)
        )


def finish(factory: sessionmaker[Session], job_id: int, state: str, **values: object) -> None:
    """End a job ``done`` or ``failed`` with ``values`` (``result`` or ``error_code`` and ``error``)."""
    update_job(factory, job_id, state=state, finished_at=now(), **values)


def requeue_stale(factory: sessionmaker[Session], *, at: datetime | None = None) -> tuple[int, int]:
    """Running jobs without a heartbeat for :data:`STALE_AFTER_S`: back to ``queued`` while they have tries
    left, else ``failed`` (``interrupted``). Returns (requeued, given up)."""
    at = at or now()
    stale = (Job.state == "running", Job.heartbeat_at < at - timedelta(seconds=STALE_AFTER_S))
    with transaction(factory) as session:
        requeued = session.execute(
            update(Job)
            .where(*stale, Job.tries < MAX_TRIES)
            .values(state="queued", heartbeat_at=None)
            .execution_options(synchronize_session=False)
        )
        given_up = session.execute(
            update(Job)
            .where(*stale, Job.tries >= MAX_TRIES)
            .values(
                state="failed",
                error_code="interrupted",
                error=INTERRUPTED.format(minutes=STALE_AFTER_S / 60, tries=MAX_TRIES),
                finished_at=at,
            )
            .execution_options(synchronize_session=False)
        )
    return requeued.rowcount, given_up.rowcount  # type: ignore[attr-defined]


def jobs(session: Session, kind: str, *, limit: int = 10) -> list[Job]:
    """The newest jobs of ``kind``, newest first."""
    return list(session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(limit)))


def pending(session: Session, kind: str) -> int:
    """How many jobs of ``kind`` are queued or running."""
    q = select(func.count()).select_from(Job).where(Job.kind == kind, Job.state.in_(("queued", "running")))
    return session.scalar(q) or 0


def last_finished(session: Session, kind: str) -> datetime | None:
    """When the newest job of ``kind`` ended ``done``."""
    return session.scalar(select(func.max(Job.finished_at)).where(Job.kind == kind, Job.state == "done"))
