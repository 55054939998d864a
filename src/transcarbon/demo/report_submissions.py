"""Store the demo generator's report frames as APPROVED submissions with report rows.

The synthetic data set (:func:`transcarbon.demo.generator.generate`) carries, besides activity, the
frames the report types of ``lianyungang.reports.yaml`` collect: vehicle additions (+ year-end fleet
stock), shore power, port throughput, ridership (+ bus fleets) and milestone evidence. This module maps
them to the report types' fields and stores each (report type, organisation, period) as one approved
submission (version 1), so that evaluation reads them exactly like reviewed uploads.

DIRECT ORM WRITE (marked): the data-collection services (``services/submissions.py``) take uploads
one file at a time through the workflow (upload → submit → approve, each with its checks and audit);
they have no bulk "load approved demo data" entry point. :func:`_store_approved` therefore writes
``UploadedFile``/``Submission``/``ReportRow`` rows directly, in the caller's transaction, with the same
row and content hashes as the upload path, one raw file (the mapped CSV) per report type, and one audit
entry per report type. Replace it with the colleagues' service once one exists.

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
- milestones: one annual submission per (indicator, department, year of the evidence date).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import insert
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog, load_report_types
from transcarbon.demo.fleets import NEW_ENERGY
from transcarbon.demo.generator import DemoData
from transcarbon.demo.seasons import YEARS
from transcarbon.demo.sectors import rail_aviation_other, road_freight, road_passenger
from transcarbon.services import audit, filestore
from transcarbon.store.models import ReportRow, Submission, UploadedFile

CATEGORY_MAP = {"bus": "bus", "taxi": "taxi", "car_private": "private_car", "car_public_service": "public_service_car",
                "truck_heavy_short_haul": "heavy_truck_short_haul", "truck": "heavy_truck_long_haul",
                "vessel": "coastal_vessel", "airport_equipment": "airside_equipment"}
POWER_MAP = {"cng": "natural_gas"}
SHORE_POWER_AVG_KW = 600.0
PASSENGERS_PER_BUS_TRIP = 50.0
DEMO_FILE_LABEL = "demo"


def _years() -> list[int]:
    return [int(y) for y in YEARS]


def vehicle_additions_rows(data: DemoData) -> pl.DataFrame:
    """Report rows of ``vehicle_additions`` (org_id, period + the report's fields)."""
    add = (data.vehicle_additions
           .with_columns(pl.col("category").replace_strict(CATEGORY_MAP),
                         pl.col("power_type").replace(POWER_MAP))
           .group_by("org_id", "period", "category", "power_type").agg(pl.col("count").sum().alias("added_count")))
    stock = data.fleet_stock.with_columns(pl.col("power_type").replace(POWER_MAP))
    in_service = pl.concat([
        stock.filter(pl.col("category") == "airport_equipment").with_columns(
            org_id=pl.lit(rail_aviation_other.AIRPORT_EQUIPMENT.org_id), category=pl.lit("airside_equipment")),
        stock.filter(pl.col("category") == "truck_container_port").with_columns(
            org_id=pl.lit(road_freight.TRUCK_FLEETS[0].fleet.org_id), category=pl.lit("port_container_truck")),
    ]).select("org_id", (pl.col("year").cast(pl.String) + "-12").alias("period"), "category", "power_type",
              pl.col("count").alias("in_service_count"))
    rows = add.join(in_service, on=["org_id", "period", "category", "power_type"], how="full", coalesce=True)
    return rows.select(
        "org_id", "period", "category", "power_type",
        pl.col("added_count").fill_null(0).cast(pl.Int64), pl.col("in_service_count").cast(pl.Int64),
    ).sort("org_id", "period", "category", "power_type")


def shore_power_rows(data: DemoData) -> pl.DataFrame:
    sp = data.shore_power
    return sp.select(
        "org_id", "period", "berth_id", pl.lit("lianyungang").alias("port_area"),
        pl.lit("【示例】多船合计").alias("ship_name"), pl.lit(None, pl.String).alias("ship_mmsi"),
        pl.lit("other").alias("ship_type"), pl.lit(None, pl.Float64).alias("ship_gt"),
        pl.col("ship_calls_connected").alias("connections"),
        (pl.col("kwh") / SHORE_POWER_AVG_KW).round(1).alias("connected_hours"), "kwh",
    ).sort("org_id", "period", "berth_id")


def port_throughput_rows(data: DemoData) -> pl.DataFrame:
    pt = data.port_throughput
    return pt.select(
        "org_id", "period", "port_area", "cargo_t", pl.col("containers_teu").cast(pl.Float64).alias("container_teu"),
        pl.col("sea_rail_teu").cast(pl.Float64), pl.col("sea_river_teu").cast(pl.Float64).alias("river_sea_teu"),
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
    fleets = pl.DataFrame(fleet_rows, schema={"org_id": pl.String, "year": pl.Int64, "fleet_size": pl.Int64,
                                              "new_energy_fleet": pl.Int64}, orient="row")
    trips = (data.ridership.filter(pl.col("mode") == "bus").group_by("period").agg(pl.col("trips").sum())
             .with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64)))
    rows = trips.join(fleets, on="year").with_columns(
        share=pl.col("fleet_size") / pl.col("fleet_size").sum().over("period"))
    rows = rows.with_columns(passengers=(pl.col("trips") * pl.col("share")).round(0).cast(pl.Int64))
    december = pl.col("period").str.ends_with("-12")
    return rows.select(
        "org_id", "period", pl.lit("urban_bus").alias("mode"), "passengers",
        (pl.col("passengers") / PASSENGERS_PER_BUS_TRIP).ceil().cast(pl.Int64).alias("vehicle_trips"),
        pl.lit(None, pl.Float64).alias("vehicle_km"),
        pl.when(december).then(pl.col("fleet_size")).alias("fleet_size"),
        pl.when(december).then(pl.col("new_energy_fleet")).alias("new_energy_fleet"),
    ).sort("org_id", "period")


