"""Store the demo generator's report frames as APPROVED submissions with report rows.

The synthetic data set (:func:`transcarbon.demo.generator.generate`) carries, besides activity, the
frames the report types of ``lianyungang.reports.yaml`` collect: vehicle additions (+ year-end fleet
stock), shore power, port throughput, ridership (+ bus fleets) and milestone evidence. This module maps
them to the report types' fields and stores each (report type, organisation, period) as one approved
submission (version 1), so that evaluation reads them exactly like reviewed uploads.

They go in through the workflow in bulk (:func:`transcarbon.services.preapproved_reports.store_preapproved`,
one call per report type), uploaded and submitted by the organisations' reporters and approved by the demo
analyst (:mod:`.workflow`): the raw file is the mapped CSV, kept under the data directory like an upload.

Mapping notes (all labelled synthetic):
- vehicle categories: ``car_private`` → ``private_car``, ``car_public_service`` → ``public_service_car``,
  ``truck_heavy_short_haul`` → ``heavy_truck_short_haul``, ``truck`` → ``heavy_truck_long_haul``,
  ``vessel`` → ``coastal_vessel``, ``airport_equipment`` → ``airside_equipment``; power ``cng`` →
  ``natural_gas``. Year-end stock goes into ``in_service_count`` on the December rows of the airport
  (airside equipment) and of the container-truck fleet (category ``port_container_truck``, 0 added).
- shore power: one row per berth and month, ``ship_name`` 【示例】多船合计 (all ships), hours from an
  assumed 600 kW average connection.
- port throughput: rail + water bulk → ``bulk_rail_water_t``; sea–river TEU → ``river_sea_teu``.
- public transport: bus trips of the central city split over the bus companies by fleet; fleet size and
  new-energy fleet (bev, phev, fcev) on December rows.
- milestones: one annual submission per (indicator, department, year of the evidence date), with the date
  to the day and, for the near-zero-carbon projects, the count.
- registers, APU use and the travel survey: :mod:`.registers`.
- the vehicle register, kilometres, energy economy and road fuel sales (:mod:`.registry`): one annual submission
  each per year, from public security, the transport bureau and the development and reform commission.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from transcarbon.city.reports import load_report_types
from transcarbon.demo.fleets import NEW_ENERGY
from transcarbon.demo.generator import DemoData
from transcarbon.demo.registers import register_frames
from transcarbon.demo.registry import REPORTER, annual_km_rows, energy_economy_rows, fuel_sales_rows, vehicle_registry
from transcarbon.demo.seasons import YEARS
from transcarbon.demo.sectors import rail_aviation_other, road_freight, road_passenger
from transcarbon.demo.workflow import demo_handling
from transcarbon.services.preapproved_reports import store_preapproved

CATEGORY_MAP = {
    "bus": "bus",
    "taxi": "taxi",
    "car_private": "private_car",
    "car_public_service": "public_service_car",
    "truck_heavy_short_haul": "heavy_truck_short_haul",
    "truck": "heavy_truck_long_haul",
    "vessel": "coastal_vessel",
    "airport_equipment": "airside_equipment",
}
POWER_MAP = {"cng": "natural_gas"}
SHORE_POWER_AVG_KW = 600.0
PASSENGERS_PER_BUS_TRIP = 50.0
DEMO_LABEL = "示例数据（合成） / synthetic demo data"


def _years() -> list[int]:
    return [int(y) for y in YEARS]


def vehicle_additions_rows(data: DemoData) -> pl.DataFrame:
    """Report rows of ``vehicle_additions`` (org_id, period + the report's fields)."""
    add = (
        data.vehicle_additions.with_columns(
            pl.col("category").replace_strict(CATEGORY_MAP), pl.col("power_type").replace(POWER_MAP)
        )
        .group_by("org_id", "period", "category", "power_type")
        .agg(pl.col("count").sum().alias("added_count"))
    )
    stock = data.fleet_stock.with_columns(pl.col("power_type").replace(POWER_MAP))
    in_service = pl.concat(
        [
            stock.filter(pl.col("category") == "airport_equipment").with_columns(
                org_id=pl.lit(rail_aviation_other.AIRPORT_EQUIPMENT.org_id), category=pl.lit("airside_equipment")
            ),
            stock.filter(pl.col("category") == "truck_container_port").with_columns(
                org_id=pl.lit(road_freight.TRUCK_FLEETS[0].fleet.org_id), category=pl.lit("port_container_truck")
            ),
        ]
    ).select(
        "org_id",
        (pl.col("year").cast(pl.String) + "-12").alias("period"),
        "category",
        "power_type",
        pl.col("count").alias("in_service_count"),
    )
    rows = add.join(in_service, on=["org_id", "period", "category", "power_type"], how="full", coalesce=True)
    return rows.select(
        "org_id",
        "period",
        "category",
        "power_type",
        pl.col("added_count").fill_null(0).cast(pl.Int64),
        pl.col("in_service_count").cast(pl.Int64),
    ).sort("org_id", "period", "category", "power_type")


def shore_power_rows(data: DemoData) -> pl.DataFrame:
    sp = data.shore_power
    return sp.select(
        "org_id",
        "period",
        "berth_id",
        pl.lit("lianyungang").alias("port_area"),
        pl.lit("【示例】多船合计").alias("ship_name"),
        pl.lit(None, pl.String).alias("ship_mmsi"),
        pl.lit("other").alias("ship_type"),
        pl.lit(None, pl.Float64).alias("ship_gt"),
        pl.col("ship_calls_connected").alias("connections"),
        (pl.col("kwh") / SHORE_POWER_AVG_KW).round(1).alias("connected_hours"),
        "kwh",
    ).sort("org_id", "period", "berth_id")


def port_throughput_rows(data: DemoData) -> pl.DataFrame:
    pt = data.port_throughput
    return pt.select(
        "org_id",
        "period",
        "port_area",
        "cargo_t",
        pl.col("containers_teu").cast(pl.Float64).alias("container_teu"),
        pl.col("sea_rail_teu").cast(pl.Float64),
        pl.col("sea_river_teu").cast(pl.Float64).alias("river_sea_teu"),
        (pl.col("bulk_by_rail_t") + pl.col("bulk_by_water_t")).alias("bulk_rail_water_t"),
        pl.col("bulk_cargo_t").alias("bulk_total_t"),
    ).sort("org_id", "period", "port_area")


def public_transport_rows(data: DemoData) -> pl.DataFrame:
    """Bus ridership split over the bus companies by fleet size; fleets at year end on December rows."""
    years = _years()
    fleet_rows = []
    for fleet in road_passenger.BUS_FLEETS:
        stock = fleet.stock()
        for y, year in enumerate(years):
            total = int(sum(int(v[y + 1]) for v in stock.values()))
            ne = int(sum(int(v[y + 1]) for p, v in stock.items() if p in NEW_ENERGY))
            fleet_rows.append((fleet.org_id, year, total, ne))
    fleets = pl.DataFrame(
        fleet_rows,
        schema={"org_id": pl.String, "year": pl.Int64, "fleet_size": pl.Int64, "new_energy_fleet": pl.Int64},
        orient="row",
    )
    trips = (
        data.ridership.filter(pl.col("mode") == "bus")
        .group_by("period")
        .agg(pl.col("trips").sum())
        .with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))
    )
    rows = trips.join(fleets, on="year").with_columns(
        share=pl.col("fleet_size") / pl.col("fleet_size").sum().over("period")
    )
    rows = rows.with_columns(passengers=(pl.col("trips") * pl.col("share")).round(0).cast(pl.Int64))
    december = pl.col("period").str.ends_with("-12")
    return rows.select(
        "org_id",
        "period",
        pl.lit("urban_bus").alias("mode"),
        "passengers",
        (pl.col("passengers") / PASSENGERS_PER_BUS_TRIP).ceil().cast(pl.Int64).alias("vehicle_trips"),
        pl.lit(None, pl.Float64).alias("vehicle_km"),
        pl.when(december).then(pl.col("fleet_size")).alias("fleet_size"),
        pl.when(december).then(pl.col("new_energy_fleet")).alias("new_energy_fleet"),
    ).sort("org_id", "period")


