"""The one job queue: a job left running by a dead process (its heartbeat stale) is requeued by the worker and on
start-up, up to two tries, then ends failed as interrupted; a fresh heartbeat is left alone; handlers' refusals
and errors end a job failed with their codes, and the next job still runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import job_worker
from transcarbon.services import jobs as queue
from transcarbon.services.accounting import AccountingOptions
from transcarbon.store import db
from transcarbon.store.models import Job


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    yield db.session_factory(engine)
    engine.dispose()


def _job(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as s:
        job = s.get(Job, job_id)
        assert job is not None
        return job


def _enqueue(factory: sessionmaker[Session], years: list[int]) -> int:
    with db.transaction(factory) as s:
        return queue.enqueue(s, "recompute", {"years": years, "reason": "manual"}, actor="t").id


def _die(factory: sessionmaker[Session], job_id: int, minutes: float) -> None:
    """The process running the job stopped ``minutes`` ago: its heartbeat stays where it was."""
    with db.transaction(factory) as s:
        s.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=queue.now() - timedelta(minutes=minutes)))


def test_a_dead_workers_job_is_requeued_then_given_up(factory: sessionmaker[Session]) -> None:
    job_id = _enqueue(factory, [2025])
    claimed = queue.claim(factory)
    assert claimed is not None and (claimed.id, claimed.tries) == (job_id, 1)
    assert queue.claim(factory) is None  # running: nobody else takes it
    _die(factory, job_id, minutes=4)  # under the threshold (5 min): still alive as far as anyone knows
    assert queue.requeue_stale(factory) == (0, 0)
    assert _job(factory, job_id).state == "running"
    _die(factory, job_id, minutes=6)
    assert queue.requeue_stale(factory) == (1, 0)
    assert (_job(factory, job_id).state, _job(factory, job_id).tries) == ("queued", 1)
    again = queue.claim(factory)
    assert again is not None and (again.id, again.tries) == (job_id, 2)
    _die(factory, job_id, minutes=6)
    assert queue.requeue_stale(factory) == (0, 1)  # two tries used: given up
    job = _job(factory, job_id)
    assert (job.state, job.error_code, job.tries) == ("failed", "interrupted", 2)
    assert job.error is not None and "2 tries" in job.error and job.finished_at is not None
    assert queue.claim(factory) is None


def test_the_worker_requeues_and_runs_an_interrupted_job(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[int, int]] = []

    def handler(f: sessionmaker[Session], job: queue.Claimed, options: AccountingOptions) -> dict[str, Any]:
        ran.append((job.id, job.tries))
        if job.payload["years"] == [2024]:
            raise queue.JobFailed("refused", "第 3 行 缺少 mmsi / row 3: mmsi missing")
        if job.payload["years"] == [2023]:
            raise KeyError("boom")
        return {"run_ids": [7]}

    monkeypatch.setitem(job_worker.HANDLERS, "recompute", handler)
    interrupted = _enqueue(factory, [2025])
    assert queue.claim(factory) is not None
    _die(factory, interrupted, minutes=10)
    refused, broken = _enqueue(factory, [2024]), _enqueue(factory, [2023])
    assert job_worker.run_pending(factory, AccountingOptions()) == [interrupted, refused, broken]
    assert ran == [(interrupted, 2), (refused, 1), (broken, 1)]
    done = _job(factory, interrupted)
    assert (done.state, done.result, done.error_code) == ("done", {"run_ids": [7]}, None)
    no = _job(factory, refused)
    assert (no.state, no.error_code, no.error) == ("failed", "refused", "第 3 行 缺少 mmsi / row 3: mmsi missing")
    err = _job(factory, broken)
    assert (err.state, err.error_code, err.error) == ("failed", "internal", "KeyError: 'boom'")


def test_start_up_recovers_and_the_worker_thread_runs_the_queue(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(job_worker.HANDLERS, "recompute", lambda f, job, o: {"years": job.payload["years"]})
    left = _enqueue(factory, [2025])
    assert queue.claim(factory) is not None
    _die(factory, left, minutes=30)
    assert job_worker.recover(factory, AccountingOptions()) == (1, 0)
    job_worker.wait(60)
    assert (_job(factory, left).state, _job(factory, left).result) == ("done", {"years": [2025]})
    queued = _enqueue(factory, [2026])
    job_worker.kick(factory, AccountingOptions())
    job_worker.kick(factory, AccountingOptions())  # while one runs: it goes round once more, no second thread
    job_worker.wait(60)
    assert _job(factory, queued).state == "done"
    assert job_worker.recover(factory, AccountingOptions()) == (0, 0)  # nothing left running


def test_a_heartbeat_moves_while_a_job_runs(factory: sessionmaker[Session]) -> None:
    job_id = _enqueue(factory, [2025])
    assert queue.claim(factory) is not None
    _die(factory, job_id, minutes=10)
    stale = _job(factory, job_id).heartbeat_at
    with job_worker.heartbeat(factory, job_id, every_s=0.05):
        for _ in range(400):  # until the beat lands (the machine may be slow)
            if _job(factory, job_id).heartbeat_at != stale:
                break
            time.sleep(0.05)
        assert queue.requeue_stale(factory) == (0, 0)  # alive again: not requeued
    assert _job(factory, job_id).state == "running"


def test_an_unknown_kind_is_refused(factory: sessionmaker[Session]) -> None:
    with db.transaction(factory) as s, pytest.raises(ValueError, match="unknown job kind"):
        queue.enqueue(s, "mystery", {}, actor="t")


def test_the_app_requeues_interrupted_jobs_when_it_starts(
    factory: sessionmaker[Session], db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platform_fixtures import fast_settings
    from transcarbon.app import create_app

    monkeypatch.setitem(job_worker.HANDLERS, "recompute", lambda f, job, o: {"tries": job.tries})
    left = _enqueue(factory, [2025])
    assert queue.claim(factory) is not None
    _die(factory, left, minutes=10)  # the server stopped while it ran
    create_app(fast_settings(tmp_path / "data", db_url))
    job_worker.wait(60)
    assert (_job(factory, left).state, _job(factory, left).result) == ("done", {"tries": 2})
