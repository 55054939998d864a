"""The worker of the one job queue (:mod:`.jobs`): the same loop runs every kind of job.

:func:`run_pending` first requeues the jobs left ``running`` by a dead process (:func:`.jobs.requeue_stale`), then
claims queued jobs oldest first and runs each with its kind's handler (:data:`HANDLERS`) while a heartbeat thread
moves its ``heartbeat_at`` every :data:`.jobs.HEARTBEAT_S` seconds. A handler returns the job's result (``done``)
or raises: :class:`.jobs.JobFailed` ends it ``failed`` with its code and words, any other exception ``failed``
with the code ``internal`` and the exception's text (for administrators; the pages say what it means in words).
A failing job never stops the worker: the next one still runs.

The faces start it: after an approval's response (a background task calls :func:`run_pending`), after a ship
upload and on start-up when interrupted jobs were requeued (:func:`kick`: one thread per process at a time);
tests call :func:`run_pending` directly or :func:`wait` for the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import jobs as queue
from transcarbon.services import recompute, ship_jobs
from transcarbon.services.accounting import AccountingOptions

Handler = Callable[[sessionmaker[Session], queue.Claimed, AccountingOptions], dict[str, Any]]
HANDLERS: dict[str, Handler] = {recompute.KIND: recompute.run_job, ship_jobs.KIND: ship_jobs.run_job}
_log = logging.getLogger(__name__)
_lock = threading.Lock()
_threads: list[threading.Thread] = []
_state = {"running": False, "again": False}


@contextmanager
def heartbeat(factory: sessionmaker[Session], job_id: int, every_s: float = queue.HEARTBEAT_S) -> Iterator[None]:
    """Move the job's heartbeat every ``every_s`` seconds while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every_s):
            try:
                queue.beat(factory, job_id)
            except Exception:  # a missed beat is no reason to stop the job; the next one tries again
                _log.warning("heartbeat of job %s not recorded", job_id, exc_info=True)

    thread = threading.Thread(target=beat, daemon=True, name=f"job-{job_id}-heartbeat")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_one(factory: sessionmaker[Session], job: queue.Claimed, options: AccountingOptions) -> None:
    """Run a claimed job to its end (``done`` or ``failed``); never raises."""
    try:
        with heartbeat(factory, job.id):
            result = HANDLERS[job.kind](factory, job, options)
    except queue.JobFailed as exc:
        queue.finish(factory, job.id, "failed", error_code=exc.code, error=exc.detail[:4000])
    except Exception as exc:  # recorded on the job, which the pages show in words: the worker must go on
        _log.exception("job %s (%s) failed", job.id, job.kind)
        queue.finish(factory, job.id, "failed", error_code="internal", error=f"{type(exc).__name__}: {exc}"[:4000])
    else:
        queue.finish(factory, job.id, "done", result=result)


def run_pending(factory: sessionmaker[Session], options: AccountingOptions) -> list[int]:
    """Requeue interrupted jobs, then work off every queued job (oldest first); return the ids of the jobs run."""
    queue.requeue_stale(factory)
    ran = []
    while (job := queue.claim(factory)) is not None:
        ran.append(job.id)
        run_one(factory, job, options)
    return ran


def _work(factory: sessionmaker[Session], options: AccountingOptions) -> None:
    """The worker thread: run the queue until it is empty and no kick came meanwhile."""
    while True:
        try:
            run_pending(factory, options)
        except Exception:  # the database went away: the next kick or start-up tries again
            _log.exception("the job worker stopped")
        with _lock:
            if not _state["again"]:
                _state["running"] = False
                return
            _state["again"] = False


def kick(factory: sessionmaker[Session], options: AccountingOptions) -> None:
    """Work off the queue on a background thread; while this process's worker runs, it goes round once more."""
    with _lock:
        if _state["running"]:
            _state["again"] = True
            return
        _state["running"] = True
        thread = threading.Thread(target=_work, args=(factory, options), daemon=True, name="job-worker")
        _threads.append(thread)
        thread.start()


def recover(factory: sessionmaker[Session], options: AccountingOptions) -> tuple[int, int]:
    """On start-up: requeue (or give up) the jobs a dead process left running, and start the worker when some
    were requeued. Returns (requeued, given up)."""
    requeued, given_up = queue.requeue_stale(factory)
    if requeued:
        kick(factory, options)
    return requeued, given_up


def wait(timeout_s: float | None = None) -> None:
    """Join this process's worker threads (tests, shutdown)."""
    for thread in list(_threads):
        thread.join(timeout_s)
        if not thread.is_alive():
            _threads.remove(thread)
