"""The evaluation as the faces show it (services/evaluation/views.py) on the demo database: the stored run's
payload with each indicator's history, scorecards with their lights, the LMDI payload, cached per data
version; a failure raises instead of showing a stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.config import load_city
from transcarbon.services import figures
from transcarbon.services.evaluation import (
    LIGHTS,
    DecompositionError,
    decompose,
    decomposition_between,
    department_scorecards,
    evaluation_payload,
    latest_evaluation_run,
    stored_values,
    year_evaluation,
)
from transcarbon.services.evaluation import views as views_module
from transcarbon.store import db

CITY = load_city()


@pytest.fixture(scope="module")
def factory(demo_db_url: str) -> Iterator[sessionmaker[Session]]:
    f = db.session_factory(db.make_engine(demo_db_url))
    figures.clear_cache()
    yield f
    f.kw["bind"].dispose()


@pytest.mark.slow
def test_year_evaluation_is_the_stored_run_with_history(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        ev = year_evaluation(session, CITY, 2024, actor="web", factory=factory)  # evaluated in its own transaction
        run_id = latest_evaluation_run(session, 2024)
        assert ev["run_id"] == run_id
        stored = evaluation_payload(session, run_id, CITY)
        assert [{k: v for k, v in r.items() if k != "history"} for r in ev["indicators"]] == stored["indicators"]
        assert ev["warnings"] == stored["warnings"]
        annual = {(v.indicator_id, v.year): v for v in stored_values(session, run_id)}
        for row in ev["indicators"]:
            years = [h["year"] for h in row["history"]]
            assert years == sorted(years) and years and years[-1] <= 2024
            for h in row["history"]:
                v = annual[(row["id"], h["year"])]
                assert (h["value"], h["light"], h["status"]) == (v.value, v.light, v.status)
        again = year_evaluation(session, CITY, 2024, actor="web", factory=factory)
        assert again["run_id"] == run_id  # reused, not evaluated anew


def test_cached_until_the_data_change(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        first = year_evaluation(session, CITY, 2023, actor="report")  # in the caller's transaction
        session.commit()
        second = year_evaluation(session, CITY, 2023, actor="report")
        assert second is not first and second["run_id"] == first["run_id"]  # a new run moved the data version
        assert year_evaluation(session, CITY, 2023, actor="report") is second  # nothing changed: kept


def test_scorecards_with_their_lights(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        ev = year_evaluation(session, CITY, 2025, actor="web", factory=factory)
        cards = department_scorecards(session, CITY, 2025, actor="web", factory=factory)
    lights = {r["id"]: r["light"] for r in ev["indicators"]}
    assert {c["department_id"] for c in cards} == {d.id for d in CITY.departments}
    scores = [c["score"] for c in cards if c["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    for c in cards:
        inds = CITY.indicators_of(c["department_id"])
        assert c["indicators"] == len(inds) == sum(c[light] for light in LIGHTS)
        for light in LIGHTS:
            assert c[light] == sum(1 for i in inds if lights[i.id] == light), (c["department_id"], light)


def test_decomposition_between_two_years(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        shown = decomposition_between(session, 2020, 2025, actor="web", factory=factory)
        with session.begin():
            stored = decompose(session, 2020, 2025, actor="test")
    assert stored.reused and shown == stored.payload
    total = shown["total"]
    assert total["effects_sum_t"] == pytest.approx(total["delta_co2_t"])
    with factory() as session, pytest.raises(DecompositionError) as err:
        decomposition_between(session, 2022, 2022, actor="web", factory=factory)
    assert err.value.key == "eval.decomp.bad_years"


def test_a_failing_evaluation_raises(factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("evaluation failed")

    monkeypatch.setattr(views_module, "evaluate", broken)
    with factory() as session, pytest.raises(RuntimeError, match="evaluation failed"):
        year_evaluation(session, CITY, 2021, actor="web", factory=factory)
