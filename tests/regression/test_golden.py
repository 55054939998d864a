"""Regression: the demo's numbers (inventory of every year, evaluation of every year, LMDI 2020→2025, the
ship run, the bottom-up road inventory of every year and the trajectory and GTFS runs) are exactly those
recorded in ``golden_demo.json``; a refactoring must not move any of them."""

from __future__ import annotations

import pytest
from golden import compute, digests, load, snapshot

from transcarbon.store import db


@pytest.mark.slow
def test_demo_numbers_match_the_golden_snapshot(demo_db_url: str) -> None:
    factory = db.session_factory(db.make_engine(demo_db_url))
    with factory.begin() as session:
        compute(session)
    got, want = digests(snapshot(factory)), load()
    assert got["totals"] == want["totals"]
    changed = {
        t: sorted(g for g in set(want[t]) | set(got[t]) if want[t].get(g) != got[t].get(g))
        for t in want
        if t != "totals"
    }
    assert not any(changed.values()), f"changed groups: { {t: g for t, g in changed.items() if g} }"
    factory.kw["bind"].dispose()
