"""What the demo claims is what the platform computes: the figures of :data:`PLATFORM_2025` equal the 2025
evaluation of the demo database, and the generator's docstring and ``docs/methods.md`` state each of them; the
headline intensity's three scopes are recomputed by hand from the stored results and lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.demo import generator
from transcarbon.demo.generator import PLATFORM_2025, PLATFORM_2025_SCOPES
from transcarbon.services.evaluation import evaluate
from transcarbon.services.inventory_runs import latest_run_id
from transcarbon.store import db
from transcarbon.store.models import CalculationLine, Result

DOCS = Path(__file__).resolve().parents[2] / "docs" / "methods.md"
PLAN = ["road_freight", "road_passenger", "urban_bus", "taxi", "waterway_freight", "waterway_passenger"]


@pytest.fixture(scope="module")
def factory(demo_db_url: str) -> Iterator[sessionmaker[Session]]:
    f = db.session_factory(db.make_engine(demo_db_url))
    yield f
    f.kw["bind"].dispose()


@pytest.fixture(scope="module")
def evaluated(factory: sessionmaker[Session]) -> dict[str, Any]:
    with factory() as session, session.begin():
        payload = evaluate(session, 2025, actor="test", as_of=date(2026, 3, 31)).payload
    return {i["id"]: i for i in payload["indicators"]}


def _stated(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def test_the_docstring_and_the_docs_state_what_the_platform_computes(evaluated: dict[str, Any]) -> None:
    docstring = generator.__doc__ or ""
    docs = DOCS.read_text(encoding="utf-8")
    for indicator, (value, decimals, status) in PLATFORM_2025.items():
        row = evaluated[indicator]
        assert round(row["value"], decimals) == pytest.approx(value), indicator
        assert row["status"] == status, indicator
        for text in (docstring, docs):
            assert _stated(value, decimals) in text and indicator in text, indicator
    for scope, value in PLATFORM_2025_SCOPES.items():
        shown = {s["id"]: s["value"] for s in evaluated["converted_turnover_co2_intensity"]["details"]["scopes"]}
        assert round(shown[scope], 1) == pytest.approx(value), scope
        for text in (docstring, docs):
            assert f"−{value:.1f}%" in text, scope
    truck = evaluated["truck_co2_intensity"]
    assert truck["light"] == "yellow" and truck["details"]["uncertainty"]["straddles_target"]


def _intensity(session: Session, year: int, sectors: list[str], base_factor: float | None = None) -> float:
    """1000 · Σ CO2 ÷ Σ converted t·km over ``sectors`` of the year's run; with ``base_factor`` electricity is
    re-counted at that grid factor [kg/kWh]."""
    run = latest_run_id(session, year)
    co2, tkm = session.execute(
        select(func.sum(Result.co2_t), func.sum(Result.converted_tkm)).where(
            Result.run_id == run, Result.month.is_(None), Result.org_id.is_(None), Result.sector.in_(sectors)
        )
    ).one()
    if base_factor is not None:
        kwh, scope2 = session.execute(
            select(func.sum(CalculationLine.kwh), func.sum(CalculationLine.scope2_co2_t)).where(
                CalculationLine.run_id == run,
                CalculationLine.sector.in_(sectors),
                CalculationLine.fuel == "electricity",
            )
        ).one()
        co2 = co2 - scope2 + kwh * base_factor / 1000
    return 1000 * co2 / tkm


def test_the_three_scopes_of_the_headline_intensity_by_hand(
    factory: sessionmaker[Session], evaluated: dict[str, Any]
) -> None:
    row = evaluated["converted_turnover_co2_intensity"]
    scopes = {s["id"]: s for s in row["details"]["scopes"]}
    assert [s["id"] for s in row["details"]["scopes"] if s["default"]] == ["plan"]
    with factory() as session:
        base_factor = 0.6451  # 2020 has no published factor: 2021's CN-JS factor, the recorded proxy
        [grid] = row["details"]["base_grid"]
        assert (grid["base_grid_region"], grid["base_grid_year"], grid["ef_base"]) == ("CN-JS", 2021, base_factor)
        assert "2020 → 2021" in grid["fallback"]
        expected = {
            "plan": (PLAN, None),
            "all_modes": ([*PLAN, "rail", "civil_aviation"], None),
            "constant_grid": (PLAN, base_factor),
        }
        for scope, (sectors, factor) in expected.items():
            fall = 100 * (1 - _intensity(session, 2025, sectors, factor) / _intensity(session, 2020, sectors, factor))
            assert scopes[scope]["value"] == pytest.approx(fall, rel=1e-9), scope
    assert row["value"] == pytest.approx(scopes["plan"]["value"])
