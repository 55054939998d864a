"""Use case: shore-power supervision (岸电使用监管, plan §五; 港口和船舶岸电管理办法).

- :func:`supervision`: the berth stays of the newest ship run checked against the two-party records (and the
  run's own session file): a warning for each stay of a ship with receiving equipment at a berth with shore power
  longer than the city's ``shore_power_supervision.connect_after_h`` without a session or a declared reason
  (:func:`transcarbon.engines.ships.supervision.supervise_berth_stays`);
- :func:`declare`: a record declared for the ship (berth, ship, berthing, connect and disconnect times, kWh, faults,
  or the reason it did not connect, and who declared on the ship's side), checked and audited;
- :func:`confirm`: the terminal's confirmation, by another user than the declarer (two parties), audited;
- :func:`delete_record`: refused before ``keep_until`` (``retention_years`` after the declaration, at least two).

Each function runs in the caller's transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.engines.ships.supervision import supervise_berth_stays
from transcarbon.engines.ships.zones import read_zones
from transcarbon.factors.bounds import physical_bounds
from transcarbon.services import audit
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_shore_power import ShipBerthStay, ShipRunShip, ShorePowerRecord

NOT_CONNECTED_REASONS = (
    "berth_equipment_fault",
    "ship_equipment_fault",
    "incompatible",
    "capacity",
    "short_stay",
    "safety_or_weather",
    "other",
)
"""Why a ship did not connect, as a record declares it (the page shows each in words)."""
STATES = ("declared", "confirmed")


class ShorePowerRefused(ValueError):
    """A record refused: ``key`` and ``values`` render the catalog message (Chinese and English)."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


@dataclass(frozen=True)
class Declaration:
    """What the ship's side declares (times in UTC)."""

    berth_id: str
    mmsi: int
    ship_name: str
    berth_arrival: datetime
    berth_departure: datetime | None
    connected: bool
    connect_time: datetime | None
    disconnect_time: datetime | None
    kwh: float | None
    fault: str | None
    not_connected_reason: str | None
    reason_note: str | None
    ship_party: str


def shore_power_berths(city: CityConfig) -> dict[str, bool]:
    """The city's berths (zones file) and whether each supplies shore power."""
    path = city.zones_path
    if path is None:
        return {}
    return {z.zone_id: z.has_shore_power for z in read_zones(path).zones if z.kind == "berth"}


def latest_ship_run(session: Session) -> int | None:
    return session.scalars(select(func.max(CalculationRun.id)).where(CalculationRun.kind == "ships")).first()


def _records_frames(session: Session) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = session.scalars(select(ShorePowerRecord)).all()
    ts = pl.Datetime("us", "UTC")
    sessions = pl.DataFrame(
        [
            {
                "mmsi": r.mmsi,
                "berth_id": r.berth_id,
                "connect_time": r.connect_time,
                "disconnect_time": r.disconnect_time,
            }
            for r in rows
            if r.connected and r.connect_time and r.disconnect_time
        ],
        schema={"mmsi": pl.Int64, "berth_id": pl.String, "connect_time": ts, "disconnect_time": ts},
    )
    reasons = pl.DataFrame(
        [{"mmsi": r.mmsi, "berth_id": r.berth_id, "berth_arrival": r.berth_arrival} for r in rows if not r.connected],
        schema={"mmsi": pl.Int64, "berth_id": pl.String, "berth_arrival": ts},
    )
    return sessions, reasons


def supervision(session: Session, city: CityConfig, run_id: int | None = None) -> dict[str, Any]:
    """The newest ship run's (or ``run_id``'s) berth stays at shore-power berths with the supervision outcome:
    ``stays`` (rows, warnings first, longest stay first), ``warnings`` (count), ``threshold_h``, ``run_id``."""
    threshold = city.shore_power_supervision.connect_after_h
    run_id = run_id or latest_ship_run(session)
    if run_id is None:
        return {"run_id": None, "stays": [], "warnings": 0, "threshold_h": threshold}
    q = (
        select(
            ShipBerthStay.id.label("stay_id"),
            ShipBerthStay.mmsi,
            ShipBerthStay.berth_id,
            ShipBerthStay.arrival,
            ShipBerthStay.departure,
            ShipBerthStay.berth_h,
            ShipBerthStay.berth_has_shore_power,
            ShipBerthStay.connected_h,
            ShipRunShip.name,
            ShipRunShip.ship_type,
            ShipRunShip.shore_power_capable,
        )
        .join(ShipRunShip, (ShipRunShip.run_id == ShipBerthStay.run_id) & (ShipRunShip.mmsi == ShipBerthStay.mmsi))
        .where(ShipBerthStay.run_id == run_id, ShipBerthStay.berth_has_shore_power.is_(True))
    )
    ts = pl.Datetime("us", "UTC")
    stays = pl.DataFrame(
        [dict(r._mapping) for r in session.execute(q)],
        schema={
            "stay_id": pl.Int64,
            "mmsi": pl.Int64,
            "berth_id": pl.String,
            "arrival": ts,
            "departure": ts,
            "berth_h": pl.Float64,
            "berth_has_shore_power": pl.Boolean,
            "connected_h": pl.Float64,
            "name": pl.String,
            "ship_type": pl.String,
            "shore_power_capable": pl.Boolean,
        },
    )
    sessions, reasons = _records_frames(session)
    out = supervise_berth_stays(stays, sessions, reasons, threshold).sort(
        ["warning", "berth_h"], descending=[True, True]
    )
    return {
        "run_id": run_id,
        "stays": out.to_dicts(),
        "warnings": int(out["warning"].sum() or 0),
        "threshold_h": threshold,
    }


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC))


