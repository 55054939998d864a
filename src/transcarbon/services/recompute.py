"""Use case: recompute the figures when approved data change.

An approval or un-approval (:func:`transcarbon.services.submissions.transition`) queues a job for the year of
the submission's period in the same transaction (:func:`enqueue`): the job and the change it follows commit
together or not at all. :func:`run_pending` works the queue off: each job is claimed by a conditional update
(``queued`` → ``running``: of two workers exactly one takes it), the city inventory of each of its years is
computed from the approved records (:func:`.inventory_runs.run_inventory`, reused when nothing changed) in a
transaction of its own, and the job ends ``done`` with the runs it made, or ``failed`` with the error's message
(the inventory's transaction rolled back, nothing half-computed). The evaluation follows on its next view (it
is cached per data version, :func:`.figures.data_version`, which every new run moves).

The faces call :func:`run_pending` after the response (a background task); tests call it directly, so that they
drive the queue deterministically. :func:`jobs` lists the newest jobs for the page that shows their state, and
:func:`last_update` is the time the figures last changed ("数据更新于 …").
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.store.db import transaction
from transcarbon.store.models import CalculationRun, RecomputeJob

JOB_STATES = ("queued", "running", "done", "failed")
ACTOR = "recompute"
"""Who the runs a job makes are recorded as (the person whose change queued it is the job's ``requested_by``)."""
_log = logging.getLogger(__name__)


def enqueue(
    session: Session, years: list[int], *, reason: str, actor: str, submission_id: int | None = None
) -> RecomputeJob:
    """Queue a recomputation of ``years`` in the caller's transaction."""
    job = RecomputeJob(
        years=sorted(set(years)),
        reason=reason,
        submission_id=submission_id,
        state="queued",
        run_ids=[],
        requested_by=actor,
    )
    session.add(job)
    session.flush()
    return job


def _claim(factory: sessionmaker[Session]) -> tuple[int, list[int]] | None:
    """The oldest queued job, now marked running (None when the queue is empty)."""
    while True:
        with transaction(factory) as session:
            job = session.scalars(
                select(RecomputeJob).where(RecomputeJob.state == "queued").order_by(RecomputeJob.id).limit(1)
            ).first()
            if job is None:
                return None
            taken = session.execute(
                update(RecomputeJob)
                .where(RecomputeJob.id == job.id, RecomputeJob.state == "queued")
                .values(state="running", started_at=datetime.now(UTC))
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return job.id, list(job.years)


def _finish(factory: sessionmaker[Session], job_id: int, state: str, **values: object) -> None:
    with transaction(factory) as session:
        session.execute(
            update(RecomputeJob)
            .where(RecomputeJob.id == job_id)
            .values(state=state, finished_at=datetime.now(UTC), **values)
            .execution_options(synchronize_session=False)
        )


def run_pending(factory: sessionmaker[Session], options: AccountingOptions) -> list[int]:
    """Work off every queued job (oldest first); return the ids of the jobs run. A failing job is recorded as
    ``failed`` with its error and the next one still runs."""
    ran = []
    while (claimed := _claim(factory)) is not None:
        job_id, years = claimed
        ran.append(job_id)
        try:
            run_ids = []
            for year in years:
                with transaction(factory) as session:
                    run_ids.append(run_inventory(session, year, options, actor=ACTOR).run_id)
        except Exception as exc:  # recorded on the job, which the page shows: the worker must go on
            _log.exception("recompute job %s failed", job_id)
            _finish(factory, job_id, "failed", error=f"{type(exc).__name__}: {exc}"[:500])
        else:
            _finish(factory, job_id, "done", run_ids=run_ids)
    return ran


def jobs(session: Session, *, limit: int = 10) -> list[RecomputeJob]:
    """The newest jobs, newest first."""
    return list(session.scalars(select(RecomputeJob).order_by(RecomputeJob.id.desc()).limit(limit)))


def pending(session: Session) -> int:
    """How many jobs are queued or running."""
    q = select(func.count()).select_from(RecomputeJob).where(RecomputeJob.state.in_(("queued", "running")))
    return session.scalar(q) or 0


def last_update(session: Session) -> datetime | None:
    """When the figures last changed: the newest finished recomputation, else the newest inventory run."""
    done = session.scalar(select(func.max(RecomputeJob.finished_at)).where(RecomputeJob.state == "done"))
    run = session.scalar(select(func.max(CalculationRun.finished_at)).where(CalculationRun.kind == "inventory"))
    found = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (done, run) if t is not None]
    return max(found) if found else None
