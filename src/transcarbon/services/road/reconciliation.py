"""Use case: bottom-up road fuel against the fuel enterprises report (and the fuel sold in the city), per fleet,
with the gap explained; and the city's choice of which figure is official per sector, recorded and audited.

Per sector of the city's ``road.reconciliation`` (:mod:`transcarbon.city.road`), for a year:

- bottom-up: the newest road run's lines of the sector's registered fleets (energy per carrier, CO2 direct and of
  electricity, registered vehicles);
- reported: the newest inventory run's lines of the sector (energy per fuel, CO2 of scope 1 and 2), and the
  vehicles the reports cover where a report says (``public_transport`` fleet sizes of urban bus and taxi modes);
- the gap and its explanation by :func:`transcarbon.methods.road.reconciliation.reconcile`.

Registered vehicles of no sector (private cars, non-operating trucks, motorcycles …) are listed as bottom-up
only. Fuel sales (``road_fuel_sales``), where the city has them, are compared with the bottom-up fuel of the
whole register per fuel.

The official figure of a sector and year is the newest recorded choice (``reported`` or ``bottom_up``), else
the city's ``official_default``; every choice is appended (never updated) and written to the audit chain.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog
from transcarbon.city.road import Figure, road_section
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.road.reconciliation import reconcile
from transcarbon.services import audit
from transcarbon.services.inventory_runs import latest_run_id
from transcarbon.services.report_data import approved_rows
from transcarbon.services.road import registry
from transcarbon.services.road.inventory import latest_road_run, road_frame
from transcarbon.services.road.registry import fleet_filter
from transcarbon.store.models import CalculationLine
from transcarbon.store.models_road import RoadOfficialFigure

FIGURES: tuple[Figure, ...] = ("reported", "bottom_up")
REPORTED_MODES = {"urban_bus": ("urban_bus", "brt", "rural_bus"), "taxi": ("taxi",)}
"""Modes of the ``public_transport`` report whose fleet sizes count the vehicles a sector's reports cover."""


class ChoiceRefused(ValueError):
    """A choice of the official figure that cannot be recorded (unknown sector or figure)."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(f"{key}: {values}")


def _reported_lines(session: Session, year: int) -> pl.DataFrame:
    run = latest_run_id(session, year)
    schema = {"sector": pl.String, "carrier": pl.String, "energy_gj": pl.Float64, "co2_t": pl.Float64}
    if run is None:
        return pl.DataFrame(schema=schema)
    rows = session.execute(
        select(
            CalculationLine.sector,
            CalculationLine.fuel,
            func.sum(CalculationLine.energy_gj),
            func.sum(CalculationLine.scope1_co2_t + CalculationLine.scope2_co2_t),
        )
        .where(CalculationLine.run_id == run)
        .group_by(CalculationLine.sector, CalculationLine.fuel)
    ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _reporting_vehicles(session: Session, year: int, catalog: ReportCatalog) -> dict[str, float]:
    """Vehicles the reports of a sector cover: fleet sizes of the year's last report per organisation."""
    rows = approved_rows(session, "public_transport", [year], catalog=catalog)
    rows = rows.filter(pl.col("fleet_size").is_not_null())
    if rows.is_empty():
        return {}
    rows = rows.filter(pl.col("period") == pl.col("period").max().over("org_id", "mode"))
    out = {}
    for sector, modes in REPORTED_MODES.items():
        part = rows.filter(pl.col("mode").is_in(modes))
        if part.height:
            out[sector] = float(part["fleet_size"].sum())
    return out


def official_choices(session: Session, year: int, city: CityConfig) -> dict[str, dict[str, Any]]:
    """The official figure of every reconciled sector in ``year``: the newest choice, else the city's default."""
    section = road_section(city)
    rows = session.scalars(
        select(RoadOfficialFigure).where(RoadOfficialFigure.year == year).order_by(RoadOfficialFigure.id)
    ).all()
    latest = {r.sector: r for r in rows}
    out: dict[str, dict[str, Any]] = {}
    for s in section.reconciliation:
        r = latest.get(s.sector.value)
        out[s.sector.value] = (
            {"figure": r.figure, "note": r.note, "actor": r.actor, "decided_at": r.decided_at.isoformat(), "id": r.id}
            if r
            else {"figure": section.official_default, "note": "", "actor": None, "decided_at": None, "id": None}
        )
    return out


def choose_official(
    session: Session, city: CityConfig, sector: str, year: int, figure: str, *, actor: str, note: str = ""
) -> dict[str, Any]:
    """Record ``figure`` as the official road figure of ``sector`` in ``year`` (appended and audited)."""
    sectors = [s.sector.value for s in road_section(city).reconciliation]
    if sector not in sectors:
        raise ChoiceRefused("road.choice.bad_sector", sector=sector, allowed=", ".join(sectors))
    if figure not in FIGURES:
        raise ChoiceRefused("road.choice.bad_figure", figure=figure, allowed=", ".join(FIGURES))
    before = official_choices(session, year, city)[sector]
    row = RoadOfficialFigure(
        sector=sector, year=year, figure=figure, note=note[:2000], actor=actor, decided_at=datetime.now(UTC)
    )
    session.add(row)
    session.flush()
    after = {"sector": sector, "year": year, "figure": figure, "note": row.note}
    audit.append(
        session,
        actor=actor,
        action="road.official_figure",
        object_type="road_official_figure",
        object_id=f"{sector}:{year}",
        before={"figure": before["figure"], "note": before["note"]},
        after=after,
        details={"choice_id": row.id},
    )
    return {**after, "id": row.id, "actor": actor, "decided_at": row.decided_at.isoformat()}


