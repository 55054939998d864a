"""LMDI through the service: a hand-worked two-sector example, effects adding up to the total change
(hypothesis), and the demo's real calculation lines."""

from __future__ import annotations

import math
from collections.abc import Iterator

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcarbon.methods.lmdi import EFFECTS
from transcarbon.services.evaluation.decomposition import DecompositionError, decompose, decompose_frame, line_frame
from transcarbon.store import db


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "year": pl.Int64,
            "sector": pl.String,
            "fuel": pl.String,
            "activity": pl.Float64,
            "energy": pl.Float64,
            "co2": pl.Float64,
        },
        orient="row",
    )


def test_two_sector_hand_worked_example() -> None:
    # A doubles its turnover (100 → 200 t·km) at the same intensity; B unchanged; port has no turnover.
    f = _frame(
        [
            (2020, "A", "diesel", 100, 10, 1),
            (2020, "B", "diesel", 100, 20, 2),
            (2020, "port", "diesel", 0, 5, 0.5),
            (2025, "A", "diesel", 200, 20, 2),
            (2025, "B", "diesel", 100, 20, 2),
            (2025, "port", "diesel", 0, 6, 0.6),
        ]
    )
    by_sector, outside = decompose_frame(f, 2020, 2025)
    tot = {e: by_sector[e].sum() for e in EFFECTS}
    # activity: L(2,1)·ln(300/200) + L(2,2)·ln(1.5); structure: L(2,1)·ln((2/3)/(1/2)) + 2·ln((1/3)/(1/2))
    assert tot["activity"] == pytest.approx(math.log(1.5) * (1 / math.log(2) + 2))
    assert tot["structure"] == pytest.approx(math.log(4 / 3) / math.log(2) + 2 * math.log(2 / 3))
    assert tot["intensity"] == pytest.approx(0) and tot["fuel_mix"] == pytest.approx(0)
    assert sum(tot.values()) == pytest.approx(1.0)
    assert outside["sector"].to_list() == ["port"] and outside["delta_co2"][0] == pytest.approx(0.1)


def test_port_by_throughput_and_process_co2_apart() -> None:
    """Port decomposes in a group of its own over throughput [t]; urea's CO2 (no energy) is left out."""
    f = _frame(
        [
            (2020, "A", "diesel", 100, 10, 1),
            (2020, "A", "urea_solution", 100, 0, 0.01),
            (2020, "port", "diesel", 0, 5, 0.5),
            (2025, "A", "diesel", 100, 10, 1),
            (2025, "A", "urea_solution", 100, 0, 0.02),
            (2025, "port", "diesel", 0, 6, 0.6),
        ]
    ).with_columns(throughput=pl.when(pl.col("sector") == "port").then(pl.lit(1000.0)).otherwise(0.0))
    f = f.with_columns(
        throughput=pl.when((pl.col("sector") == "port") & (pl.col("year") == 2025)).then(1200.0).otherwise("throughput")
    )
    by_sector, outside = decompose_frame(f, 2020, 2025)
    port = by_sector.filter(pl.col("sector") == "port").row(0, named=True)
    assert port["activity_basis"] == "throughput_t"
    assert port["activity"] == pytest.approx(0.1)  # throughput +20% at the same energy per tonne: all activity
    assert port["intensity"] == pytest.approx(0) and port["structure"] == 0
    assert outside.select("sector", "reason").rows() == [("A", "process")]
    assert outside["delta_co2"][0] == pytest.approx(0.01)


def test_electricity_at_its_primary_equivalent_moves_fuel_mix_to_intensity() -> None:
    # a sector switches half its diesel energy to electricity at the same CO2 per t·km
    f = _frame(
        [
            (2020, "A", "diesel", 100, 10, 1.0),
            (2025, "A", "diesel", 100, 5, 0.5),
            (2025, "A", "electricity", 100, 3.6, 0.5),
        ]
    )
    calorific, _ = decompose_frame(f, 2020, 2025)
    primary, _ = decompose_frame(f, 2020, 2025, electricity_gj_per_kwh={2020: 0.009, 2025: 0.009})
    for d in (calorific, primary):
        assert sum(d[e].sum() for e in EFFECTS) == pytest.approx(0.0, abs=1e-12)
    # 1000 kWh: at 3.6 MJ/kWh the energy per t·km falls (8.6 GJ < 10); at 9 MJ/kWh (≈ 300 gce) it rises (14 GJ)
    assert calorific["intensity"][0] < 0 < primary["intensity"][0]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["road", "ship", "rail"]),
            st.sampled_from(["diesel", "lng", "electricity"]),
            st.floats(1, 1e6),
            st.floats(0.1, 1e4),
            st.floats(0.01, 5.0),
            st.integers(0, 1),
        ),
        min_size=2,
        max_size=18,
    )
)
def test_effects_sum_to_the_change(items: list[tuple]) -> None:
    rows, seen = [], set()
    for sector, fuel, act, energy, ef, which in items:
        year = 2020 + 5 * which
        if (year, sector, fuel) in seen:
            continue
        seen.add((year, sector, fuel))
        rows.append((year, sector, fuel, act, energy, energy * ef))
    f = _frame(rows).with_columns(pl.col("activity").max().over("year", "sector"))
    if f.filter(pl.col("year") == 2020).height == 0 or f.filter(pl.col("year") == 2025).height == 0:
        return
    by_sector, _ = decompose_frame(f, 2020, 2025)
    for r in by_sector.iter_rows(named=True):
        assert sum(r[e] for e in EFFECTS) == pytest.approx(r["delta_co2"], rel=1e-9, abs=1e-6)


@pytest.fixture(scope="module")
def factory(demo_db_url: str) -> Iterator:
    f = db.session_factory(db.make_engine(demo_db_url))
    yield f
    f.kw["bind"].dispose()


def test_real_lines_add_up(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session, session.begin():
        d = decompose(session, 2020, 2025, actor="test")
        p = d.payload
        assert not d.reused
        assert p["total"]["effects_sum_t"] == pytest.approx(p["total"]["delta_co2_t"], rel=1e-9)
        for r in p["by_sector"]:
            assert sum(r[e] for e in EFFECTS) == pytest.approx(r["delta_co2_t"], rel=1e-9, abs=1e-6)
        # port is decomposed by its throughput; "other" (no activity) and urea's process CO2 are left out, said so
        assert {(s["sector"], s["reason"]) for s in p["outside"]["sectors"]} == {
            ("other", "no_activity"),
            ("road_freight", "process"),
        }
        assert {r["sector"]: r["activity_basis"] for r in p["by_sector"]}["port"] == "throughput_t"
        assert 0 < p["outside"]["share_of_co2_to"] < 0.05
        frame = line_frame(session, {int(k): v for k, v in p["inventory_runs"].items()})
        city = frame.group_by("year").agg(pl.col("co2").sum()).sort("year")["co2"].to_list()
        assert p["city_delta_co2_t"] == pytest.approx(city[1] - city[0], rel=1e-9)
        assert decompose(session, 2020, 2025, actor="test").reused
        with pytest.raises(DecompositionError):
            decompose(session, 2019, 2025, actor="test")