def milestone_rows(data: DemoData) -> pl.DataFrame:
    m = data.milestones
    return m.select(
        "org_id", pl.col("date").str.slice(0, 4).alias("period"), pl.col("indicator_id").alias("milestone_id"),
        "status", pl.lit(None, pl.Int64).alias("count"),
        (pl.col("evidence_zh") + " / " + pl.col("evidence_en") + "（" + pl.col("date") + "）").alias("evidence_text"),
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
    }


def _row_hashes(frame: pl.DataFrame, columns: tuple[str, ...]) -> list[str]:
    """SHA-256 of each row's canonical JSON (the upload path's row hash)."""
    encoded = frame.select(pl.struct(list(columns)).struct.json_encode().alias("j"))["j"].to_list()
    return [hashlib.sha256(j.encode("utf-8")).hexdigest() for j in encoded]


def _store_approved(session: Session, catalog: ReportCatalog, report_type: str, frame: pl.DataFrame, *,
                    actor: str, data_dir: Path | None) -> dict[str, int]:
    """DIRECT ORM WRITE (see the module docstring): one approved submission per (org, period)."""
    rt = catalog.get(report_type)
    columns = rt.columns
    frame = frame.with_columns(pl.lit(None).alias(c) for c in columns if c not in frame.columns)
    body = frame.select(list(columns))
    csv_bytes = frame.select("org_id", "period", *columns).write_csv(null_value="").encode("utf-8")
    file_name = f"demo_{report_type}.csv"
    if data_dir is not None:
        digest, rel = filestore.write_bytes(data_dir, csv_bytes)
    else:
        digest, rel = filestore.sha256(csv_bytes), filestore.relative_path(filestore.sha256(csv_bytes))
    if session.get(UploadedFile, digest) is None:
        session.add(UploadedFile(sha256=digest, size_bytes=len(csv_bytes), media_type="text/csv",
                                 first_name=file_name, path=rel, uploaded_by=actor))
        session.flush()
    hashes = _row_hashes(body, columns)
    keyed = frame.select("org_id", "period").with_columns(
        row_hash=pl.Series(hashes, dtype=pl.String),
        row_number=(pl.int_range(pl.len()).over("org_id", "period") + 2).cast(pl.Int64))  # sheet row (header = 1)
    slots = (keyed.group_by("org_id", "period", maintain_order=True)
             .agg(pl.col("row_hash"), pl.len().alias("row_count")))
    now = datetime.now(UTC)
    sub_rows = [{
        "report_type": rt.id, "org_id": org, "period": period, "version": 1, "state": "approved",
        "file_sha256": digest, "file_name": file_name, "row_count": int(n),
        "content_hash": hashlib.sha256("".join(rh).encode("ascii")).hexdigest(), "warnings": [],
        "comment": "示例数据（合成） / synthetic demo data", "created_by": actor, "created_at": now,
        "submitted_by": actor, "submitted_at": now, "decided_by": actor, "decided_at": now, "lock_version": 3,
    } for org, period, rh, n in slots.iter_rows()]
    ids = session.execute(insert(Submission).returning(Submission.id, Submission.org_id, Submission.period,
                                                       sort_by_parameter_order=True), sub_rows).all()
    id_frame = pl.DataFrame([(i, o, p) for i, o, p in ids], schema={"submission_id": pl.Int64, "org_id": pl.String,
                                                                    "period": pl.String}, orient="row")
    linked = keyed.join(id_frame, on=["org_id", "period"], how="left", maintain_order="left")
    report_rows = [{"submission_id": sid, "row_number": rn, "data": d, "row_hash": h}
                   for sid, rn, h, d in zip(linked["submission_id"].to_list(), linked["row_number"].to_list(),
                                            linked["row_hash"].to_list(), body.to_dicts(), strict=True)]
    if report_rows:
        session.execute(insert(ReportRow), report_rows)
    audit.append(session, actor=actor, action="demo_reports.load", object_type="report_type", object_id=rt.id,
                 after={"file_sha256": digest, "submissions": len(sub_rows), "rows": len(report_rows)},
                 details={"synthetic": True, "state": "approved", "direct_orm_write": True})
    return {"submissions": len(sub_rows), "rows": len(report_rows)}


def load_demo_reports(session: Session, data: DemoData, actor: str, *, data_dir: Path | None = None,
                      city: str = "lianyungang") -> dict[str, dict[str, int]]:
    """Store the demo's report frames as approved submissions + report rows (caller's transaction).

    Needs the demo organisations (``build_demo`` loads them first). ``data_dir``: where the raw CSV of
    each report type is kept (as uploads are); None keeps only its hash and row. Returns counts per type.
    """
    catalog = load_report_types(city)
    out: dict[str, dict[str, int]] = {}
    for report_type, frame in report_frames(data).items():
        out[report_type] = _store_approved(session, catalog, report_type, frame, actor=actor, data_dir=data_dir)
    return out

