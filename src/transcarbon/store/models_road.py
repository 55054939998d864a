"""Tables of road-transport runs: the bottom-up fleet inventory, trajectory and bus-schedule (GTFS) aggregates,
and the city's choice of the official figure per sector.

- ``road_results``: one row per line of a bottom-up inventory run (kind ``road``) and energy carrier: the
  registered vehicles of a class × use × service × powertrain × stage × district in a year, with kilometres,
  energy, fuel, CO2 (direct, and of grid electricity apart) and pollutants. Rows are additive: a plug-in
  hybrid's line is two rows (gasoline, electricity) each carrying its share of the vehicles and kilometres;
  exhaust pollutants sit on the combustion carrier's row; a line without energy economy has one row with
  ``carrier`` null.
- ``road_track_results``: aggregates of a trajectory run (kind ``road_trajectories``: total, vehicle × day,
  H3 cell, hour) or of a GTFS run (kind ``road_gtfs``: total, route, segment, hour, route × hour).
- ``road_official_figures``: which figure (enterprise-reported or bottom-up) is the city's official road
  figure of a sector and year, as chosen (append-only; the newest row of a sector and year holds).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transcarbon.store.models import Base

ROAD_MEASURES = (
    "vehicles",
    "vkt_km",
    "energy_gj",
    "fuel_t",
    "kwh",
    "co2_t",
    "co2_electricity_t",
    "nox_kg",
    "pm25_kg",
    "pm10_kg",
    "co_kg",
    "hc_kg",
)
"""Additive measures of a ``road_results`` row [vehicles, km, GJ, t, kWh, t, t, kg …]."""
TRACK_MEASURES = (
    "distance_km",
    "hours",
    "energy_mj",
    "fuel_kg",
    "co2_t",
    "nox_kg",
    "pm10_kg",
    "co_kg",
    "voc_kg",
    "idle_hours",
)
"""Additive measures of a ``road_track_results`` row (the trajectory contract's outputs and idle hours)."""


class RoadResult(Base):
    """One line × carrier of a bottom-up road inventory run (see the module docstring)."""

    __tablename__ = "road_results"
    __table_args__ = (Index("ix_road_results_run_year", "run_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    year: Mapped[int] = mapped_column(Integer)
    district: Mapped[str] = mapped_column(String(40))
    vehicle_class: Mapped[str] = mapped_column(String(40))
    use: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(40))
    powertrain: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(10))
    carrier: Mapped[str | None] = mapped_column(String(20))
    vehicles: Mapped[float] = mapped_column(Float)
    vkt_km: Mapped[float | None] = mapped_column(Float)
    energy_gj: Mapped[float | None] = mapped_column(Float)
    fuel_t: Mapped[float | None] = mapped_column(Float)
    kwh: Mapped[float | None] = mapped_column(Float)
    co2_t: Mapped[float | None] = mapped_column(Float)
    co2_electricity_t: Mapped[float | None] = mapped_column(Float)
    nox_kg: Mapped[float | None] = mapped_column(Float)
    pm25_kg: Mapped[float | None] = mapped_column(Float)
    pm10_kg: Mapped[float | None] = mapped_column(Float)
    co_kg: Mapped[float | None] = mapped_column(Float)
    hc_kg: Mapped[float | None] = mapped_column(Float)
    km_basis: Mapped[str | None] = mapped_column(String(40))
    pollutant_method: Mapped[str] = mapped_column(String(20))


class RoadTrackResult(Base):
    """One aggregate of a trajectory or GTFS run: a grain, its key, and the contract's measures."""

    __tablename__ = "road_track_results"
    __table_args__ = (Index("ix_road_track_results_run_grain", "run_id", "grain"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    grain: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(160))
    distance_km: Mapped[float | None] = mapped_column(Float)
    hours: Mapped[float | None] = mapped_column(Float)
    energy_mj: Mapped[float | None] = mapped_column(Float)
    fuel_kg: Mapped[float | None] = mapped_column(Float)
    co2_t: Mapped[float | None] = mapped_column(Float)
    nox_kg: Mapped[float | None] = mapped_column(Float)
    pm10_kg: Mapped[float | None] = mapped_column(Float)
    co_kg: Mapped[float | None] = mapped_column(Float)
    voc_kg: Mapped[float | None] = mapped_column(Float)
    idle_hours: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class RoadOfficialFigure(Base):
    """The city's choice of the official road figure of a sector and year (newest row wins)."""

    __tablename__ = "road_official_figures"
    __table_args__ = (Index("ix_road_official_sector_year", "sector", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sector: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    figure: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