def reconciliation(session: Session, year: int, city: CityConfig, catalog: ReportCatalog) -> dict[str, Any] | None:
    """Bottom-up against reported per sector and carrier, the fleets outside the sectors, fuel sales, the official
    figures; None when the year has no road run."""
    run_id = latest_road_run(session, year)
    if run_id is None:
        return None
    section = road_section(city)
    bu = road_frame(session, run_id)
    reported = _reported_lines(session, year)
    covered = _reporting_vehicles(session, year, catalog)
    choices = official_choices(session, year, city)
    in_any = pl.lit(False)
    sectors = []
    for s in section.reconciliation:
        sector = s.sector.value
        mask = fleet_filter(s.fleets)
        in_any = in_any | mask
        fleet_rows = bu.filter(mask)
        rep = reported.filter(pl.col("sector") == sector)
        by_carrier = _by_carrier(fleet_rows, rep)
        gap = reconcile(
            float(fleet_rows["energy_gj"].sum()),
            float(rep["energy_gj"].sum()),
            float(fleet_rows["vehicles"].sum()),
            covered.get(sector),
        )
        bu_co2 = float(fleet_rows["co2_t"].sum()) + float(fleet_rows["co2_electricity_t"].sum())
        rep_co2 = float(rep["co2_t"].sum())
        choice = choices[sector]
        sectors.append(
            {
                "sector": sector,
                **asdict(gap),
                "bottom_up_co2_t": bu_co2,
                "reported_co2_t": rep_co2,
                "official": choice,
                "official_co2_t": bu_co2 if choice["figure"] == "bottom_up" else rep_co2,
                "carriers": by_carrier,
            }
        )
    outside = bu.filter(~in_any)
    outside_rows = (
        outside.group_by("vehicle_class", "use")
        .agg(
            pl.col("vehicles").sum(),
            pl.col("energy_gj").sum(),
            (pl.col("co2_t").sum() + pl.col("co2_electricity_t").sum()).alias("co2_t"),
        )
        .sort("co2_t", descending=True)
    )
    return {
        "year": year,
        "road_run_id": run_id,
        "inventory_run_id": latest_run_id(session, year),
        "sectors": sectors,
        "outside": outside_rows.to_dicts(),
        "fuel_sales": _fuel_sales(session, year, catalog, bu),
    }


def _by_carrier(fleet_rows: pl.DataFrame, rep: pl.DataFrame) -> list[dict[str, Any]]:
    b = (
        fleet_rows.filter(pl.col("carrier").is_not_null())
        .group_by("carrier")
        .agg(pl.col("energy_gj").sum().alias("bottom_up_gj"))
    )
    r = (
        rep.filter(pl.col("carrier").is_not_null())
        .group_by("carrier")
        .agg(pl.col("energy_gj").sum().alias("reported_gj"))
    )
    both = b.join(r, on="carrier", how="full", coalesce=True).with_columns(
        pl.col("bottom_up_gj").fill_null(0.0), pl.col("reported_gj").fill_null(0.0)
    )
    return (
        both.with_columns((pl.col("bottom_up_gj") - pl.col("reported_gj")).alias("gap_gj")).sort("carrier").to_dicts()
    )


def _fuel_sales(session: Session, year: int, catalog: ReportCatalog, bu: pl.DataFrame) -> list[dict[str, Any]]:
    """Fuel sold in the city against the bottom-up fuel of the whole register, per fuel [t] (natural gas sold in
    10^4 m³ converted with the density set)."""
    sales = registry.fuel_sales(session, year, catalog)
    if sales.is_empty():
        return []
    density = {
        r["fuel"]: float(r["t_per_unit"]) for r in FactorLibrary.load().default("densities").table.iter_rows(named=True)
    }
    fuel = bu.filter(pl.col("carrier").is_not_null()).group_by("carrier").agg(pl.col("fuel_t").sum())
    out = []
    for r in sales.iter_rows(named=True):
        match = fuel.filter(pl.col("carrier") == r["fuel"])
        bottom_up_t = float(match["fuel_t"].sum()) if match.height else 0.0
        sold_t = float(r["amount"]) * (1.0 if r["unit"] == "t" else 1e4 * density["natural_gas"])
        out.append(
            {
                "fuel": r["fuel"],
                "sold_t": sold_t,
                "bottom_up_t": bottom_up_t,
                "gap_t": bottom_up_t - sold_t,
                "ratio": bottom_up_t / sold_t if sold_t > 0 else None,
                "source": r["source"],
                "submission_id": r["submission_id"],
            }
        )
    return out
