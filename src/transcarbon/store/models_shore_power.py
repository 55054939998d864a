"""Tables of ships on the web and shore-power supervision (岸电使用监管).

- ``ship_cells``: a ship run's map grid (cell centre, CO2, NOx, PM2.5, hours), for the port page's map;
- ``ship_run_ships``: the ships a ship run saw, as the register described them (name, type, shore-power receiving
  equipment);
- ``ship_berth_stays``: a ship run's berth stays (from AIS and the berth zones), with what supervision needs
  beside the ship: whether the berth supplies shore power, and the hours the run's session file connected it;
- ``shore_power_records``: two-party shore-power records (the ship's declaration, the terminal's confirmation)
  with the fields the ministry's rules fix (berth, ship, berthing and connect/disconnect times, kWh, faults or
  the reason for not connecting), kept ``keep_until`` (at least two years).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transcarbon.store.models import Base
from transcarbon.store.types import UtcDateTime


class ShipCell(Base):
    """One map-grid cell of a ship run: its centre [deg], CO2, NOx, PM2.5 [t] and ship hours [h]."""

    __tablename__ = "ship_cells"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"), index=True)
    cell: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    co2_t: Mapped[float] = mapped_column(Float)
    nox_t: Mapped[float] = mapped_column(Float)
    pm25_t: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float)


class ShipRunShip(Base):
    """A ship seen by a ship run, as the register described it: name, type, shore-power receiving equipment."""

    __tablename__ = "ship_run_ships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"), index=True)
    mmsi: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(120))
    ship_type: Mapped[str | None] = mapped_column(String(40))
    shore_power_capable: Mapped[bool] = mapped_column(Boolean)


class ShipBerthStay(Base):
    """One stay of a ship at a berth in a ship run (a port call's time at berth)."""

    __tablename__ = "ship_berth_stays"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"), index=True)
    mmsi: Mapped[int] = mapped_column(BigInteger)
    berth_id: Mapped[str] = mapped_column(String(80))
    arrival: Mapped[datetime] = mapped_column(UtcDateTime)
    departure: Mapped[datetime] = mapped_column(UtcDateTime)
    berth_h: Mapped[float] = mapped_column(Float)
    berth_has_shore_power: Mapped[bool] = mapped_column(Boolean)
    connected_h: Mapped[float] = mapped_column(Float)
    """Hours connected by the run's shore-power file (0: none)."""
    co2_t: Mapped[float] = mapped_column(Float)


class ShorePowerRecord(Base):
    """A two-party shore-power record: declared for the ship, confirmed by the terminal (another user)."""

    __tablename__ = "shore_power_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    berth_id: Mapped[str] = mapped_column(String(80), index=True)
    mmsi: Mapped[int] = mapped_column(BigInteger, index=True)
    ship_name: Mapped[str] = mapped_column(String(120))
    berth_arrival: Mapped[datetime] = mapped_column(UtcDateTime)
    berth_departure: Mapped[datetime | None] = mapped_column(UtcDateTime)
    connected: Mapped[bool] = mapped_column(Boolean)
    connect_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disconnect_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    kwh: Mapped[float | None] = mapped_column(Float)
    fault: Mapped[str | None] = mapped_column(Text)
    """Faults during the connection, as declared."""
    not_connected_reason: Mapped[str | None] = mapped_column(String(30))
    """Why the ship did not connect (a code of ``NOT_CONNECTED_REASONS``), or None when it did."""
    reason_note: Mapped[str | None] = mapped_column(Text)
    ship_party: Mapped[str] = mapped_column(String(120))
    """Who declared for the ship (master, chief engineer or agent), as written on the declaration."""
    declared_by: Mapped[str] = mapped_column(String(100))
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime)
    terminal_party: Mapped[str | None] = mapped_column(String(120))
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20))
    """``declared`` (by the ship's side) or ``confirmed`` (by the terminal)."""
    keep_until: Mapped[date] = mapped_column(Date)