def milestone_rows(data: DemoData) -> pl.DataFrame:
    m = data.milestones
    return m.select(
        "org_id",
        pl.col("date").str.slice(0, 4).alias("period"),
        pl.col("indicator_id").alias("milestone_id"),
        "status",
        pl.col("count").cast(pl.Int64),
        pl.col("date").alias("evidence_date"),
        (pl.col("evidence_zh") + "（" + pl.col("date") + "）").alias("evidence_text"),
        pl.lit(None, pl.String).alias("attachments"),
    ).sort("org_id", "period", "milestone_id")


def report_frames(data: DemoData) -> dict[str, pl.DataFrame]:
    """The demo's rows per report type (``org_id``, ``period`` and the report's fields)."""
    return {
        "vehicle_additions": vehicle_additions_rows(data),
        "shore_power": shore_power_rows(data),
        "port_throughput": port_throughput_rows(data),
        "public_transport": public_transport_rows(data),
        "milestone_evidence": milestone_rows(data),
        **register_frames(data),
        "vehicle_registry": vehicle_registry().with_columns(pl.lit(REPORTER).alias("org_id")),
        "vehicle_annual_km": annual_km_rows(),
        "vehicle_energy_economy": energy_economy_rows(),
        "road_fuel_sales": fuel_sales_rows(),
    }


def load_demo_reports(
    session: Session,
    frames: dict[str, pl.DataFrame],
    actor: str,
    *,
    data_dir: Path | None = None,
    city: str = "lianyungang",
) -> dict[str, dict[str, int]]:
    """File the demo's report frames (report type → rows, :func:`report_frames`; the activity as
    ``energy_activity``) through the workflow as approved submissions (caller's transaction).

    Needs the demo organisations (``build_demo`` loads them first). ``data_dir``: where the raw CSV of
    each report type is kept (as uploads are); None keeps only its hash and row. Returns counts per type.
    """
    catalog = load_report_types(city)
    out = {}
    for report_type, frame in frames.items():
        rt = catalog.get(report_type)
        out[report_type] = store_preapproved(
            session,
            rt,
            frame,
            actor=actor,
            data_dir=data_dir,
            file_name=f"demo_{report_type}.csv",
            comment=DEMO_LABEL,
            details={"synthetic": True},
            handling=demo_handling(session, rt),
            batch_kind="demo",
        )
    return out
