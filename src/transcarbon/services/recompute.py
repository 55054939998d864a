"""Use case: recompute the figures when approved data change (jobs of kind ``recompute`` in :mod:`.jobs`).

An approval or un-approval (:func:`transcarbon.services.submissions.transition`) queues a job for the year of
the submission's period in the same transaction (:func:`enqueue`): the job and the change it follows commit
together or not at all. The worker (:mod:`.job_worker`) runs it with :func:`run_job`: for each year the approved
records are read in a short read, the city inventory is computed **outside any transaction**
(:func:`.inventory_runs.prepare_inventory`), and the run is written in one short transaction
(:func:`.inventory_runs.store_inventory`, the existing run reused when nothing changed), so a sign-in on SQLite
never waits behind a computation. The job ends ``done`` with the runs it made, or ``failed`` (the write of a
failing year rolled back, nothing half-stored). The evaluation follows on its next view (it is cached per data
version, :func:`.figures.data_version`, which every new run moves).

:func:`jobs` lists the newest jobs for the page that shows their state, and :func:`last_update` is the time the
figures last changed ("数据更新于 …").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import jobs as queue
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.inventory_runs import load_approved_records, prepare_inventory, store_inventory
from transcarbon.store.db import transaction
from transcarbon.store.models import CalculationRun, Job

KIND = "recompute"
ACTOR = "recompute"
"""Who the runs a job makes are recorded as (the person whose change queued it is the job's ``requested_by``)."""
REASONS = ("approve", "unapprove", "manual")


def enqueue(session: Session, years: list[int], *, reason: str, actor: str, submission_id: int | None = None) -> Job:
    """Queue a recomputation of ``years`` in the caller's transaction."""
    payload = {"years": sorted(set(years)), "reason": reason, "submission_id": submission_id}
    return queue.enqueue(session, KIND, payload, actor=actor)


def run_job(factory: sessionmaker[Session], job: queue.Claimed, options: AccountingOptions) -> dict[str, Any]:
    """Recompute each year of the job: read, compute outside any transaction, write short. The result: the runs
    made or reused (``run_ids``)."""
    run_ids = []
    for year in job.payload["years"]:
        with factory() as session:
            records = load_approved_records(session, year)
        prepared = prepare_inventory(records, year, options)
        with transaction(factory) as session:
            run_ids.append(store_inventory(session, prepared, actor=ACTOR).run_id)
    return {"run_ids": run_ids}


def jobs(session: Session, *, limit: int = 10) -> list[Job]:
    """The newest recomputation jobs, newest first."""
    return queue.jobs(session, KIND, limit=limit)


def pending(session: Session) -> int:
    """How many recomputation jobs are queued or running."""
    return queue.pending(session, KIND)


def last_update(session: Session) -> datetime | None:
    """When the figures last changed: the newest finished recomputation, else the newest inventory run."""
    done = queue.last_finished(session, KIND)
    run = session.scalar(select(func.max(CalculationRun.finished_at)).where(CalculationRun.kind == "inventory"))
    found = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (done, run) if t is not None]
    return max(found) if found else None
