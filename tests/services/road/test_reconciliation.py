"""Bottom-up against reported fuel on the demo: the bus fleet (whose reports give the fleet size) agrees, the
freight fleet's gap is a coverage gap with the implied vehicles, fuel sales are compared per fuel, private cars
are bottom-up only; the official figure per sector is recorded, audited and changes the official CO2."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.services import audit
from transcarbon.services.road.reconciliation import ChoiceRefused, choose_official, reconciliation
from transcarbon.store import db
from transcarbon.store.models import AuditEntry

CITY = load_city()
CATALOG = load_report_types()


@pytest.fixture(scope="module")
def session(demo_db_url: str) -> Iterator[Session]:
    engine = db.make_engine(demo_db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_fleets_compared_and_explained(session: Session) -> None:
    rec = reconciliation(session, 2025, CITY, CATALOG)
    assert rec is not None
    by = {s["sector"]: s for s in rec["sectors"]}
    assert set(by) == {"urban_bus", "taxi", "road_passenger", "road_freight"}
    bus = by["urban_bus"]
    assert bus["reporting"] == bus["registered"] == 1925  # the bus companies' fleet sizes cover the register
    assert bus["explanation"] == "agree" and abs(bus["gap_gj"]) < 0.1 * bus["bottom_up_gj"]
    assert bus["coverage_gj"] == 0.0 and bus["intensity_gj"] == pytest.approx(bus["gap_gj"])
    freight = by["road_freight"]
    assert freight["explanation"] == "coverage_unknown" and freight["reporting"] is None
    assert freight["implied_vehicles"] == pytest.approx(
        freight["reported_gj"] / (freight["bottom_up_gj"] / freight["registered"])
    )
    assert sum(c["bottom_up_gj"] for c in freight["carriers"]) == pytest.approx(freight["bottom_up_gj"])
    assert sum(c["reported_gj"] for c in freight["carriers"]) == pytest.approx(freight["reported_gj"])
    outside = {(o["vehicle_class"], o["use"]) for o in rec["outside"]}
    assert ("pv_small", "non_operating") in outside and ("motorcycle", "non_operating") in outside
    sales = {f["fuel"]: f for f in rec["fuel_sales"]}
    assert set(sales) == {"gasoline", "diesel", "lng", "natural_gas"}
    assert sales["diesel"]["sold_t"] == 996_000 and 0.8 < sales["diesel"]["ratio"] < 0.9


def test_official_figure_recorded_and_audited(session: Session) -> None:
    before = reconciliation(session, 2025, CITY, CATALOG)
    assert before is not None
    freight = next(s for s in before["sectors"] if s["sector"] == "road_freight")
    assert freight["official"]["figure"] == "reported" and freight["official_co2_t"] == freight["reported_co2_t"]
    session.rollback()
    with session.begin():
        choose_official(session, CITY, "road_freight", 2025, "bottom_up", actor="analyst", note="whole register")
    after = reconciliation(session, 2025, CITY, CATALOG)
    assert after is not None
    freight = next(s for s in after["sectors"] if s["sector"] == "road_freight")
    assert freight["official"]["figure"] == "bottom_up" and freight["official"]["actor"] == "analyst"
    assert freight["official_co2_t"] == freight["bottom_up_co2_t"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "road.official_figure")).one()
    assert entry.object_id == "road_freight:2025" and entry.actor == "analyst"
    assert audit.verify(session).ok
    session.rollback()
    with pytest.raises(ChoiceRefused) as err, session.begin():
        choose_official(session, CITY, "rail", 2025, "bottom_up", actor="analyst")
    assert err.value.key == "road.choice.bad_sector"
    with pytest.raises(ChoiceRefused), session.begin():
        choose_official(session, CITY, "taxi", 2025, "guess", actor="analyst")
