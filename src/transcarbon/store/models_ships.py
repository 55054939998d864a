"""Tables of stored ship-emission runs (AIS inventories): aggregates by grain, with their run.

A ship run is a ``CalculationRun`` of kind ``ships`` whose ``parameters`` hold the options, whose
``factor_sets`` hold the ship tables' and factor sets' hashes, and whose ``fallbacks`` hold the grid
lookup's fallbacks. Its aggregates are rows here, one per grain and key:

- ``total`` (key ``all``), ``mode`` (berth, anchorage, manoeuvring, slow_cruise, cruise),
- ``zone`` (zone id), ``call`` (mmsi|arrival), ``ship_day_mode`` (mmsi|day|mode).
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from transcarbon.store.models import Base

SHIP_MEASURES = ("fuel_t", "co2_t", "ch4_t", "n2o_t", "nox_t", "sox_t", "pm10_t", "pm25_t", "co_t", "hc_t")
SHORE_MEASURES = (
    "shore_kwh",
    "shore_kwh_metered",
    "shore_kwh_modelled",
    "connected_h",
    "avoided_co2_gross_t",
    "grid_co2_t",
    "avoided_co2_net_t",
)


class ShipResult(Base):
    """One aggregate of a ship run: pollutant masses [t], shore-power figures, and the grain's key."""

    __tablename__ = "ship_results"
    __table_args__ = (Index("ix_ship_results_run_grain", "run_id", "grain"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    grain: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120))
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    fuel_t: Mapped[float] = mapped_column(Float, default=0.0)
    co2_t: Mapped[float] = mapped_column(Float, default=0.0)
    ch4_t: Mapped[float] = mapped_column(Float, default=0.0)
    n2o_t: Mapped[float] = mapped_column(Float, default=0.0)
    nox_t: Mapped[float] = mapped_column(Float, default=0.0)
    sox_t: Mapped[float] = mapped_column(Float, default=0.0)
    pm10_t: Mapped[float] = mapped_column(Float, default=0.0)
    pm25_t: Mapped[float] = mapped_column(Float, default=0.0)
    co_t: Mapped[float] = mapped_column(Float, default=0.0)
    hc_t: Mapped[float] = mapped_column(Float, default=0.0)
    shore_kwh: Mapped[float | None] = mapped_column(Float)
    """kWh the grid term counts: metered where the session was metered, else modelled (``shore_kwh_modelled``)."""
    shore_kwh_metered: Mapped[float | None] = mapped_column(Float)
    shore_kwh_modelled: Mapped[float | None] = mapped_column(Float)
    """The auxiliary (and, where set, boiler) power replaced × connected hours [kWh], for every connection."""
    connected_h: Mapped[float | None] = mapped_column(Float)
    avoided_co2_gross_t: Mapped[float | None] = mapped_column(Float)
    grid_co2_t: Mapped[float | None] = mapped_column(Float)
    avoided_co2_net_t: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
