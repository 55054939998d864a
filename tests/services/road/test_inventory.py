"""The bottom-up road inventory as a stored run: a fleet × VKT × factor case by hand (reported kilometres and
energy economy, a packaged default, MEE 2014 and zero-exhaust factors, the grid factor with its fallback), the
stored rows adding up, the same inputs giving the same run, and a year without a register refused."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from platform_fixtures import seed
from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.services import audit
from transcarbon.services.preapproved_reports import store_preapproved
from transcarbon.services.road.inventory import road_frame, road_totals, run_road_inventory
from transcarbon.services.road.registry import RegistryMissing
from transcarbon.store import db
from transcarbon.store.models import AuditEntry, CalculationRun

CITY = load_city()
CATALOG = load_report_types()
DIESEL_NCV, DIESEL_CO2_PER_GJ = 42.652, 0.0202 * 0.98 * 44 / 12  # energy-statistics set [GJ/t, tCO2/GJ]
GRID_2023 = 0.5827  # CN-JS, the latest year before 2024 [kgCO2/kWh]


@pytest.fixture
def session(migrated_db_url: str) -> Iterator[Session]:
    seed(migrated_db_url)
    engine = db.make_engine(migrated_db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def _store(session: Session, report_type: str, rows: list[dict[str, object]]) -> None:
    frame = pl.DataFrame([{"org_id": "GOV", "period": "2024", **r} for r in rows])
    store_preapproved(
        session, CATALOG.get(report_type), frame, actor="t", data_dir=None, file_name=f"{report_type}.csv", comment=""
    )


def _register(session: Session) -> None:
    base = {"district": "haizhou", "vehicle_class": "bus", "use": "operating", "service": None}
    _store(
        session,
        "vehicle_registry",
        [
            {**base, "powertrain": "diesel", "stage": "CN5", "model_year": 2018, "stock": 60, "new_registrations": 0},
            {**base, "powertrain": "diesel", "stage": "CN5", "model_year": 2019, "stock": 40, "new_registrations": 0},
            {**base, "powertrain": "bev", "stage": None, "model_year": 2024, "stock": 50, "new_registrations": 50},
        ],
    )
    _store(
        session,
        "vehicle_annual_km",
        [{"vehicle_class": "bus", "use": "operating", "km_per_year": 60_000, "basis": "survey", "source": "台账"}],
    )
    _store(
        session,
        "vehicle_energy_economy",
        [
            {
                "vehicle_class": "bus",
                "powertrain": "diesel",
                "carrier": "diesel",
                "value": 25.0,
                "unit": "kg/100km",
                "km_share": None,
                "basis": "fleet_records",
                "source": "台账",
            }
        ],
    )


def test_fleet_times_km_times_factors_by_hand(session: Session) -> None:
    with session.begin():
        _register(session)
        run = run_road_inventory(session, 2024, CITY, CATALOG, actor="tester")
    rows = road_frame(session, run.run_id)
    diesel = rows.filter(pl.col("powertrain") == "diesel").row(0, named=True)
    vkt = 100 * 60_000
    energy = vkt * 0.25 * DIESEL_NCV / 1000  # 25 kg/100 km × NCV [MJ/kg] → GJ: 63,978 GJ
    assert diesel["vehicles"] == 100 and diesel["vkt_km"] == vkt and diesel["km_basis"] == "survey"
    assert diesel["energy_gj"] == pytest.approx(energy, rel=1e-12)
    assert diesel["fuel_t"] == pytest.approx(vkt * 0.25 / 1000, rel=1e-12)  # 1,500 t of diesel
    assert diesel["co2_t"] == pytest.approx(energy * DIESEL_CO2_PER_GJ, rel=1e-12)
    # PV Bus diesel 国V NOx: BEF 8.640 g/km × sulphur factor 0.84 at 10 ppm (reference conditions otherwise)
    assert diesel["nox_kg"] == pytest.approx(vkt * 8.640 * 0.84 / 1000, rel=1e-9)
    assert diesel["pollutant_method"] == "mee2014"
    bev = rows.filter(pl.col("powertrain") == "bev").row(0, named=True)
    kwh = 50 * 60_000 * 156.5 / 100  # packaged default: 156.5 kWh/100 km
    assert bev["stage"] == "none" and bev["carrier"] == "electricity"
    assert bev["kwh"] == pytest.approx(kwh, rel=1e-12) and bev["co2_t"] == 0.0
    assert bev["co2_electricity_t"] == pytest.approx(kwh * GRID_2023 / 1000, rel=1e-12)
    assert bev["nox_kg"] == 0.0 and bev["pollutant_method"] == "zero_exhaust"
    totals = road_totals(session, run.run_id)
    assert totals["vehicles"] == 150 and totals["co2_t"] == pytest.approx(diesel["co2_t"])
    stored = session.get(CalculationRun, run.run_id)
    assert stored is not None and stored.kind == "road"
    assert stored.parameters["grid_factor"]["year"] == 2023 and stored.fallbacks  # 2024 → 2023
    assert set(stored.factor_sets) >= {"mee2014_bef", "copert_hot", "fuel_properties", "energy_economy", "grid"}
    assert [len(stored.parameters["inputs"][k]) for k in ("vehicle_registry", "vehicle_annual_km")] == [1, 1]


def test_same_inputs_same_run_and_a_year_without_register(session: Session) -> None:
    with session.begin():
        _register(session)
        first = run_road_inventory(session, 2024, CITY, CATALOG, actor="tester")
    with session.begin():
        again = run_road_inventory(session, 2024, CITY, CATALOG, actor="tester")
    assert again.reused and again.run_id == first.run_id and again.totals == first.totals
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "road.run")).all()
    assert len(entries) == 1 and audit.verify(session).ok
    session.rollback()
    with pytest.raises(RegistryMissing), session.begin():
        run_road_inventory(session, 2023, CITY, CATALOG, actor="tester")
