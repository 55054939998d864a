"""The recomputation jobs on the one queue: jobs run oldest first, a failing job is recorded as failed with its
code and text and the next one still runs, a job is claimed once; the inventory is computed holding no
database connection and written in one short transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import inventory_runs, job_worker, recompute
from transcarbon.services.accounting import AccountingOptions
from transcarbon.store import db
from transcarbon.store.models import CalculationRun, Job, LoginAttempt


def test_jobs_run_in_order_and_a_failure_is_recorded(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = db.session_factory(db.make_engine(demo_db_url))
    with db.transaction(factory) as s:
        failing = recompute.enqueue(s, [2024], reason="manual", actor="t").id
        working = recompute.enqueue(s, [2025, 2025], reason="approve", actor="t").id
    real = recompute.prepare_inventory

    def flaky(records, year, options):  # type: ignore[no-untyped-def]
        if year == 2024:
            raise RuntimeError("factor set missing")
        return real(records, year, options)

    monkeypatch.setattr(recompute, "prepare_inventory", flaky)
    assert job_worker.run_pending(factory, AccountingOptions()) == [failing, working]
    assert job_worker.run_pending(factory, AccountingOptions()) == []  # nothing left: each job claimed once
    with factory() as s:
        bad, good = s.get(Job, failing), s.get(Job, working)
        assert bad is not None and (bad.state, bad.error_code, bad.error, bad.tries) == (
            "failed",
            "internal",
            "RuntimeError: factor set missing",
            1,
        )
        assert good is not None and good.state == "done" and good.payload["years"] == [2025]
        assert len(good.result["run_ids"]) == 1 and good.heartbeat_at is not None
        run = s.get(CalculationRun, good.result["run_ids"][0])
        assert run is not None and run.parameters["year"] == 2025  # the demo's own run, reused: nothing changed
        assert recompute.pending(s) == 0
        assert recompute.last_update(s) == good.finished_at
        assert [j.id for j in recompute.jobs(s)][:2] == [working, failing]


def _runs(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.query(CalculationRun).filter(CalculationRun.kind == "inventory").count()


def test_the_inventory_is_computed_outside_any_transaction(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the inventory is computed the job holds no connection, and another writer (a sign-in's login
    record) goes through at once; the run is then written in one transaction."""
    engine = db.make_engine(demo_db_url)
    factory = db.session_factory(engine)
    with db.transaction(factory) as s:
        job = recompute.enqueue(s, [2024], reason="manual", actor="t").id
    real = inventory_runs.compute_inventory
    seen: list[int] = []

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(engine.pool.checkedout())  # type: ignore[attr-defined]
        with db.transaction(factory) as s:  # a sign-in writes meanwhile
            s.add(LoginAttempt(username="x", remote="r", ok=False, throttled=False, ts=datetime.now(UTC)))
        return real(*args, **kwargs)

    monkeypatch.setattr(inventory_runs, "compute_inventory", watched)
    monkeypatch.setattr(inventory_runs, "code_version", lambda: "test-new-run")  # a new fingerprint: a write
    before = _runs(factory)
    assert job_worker.run_pending(factory, AccountingOptions()) == [job]
    assert seen == [0]
    assert _runs(factory) == before + 1
    with factory() as s:
        done = s.get(Job, job)
        assert done is not None and done.state == "done" and len(done.result["run_ids"]) == 1