def _check(d: Declaration, city: CityConfig) -> Declaration:
    berths = shore_power_berths(city)
    if berths and d.berth_id not in berths:
        raise ShorePowerRefused("sp.err.berth", berth=d.berth_id)
    if not 100_000_000 <= d.mmsi <= 999_999_999:
        raise ShorePowerRefused("sp.err.mmsi", value=d.mmsi)
    if not d.ship_name.strip() or not d.ship_party.strip():
        raise ShorePowerRefused("sp.err.names")
    arrival, departure = _aware(d.berth_arrival), _aware(d.berth_departure)
    on, off = _aware(d.connect_time), _aware(d.disconnect_time)
    assert arrival is not None
    if departure is not None and departure <= arrival:
        raise ShorePowerRefused("sp.err.departure")
    if d.connected:
        if on is None or off is None or off <= on:
            raise ShorePowerRefused("sp.err.times")
        if on < arrival or (departure is not None and off > departure):
            raise ShorePowerRefused("sp.err.outside_stay")
        if d.kwh is not None:
            bound = physical_bounds()["shore_kwh_per_session"]
            if not math.isfinite(d.kwh) or not bound.min <= d.kwh <= bound.max:
                raise ShorePowerRefused("sp.err.kwh", value=d.kwh, low=bound.min, high=f"{bound.max:,.0f}")
        reason = None
    else:
        if d.not_connected_reason not in NOT_CONNECTED_REASONS:
            raise ShorePowerRefused("sp.err.reason")
        if d.kwh not in (None, 0.0) or on is not None or off is not None:
            raise ShorePowerRefused("sp.err.not_connected_times")
        reason = d.not_connected_reason
    return Declaration(
        berth_id=d.berth_id,
        mmsi=d.mmsi,
        ship_name=d.ship_name.strip()[:120],
        berth_arrival=arrival,
        berth_departure=departure,
        connected=d.connected,
        connect_time=on,
        disconnect_time=off,
        kwh=d.kwh if d.connected else None,
        fault=(d.fault or "").strip()[:2000] or None,
        not_connected_reason=reason,
        reason_note=(d.reason_note or "").strip()[:2000] or None,
        ship_party=d.ship_party.strip()[:120],
    )


def _keep_until(declared: datetime, years: int) -> date:
    d = declared.date()
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _snapshot(r: ShorePowerRecord) -> dict[str, object]:
    values = {c: getattr(r, c) for c in ShorePowerRecord.__table__.columns.keys()}  # noqa: SIM118  (a column collection, not a dict)
    return {c: (v.isoformat() if isinstance(v, (datetime, date)) else v) for c, v in values.items()}


def declare(
    session: Session, city: CityConfig, d: Declaration, *, actor: str, now: datetime | None = None
) -> ShorePowerRecord:
    """Record what the ship's side declares (state ``declared``), checked; audited as ``shore_power.declare``."""
    checked = _check(d, city)
    at = now or datetime.now(UTC)
    rec = ShorePowerRecord(
        **checked.__dict__,
        declared_by=actor,
        declared_at=at,
        state="declared",
        keep_until=_keep_until(at, city.shore_power_supervision.retention_years),
    )
    session.add(rec)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="shore_power.declare",
        object_type="shore_power_record",
        object_id=str(rec.id),
        after=_snapshot(rec),
    )
    return rec


def _record(session: Session, record_id: int) -> ShorePowerRecord:
    rec = session.get(ShorePowerRecord, record_id)
    if rec is None:
        raise ShorePowerRefused("sp.err.not_found", id=record_id)
    return rec


def confirm(
    session: Session, record_id: int, *, actor: str, terminal_party: str, now: datetime | None = None
) -> ShorePowerRecord:
    """The terminal confirms a declared record: by another user than the declarer (two parties); audited."""
    rec = _record(session, record_id)
    if rec.state != "declared":
        raise ShorePowerRefused("sp.err.already_confirmed", id=record_id)
    if rec.declared_by == actor:
        raise ShorePowerRefused("sp.err.same_party")
    if not terminal_party.strip():
        raise ShorePowerRefused("sp.err.names")
    before = _snapshot(rec)
    rec.state, rec.confirmed_by, rec.confirmed_at = "confirmed", actor, now or datetime.now(UTC)
    rec.terminal_party = terminal_party.strip()[:120]
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="shore_power.confirm",
        object_type="shore_power_record",
        object_id=str(rec.id),
        before=before,
        after=_snapshot(rec),
    )
    return rec


def delete_record(session: Session, record_id: int, *, actor: str, today: date | None = None) -> None:
    """Delete a record once its retention has passed; before ``keep_until`` it is refused (kept ≥ 2 years)."""
    rec = _record(session, record_id)
    day = today or datetime.now(UTC).date()
    if day < rec.keep_until:
        raise ShorePowerRefused("sp.err.retention", id=record_id, until=rec.keep_until.isoformat())
    before = _snapshot(rec)
    session.delete(rec)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="shore_power.delete",
        object_type="shore_power_record",
        object_id=str(record_id),
        before=before,
    )


def records(session: Session, limit: int = 200) -> list[ShorePowerRecord]:
    """The newest records first."""
    return list(session.scalars(select(ShorePowerRecord).order_by(ShorePowerRecord.id.desc()).limit(limit)))
