"""Shore-power supervision as a use case: stays of a stored run are warned about until a recorded session covers
them; records are checked, confirmed by a second user only, audited, and kept at least two years."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.services import shore_power as sp
from transcarbon.store import db
from transcarbon.store.models import AuditEntry, CalculationRun
from transcarbon.store.models_shore_power import ShipBerthStay, ShipRunShip, ShorePowerRecord

T0 = datetime(2024, 5, 3, 2, tzinfo=UTC)
CITY = load_city()


@pytest.fixture
def session(migrated_db_url: str) -> Iterator[Session]:
    engine = db.make_engine(migrated_db_url)
    with db.session_factory(engine)() as s, s.begin():
        yield s
    engine.dispose()


def _stored_run(s: Session) -> int:
    """A ship run with four stays at LYG-B01 (shore power): 3 h capable, 1.5 h capable, 3 h not capable, and a
    3 h capable stay of a second capable ship."""
    run = CalculationRun(
        kind="ships", fingerprint="f" * 64, method_version="m", code_version="c", parameters={}, factor_sets={},
        fallbacks=[], input_hash="h", input_count=0, actor="t", started_at=T0, finished_at=T0,
    )  # fmt: skip
    s.add(run)
    s.flush()
    for mmsi, capable in ((412000001, True), (412000002, True), (412000003, False), (412000004, True)):
        s.add(ShipRunShip(run_id=run.id, mmsi=mmsi, name=f"SHIP {mmsi}", ship_type="container",
                          shore_power_capable=capable))  # fmt: skip
    for mmsi, hours in ((412000001, 3.0), (412000002, 1.5), (412000003, 3.0), (412000004, 3.0)):
        s.add(ShipBerthStay(run_id=run.id, mmsi=mmsi, berth_id="LYG-B01", arrival=T0,
                            departure=T0 + timedelta(hours=hours), berth_h=hours, berth_has_shore_power=True,
                            connected_h=0.0, co2_t=1.0))  # fmt: skip
    s.flush()
    return run.id


def _declaration(ship: int, **changes: object) -> sp.Declaration:
    values: dict[str, object] = {
        "berth_id": "LYG-B01",
        "mmsi": ship,
        "ship_name": f"SHIP {ship}",
        "berth_arrival": T0,
        "berth_departure": T0 + timedelta(hours=3),
        "connected": True,
        "connect_time": T0 + timedelta(minutes=30),
        "disconnect_time": T0 + timedelta(hours=2, minutes=30),
        "kwh": 1800.0,
        "fault": None,
        "not_connected_reason": None,
        "reason_note": None,
        "ship_party": "船长 王某",
    }
    values.update(changes)
    return sp.Declaration(**values)  # type: ignore[arg-type]


def _warned(s: Session) -> set[int]:
    return {r["mmsi"] for r in sp.supervision(s, CITY)["stays"] if r["warning"]}


def test_stays_are_warned_about_until_a_session_or_reason_is_recorded(session: Session) -> None:
    _stored_run(session)
    out = sp.supervision(session, CITY)
    assert out["threshold_h"] == 2.0 and out["warnings"] == 2
    assert _warned(session) == {412000001, 412000004}  # 1.5 h and no equipment: none
    sp.declare(session, CITY, _declaration(412000001), actor="port_a")
    assert _warned(session) == {412000004}
    reason = _declaration(
        412000004, connected=False, connect_time=None, disconnect_time=None, kwh=None, not_connected_reason="capacity"
    )
    sp.declare(session, CITY, reason, actor="port_a")
    assert _warned(session) == set()
    outcome = {r["mmsi"]: (r["recorded_h"], r["explained"]) for r in sp.supervision(session, CITY)["stays"]}
    assert outcome[412000001] == (pytest.approx(2.0), False) and outcome[412000004] == (0.0, True)


def test_two_parties_audit_and_retention(session: Session) -> None:
    declared_at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    rec = sp.declare(session, CITY, _declaration(412000001), actor="port_a", now=declared_at)
    assert rec.state == "declared" and rec.keep_until == date(2027, 3, 1)
    with pytest.raises(sp.ShorePowerRefused) as same:
        sp.confirm(session, rec.id, actor="port_a", terminal_party="码头值班员")
    assert same.value.key == "sp.err.same_party"
    sp.confirm(session, rec.id, actor="terminal_b", terminal_party="码头值班员 李某")
    assert (rec.state, rec.confirmed_by, rec.terminal_party) == ("confirmed", "terminal_b", "码头值班员 李某")
    with pytest.raises(sp.ShorePowerRefused, match="already_confirmed"):
        sp.confirm(session, rec.id, actor="terminal_c", terminal_party="x")
    with pytest.raises(sp.ShorePowerRefused) as early:
        sp.delete_record(session, rec.id, actor="admin", today=date(2027, 2, 28))
    assert early.value.key == "sp.err.retention" and early.value.values["until"] == "2027-03-01"
    sp.delete_record(session, rec.id, actor="admin", today=date(2027, 3, 1))
    assert session.get(ShorePowerRecord, rec.id) is None
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "shore_power_record")).all()
    assert actions == ["shore_power.declare", "shore_power.confirm", "shore_power.delete"]


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"berth_id": "NOWHERE"}, "sp.err.berth"),
        ({"mmsi": 12345}, "sp.err.mmsi"),
        ({"ship_party": "  "}, "sp.err.names"),
        ({"disconnect_time": T0}, "sp.err.times"),
        ({"connect_time": T0 - timedelta(hours=1)}, "sp.err.outside_stay"),
        ({"kwh": float("nan")}, "sp.err.kwh"),
        ({"kwh": 5e6}, "sp.err.kwh"),
        ({"connected": False, "connect_time": None, "disconnect_time": None, "kwh": None}, "sp.err.reason"),
        ({"connected": False, "not_connected_reason": "other"}, "sp.err.not_connected_times"),
        ({"berth_departure": T0 - timedelta(hours=1)}, "sp.err.departure"),
    ],
)
def test_bad_records_are_refused_with_a_reason(session: Session, changes: dict[str, object], key: str) -> None:
    with pytest.raises(sp.ShorePowerRefused) as exc:
        sp.declare(session, CITY, _declaration(412000001, **changes), actor="port_a")
    assert exc.value.key == key
