"""The recomputation queue: jobs run oldest first, each year's inventory in its own transaction; a failing job is
recorded as failed with its error and the next one still runs; a job is claimed once."""

from __future__ import annotations

import pytest

from transcarbon.services import recompute
from transcarbon.services.accounting import AccountingOptions
from transcarbon.store import db
from transcarbon.store.models import CalculationRun, RecomputeJob


def test_jobs_run_in_order_and_a_failure_is_recorded(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = db.session_factory(db.make_engine(demo_db_url))
    with db.transaction(factory) as s:
        failing = recompute.enqueue(s, [2024], reason="manual", actor="t").id
        working = recompute.enqueue(s, [2025, 2025], reason="approve", actor="t").id
    real = recompute.run_inventory

    def flaky(session, year, options, *, actor):  # type: ignore[no-untyped-def]
        if year == 2024:
            raise RuntimeError("factor set missing")
        return real(session, year, options, actor=actor)

    monkeypatch.setattr(recompute, "run_inventory", flaky)
    assert recompute.run_pending(factory, AccountingOptions()) == [failing, working]
    assert recompute.run_pending(factory, AccountingOptions()) == []  # nothing left: each job claimed once
    with factory() as s:
        bad, good = s.get(RecomputeJob, failing), s.get(RecomputeJob, working)
        assert bad is not None and bad.state == "failed" and bad.error == "RuntimeError: factor set missing"
        assert good is not None and good.state == "done" and good.years == [2025] and len(good.run_ids) == 1
        run = s.get(CalculationRun, good.run_ids[0])
        assert run is not None and run.parameters["year"] == 2025  # the demo's own run, reused: nothing changed
        assert recompute.pending(s) == 0
        assert recompute.last_update(s) == good.finished_at
        assert [j.id for j in recompute.jobs(s)] == [working, failing]
