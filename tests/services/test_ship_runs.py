"""Stored ship-emission runs: aggregates equal the engine's summary, grains add up, the lineage names
the input files by hash, and the same files give the same run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.demo.ais import synthetic_ais, write_synthetic_ais
from transcarbon.methods.ships import METHOD_NAME, METHOD_VERSION
from transcarbon.services import audit
from transcarbon.services.lineage import LineageNotFound
from transcarbon.services.ship_runs import city_zones, run_ship_inventory, ship_lineage
from transcarbon.store import db
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_ships import SHIP_MEASURES, ShipResult


@pytest.fixture(scope="module")
def ais_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ais")
    ais, _, sessions = synthetic_ais(n_ships=8, days=4)
    assert ais.height > 1000 and sessions.height > 0
    return write_synthetic_ais(folder, n_ships=8, days=4)


@pytest.fixture
def session(migrated_db_url: str) -> Iterator[Session]:
    engine = db.make_engine(migrated_db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def _run(session: Session, files: dict[str, Path]):  # type: ignore[no-untyped-def]
    with session.begin():
        return run_ship_inventory(
            session, files["ais"], files["ships"], city_zones(), files["shore_power"], actor="tester"
        )


def test_stored_aggregates_match_the_summary_and_add_up(session: Session, ais_files: dict[str, Path]) -> None:
    run = _run(session, ais_files)
    assert not run.reused
    rows = session.scalars(select(ShipResult).where(ShipResult.run_id == run.run_id)).all()
    total = next(r for r in rows if r.grain == "total")
    summary_total = run.summary["total"]
    for m in SHIP_MEASURES:
        assert getattr(total, m) == pytest.approx(summary_total[m], rel=1e-12)
        for grain in ("mode", "zone", "ship_day_mode"):
            part = sum(getattr(r, m) for r in rows if r.grain == grain)
            assert part == pytest.approx(getattr(total, m), rel=1e-9, abs=1e-12), (grain, m)
    shore = run.summary["shore_power"]
    assert total.avoided_co2_net_t == pytest.approx(shore["avoided_co2_gross_t"] - shore["grid_co2_t"])
    assert total.grid_co2_t == pytest.approx(shore["kwh"] * 0.5827 / 1000)  # CN-JS 2023 factor for May 2024
    assert {r.key for r in rows if r.grain == "mode"} == {"berth", "anchorage", "manoeuvring", "slow_cruise", "cruise"}
    calls = [r for r in rows if r.grain == "call"]
    assert calls and all(r.year == 2024 and r.month == 5 for r in calls)


def test_lineage_names_the_input_files_and_grid_fallback(session: Session, ais_files: dict[str, Path]) -> None:
    run = _run(session, ais_files)
    total_id = session.scalars(
        select(ShipResult.id).where(ShipResult.run_id == run.run_id, ShipResult.grain == "total")
    ).one()
    tree = ship_lineage(session, total_id)
    params = tree["run"]["parameters"]
    for role in ("ais", "ships", "shore_power", "zones"):
        path = ais_files.get(role) or city_zones()
        assert path is not None
        assert params["inputs_sha256"][role] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert params["grid_factor"]["year"] == 2023 and params["grid_factor"]["fallbacks"]
    assert tree["run"]["factor_sets"]["ship_tables"]
    assert tree["run"]["method_version"] == f"{METHOD_NAME}/{METHOD_VERSION}"
    assert tree["run"]["parameters"]["method"]["option"] == "imo4"
    with pytest.raises(LineageNotFound):
        ship_lineage(session, 10**9)


def test_same_files_same_run_and_audited(session: Session, ais_files: dict[str, Path]) -> None:
    first = _run(session, ais_files)
    again = _run(session, ais_files)
    assert again.reused and again.run_id == first.run_id
    assert session.scalar(select(func.count()).select_from(CalculationRun).where(CalculationRun.kind == "ships")) == 1
    assert audit.verify(session).ok


def test_compute_refuses_a_bad_file_and_an_unknown_region(ais_files: dict[str, Path], tmp_path: Path) -> None:
    from transcarbon.services.factor_sets import FactorUnavailable
    from transcarbon.services.ship_runs import ShipFilesRefused, compute_ship_inventory

    bad = tmp_path / "bad.csv"
    bad.write_text("mmsi,fuel\n1,kerosene\n")
    with pytest.raises(ShipFilesRefused, match="row 2"):
        compute_ship_inventory(ais_files["ais"], bad, None, None)
    with pytest.raises(FactorUnavailable, match="XX"):
        compute_ship_inventory(ais_files["ais"], ais_files["ships"], None, ais_files["shore_power"], grid_region="XX")


def test_map_cells_ships_and_berth_stays_are_stored(session: Session, ais_files: dict[str, Path]) -> None:
    from transcarbon.store.models_shore_power import ShipBerthStay, ShipCell, ShipRunShip

    run = _run(session, ais_files)
    total = session.scalars(
        select(ShipResult).where(ShipResult.run_id == run.run_id, ShipResult.grain == "total")
    ).one()
    cells = session.scalars(select(ShipCell).where(ShipCell.run_id == run.run_id)).all()
    assert sum(c.co2_t for c in cells) == pytest.approx(total.co2_t, rel=1e-9)
    ships = session.scalars(select(ShipRunShip).where(ShipRunShip.run_id == run.run_id)).all()
    assert len(ships) == run.summary["ships"] and {s.ship_type for s in ships} <= {
        "bulk_carrier",
        "container",
        "oil_tanker",
        "chemical_tanker",
        "general_cargo",
        "ro_ro",
    }
    calls = session.scalars(select(ShipResult).where(ShipResult.run_id == run.run_id, ShipResult.grain == "call")).all()
    stays = session.scalars(select(ShipBerthStay).where(ShipBerthStay.run_id == run.run_id)).all()
    assert len(stays) == len(calls) > 0
    assert sum(s.co2_t for s in stays) == pytest.approx(sum(c.co2_t for c in calls), rel=1e-9)
    assert all(s.departure > s.arrival and s.berth_h > 0 for s in stays)
