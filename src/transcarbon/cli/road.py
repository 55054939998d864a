"""``transcarbon road``: road-transport emissions — trajectories and bus schedules (files in, results out), the
bottom-up inventory of the registered fleet, its reconciliation with reported fuel, and the official figure.

transcarbon road trajectories --points FILE|DIR --vehicles FILE [--out DIR] [--json] [--store] [--engine polars|spark]
    [--spark-master URL]
transcarbon road partition --points FILE --out DIR [--bucket-rows N]
transcarbon road gtfs --feed DIR|ZIP --fleet FILE [--service-id ID] [--out DIR] [--json] [--store]
transcarbon road inventory --year YEAR [--json]
transcarbon road reconcile --year YEAR [--json]
transcarbon road official --sector SECTOR --year YEAR --figure reported|bottom_up [--note TEXT]
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich import box
from rich.table import Table

from transcarbon.cli import common
from transcarbon.i18n import both, sector_name, t
from transcarbon.i18n.numbers import format_number, format_percent
from transcarbon.i18n.road import gap_explanation, road_name
from transcarbon.settings import get_settings

_HELP = {
    "points": "轨迹点 CSV、Parquet 或分区目录（vehicle_id, timestamp, lon, lat, speed_kmh 可选） / points: CSV, "
    "Parquet or a partitioned layout folder",
    "partition_out": "分区目录（新建或空文件夹） / folder of the partitioned layout (new or empty)",
    "vehicles": "车辆 CSV（COPERT 命名：category, fuel, segment, euro_standard, technology） / vehicles CSV",
    "out": "输出 Parquet/JSON 的文件夹 / folder for the Parquet/JSON outputs",
    "json": "以 JSON 输出结果 / print the result as JSON on stdout",
    "store": "存入数据库，带追溯 / store the run with lineage",
    "grid_region": "电网因子区域（纯电动、插电） / grid-factor region for electricity",
    "grid_year": "电网因子年份（默认今年） / grid-factor year (default: this year)",
    "feed": "GTFS 文件夹或 zip / GTFS folder or zip",
    "fleet": "线路车型分配 CSV（route_id, share + 车辆列） / fleet per route CSV",
    "service_id": "只计算该 service_id 的班次 / only the trips of this service_id",
    "year": "年份 / year",
}


def _check_out(out: Path | None) -> None:
    if out is not None and out.exists() and not out.is_dir():
        raise common.fail("cli.road.out_not_dir", 2, path=str(out))


def _write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def trajectories(
    points: Annotated[str, typer.Option("--points", help=_HELP["points"])],
    vehicles: Annotated[Path, typer.Option("--vehicles", help=_HELP["vehicles"])],
    out: Annotated[Path | None, typer.Option("--out", help=_HELP["out"])] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_HELP["json"])] = False,
    store: Annotated[bool, typer.Option("--store", help=_HELP["store"])] = False,
    grid_region: Annotated[str, typer.Option("--grid-region", help=_HELP["grid_region"])] = "CN-JS",
    grid_year: Annotated[int | None, typer.Option("--grid-year", help=_HELP["grid_year"])] = None,
    engine: Annotated[str, typer.Option("--engine", help=common.ENGINE_HELP)] = "polars",
    spark_master: Annotated[str | None, typer.Option("--spark-master", help=common.SPARK_MASTER_HELP)] = None,
) -> None:
    """轨迹排放（COPERT 第三层级）：按车辆×日、H3 网格、小时 / Trajectory emissions per vehicle × day, cell, hour."""
    from transcarbon.services.big_data import EngineUnavailable
    from transcarbon.services.factor_sets import FactorUnavailable
    from transcarbon.services.road.tracks import RoadFilesRefused, compute_trajectories, record_trajectory_run

    chosen = common.check_engine(engine)
    _check_out(out)
    with ExitStack() as stack:
        database = stack.enter_context(common.open_database()) if store else None
        try:
            with common.progress() as progress:
                progress.add_task("trajectories", total=None)
                result, grid = compute_trajectories(
                    common.input_location(points),
                    vehicles,
                    grid_region=grid_region,
                    grid_year=grid_year,
                    engine=chosen,
                    spark_master=spark_master,
                )
        except RoadFilesRefused as exc:
            raise common.fail_with([str(exc)], 1) from exc
        except EngineUnavailable as exc:
            raise common.fail_with([str(exc)], 2) from exc
        except FactorUnavailable as exc:
            raise common.fail("cli.road.factor", 2, detail=str(exc)) from exc
        if out:
            out.mkdir(parents=True, exist_ok=True)
            result.vehicle_day.write_parquet(out / "vehicle_day.parquet")
            result.cells.write_parquet(out / "cells.parquet")
            result.hours.write_parquet(out / "hours.parquet")
            result.quality.write_parquet(out / "quality.parquet")
            _write_json(out / "summary.json", result.summary)
            _write_json(out / "lineage.json", result.lineage)
        if database is not None:
            with database.transaction() as session:
                run = record_trajectory_run(
                    session, result, grid, {"points": Path(points), "vehicles": vehicles}, actor=get_settings().actor
                )
            common.say(common.err, "cli.road.stored_reused" if run.reused else "cli.road.stored", run=run.run_id)
    if as_json:
        common.print_json({"total": result.summary["total"], "by_vehicle": result.summary["by_vehicle"]}, indent=None)
    else:
        by_vehicle: dict[str, Any] = result.summary["by_vehicle"]  # type: ignore[assignment]
        _print_totals(both("cli.road.trajectories_title"), result.summary["total"], len(by_vehicle))  # type: ignore[arg-type]


def gtfs(
    feed: Annotated[Path, typer.Option("--feed", help=_HELP["feed"])],
    fleet: Annotated[Path, typer.Option("--fleet", help=_HELP["fleet"])],
    service_id: Annotated[str | None, typer.Option("--service-id", help=_HELP["service_id"])] = None,
    out: Annotated[Path | None, typer.Option("--out", help=_HELP["out"])] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_HELP["json"])] = False,
    store: Annotated[bool, typer.Option("--store", help=_HELP["store"])] = False,
    grid_region: Annotated[str, typer.Option("--grid-region", help=_HELP["grid_region"])] = "CN-JS",
    grid_year: Annotated[int | None, typer.Option("--grid-year", help=_HELP["grid_year"])] = None,
) -> None:
    """公交时刻表（GTFS）排放：按线路、路段、小时 / Bus emissions from a GTFS schedule per route, segment, hour."""
    from transcarbon.services.factor_sets import FactorUnavailable
    from transcarbon.services.road.tracks import RoadFilesRefused, compute_gtfs, record_gtfs_run

    _check_out(out)
    with ExitStack() as stack:
        database = stack.enter_context(common.open_database()) if store else None
        try:
            result, grid = compute_gtfs(
                feed, fleet, service_id=service_id, grid_region=grid_region, grid_year=grid_year
            )
        except RoadFilesRefused as exc:
            raise common.fail_with([str(exc)], 1) from exc
        except FactorUnavailable as exc:
            raise common.fail("cli.road.factor", 2, detail=str(exc)) from exc
        if out:
            out.mkdir(parents=True, exist_ok=True)
            for name in ("routes", "segments", "hours", "route_hours"):
                frame: pl.DataFrame = getattr(result, name)
                frame.write_parquet(out / f"{name}.parquet")
            _write_json(out / "summary.json", result.summary)
            _write_json(out / "lineage.json", result.lineage)
        if database is not None:
            with database.transaction() as session:
                run = record_gtfs_run(session, result, grid, {"feed": feed, "fleet": fleet}, actor=get_settings().actor)
            common.say(common.err, "cli.road.stored_reused" if run.reused else "cli.road.stored", run=run.run_id)
    if as_json:
        common.print_json({"total": result.summary["total"], "by_route": result.summary["by_route"]}, indent=None)
    else:
        _print_totals(both("cli.road.gtfs_title"), result.summary["total"], int(str(result.summary["trips"])))  # type: ignore[arg-type]


_COLUMNS = ("distance_km", "hours", "energy_mj", "fuel_kg", "co2_t", "nox_kg", "pm10_kg", "co_kg", "voc_kg")


def _print_totals(title: str, total: dict[str, float | None], count: int) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    table.add_column(f"{t('cli.road.col.measure', 'zh')}\n{t('cli.road.col.measure', 'en')}")
    table.add_column(f"{t('cli.road.col.total', 'zh')}\n{t('cli.road.col.total', 'en')}", justify="right")
    for c in _COLUMNS:
        table.add_row(c, "—" if total[c] is None else format_number(total[c], 3))
    common.say(common.out, "cli.road.count", count=count)
    common.out.print(table)
    common.say(common.out, "cli.road.more")


def _city() -> tuple[Any, Any]:
    from transcarbon.city.config import load_city
    from transcarbon.city.reports import load_report_types

    settings = get_settings()
    return load_city(settings.city), load_report_types(settings.city)


def inventory(
    year: Annotated[int, typer.Option("--year", help=_HELP["year"])],
    as_json: Annotated[bool, typer.Option("--json", help=_HELP["json"])] = False,
) -> None:
    """自下而上道路清单（登记车辆×里程×排放因子），存入数据库 / Bottom-up road inventory of a year, stored."""
    from transcarbon.services.road.inventory import run_road_inventory
    from transcarbon.services.road.registry import RegistryMissing

    city, catalog = _city()
    with common.open_database() as database:
        try:
            with database.transaction() as session:
                run = run_road_inventory(session, year, city, catalog, actor=get_settings().actor)
        except RegistryMissing as exc:
            raise common.fail("road.no_register", 2, year=year) from exc
    if as_json:
        common.print_json({"run_id": run.run_id, "reused": run.reused, "year": year, "total": run.totals}, indent=None)
        return
    common.say(common.err, "cli.road.stored_reused" if run.reused else "cli.road.stored", run=run.run_id)
    table = Table(title=both("cli.road.inventory_title", year=year), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(f"{t('cli.road.col.measure', 'zh')}\n{t('cli.road.col.measure', 'en')}")
    table.add_column(f"{t('cli.road.col.total', 'zh')}\n{t('cli.road.col.total', 'en')}", justify="right")
    for c in ("vehicles", "vkt_km", "energy_gj", "co2_t", "co2_electricity_t", "nox_kg", "pm25_kg", "co_kg", "hc_kg"):
        table.add_row(c, format_number(run.totals.get(c), 0))
    common.out.print(table)


def reconcile(
    year: Annotated[int, typer.Option("--year", help=_HELP["year"])],
    as_json: Annotated[bool, typer.Option("--json", help=_HELP["json"])] = False,
) -> None:
    """自下而上与企业报送燃料核对（按车队），及燃料销售量 / Bottom-up against reported fuel per fleet, fuel sales."""
    from transcarbon.services.road.reconciliation import reconciliation

    city, catalog = _city()
    with common.open_database() as database, database.transaction() as session:
        rec = reconciliation(session, year, city, catalog)
    if rec is None:
        raise common.fail("road.no_run", 2, year=year)
    if as_json:
        common.print_json(rec, indent=None)
        return
    table = Table(title=both("cli.road.reconcile_title", year=year), box=box.SIMPLE_HEAD, title_justify="left")
    for key in ("sector", "bottom_up", "reported", "gap", "official"):
        table.add_column(f"{t(f'cli.road.col.{key}', 'zh')}\n{t(f'cli.road.col.{key}', 'en')}")
    for s in rec["sectors"]:
        gap = s["gap_gj"] / s["bottom_up_gj"] if s["bottom_up_gj"] else None
        table.add_row(
            sector_name(s["sector"]),
            format_number(s["bottom_up_co2_t"], 0),
            format_number(s["reported_co2_t"], 0),
            format_percent(gap),
            road_name("figure", s["official"]["figure"]),
        )
    common.out.print(table)
    for s in rec["sectors"]:
        common.out.print(f"{sector_name(s['sector'])}: {gap_explanation(s, 'zh')}", markup=False, highlight=False)
        common.out.print(f"{sector_name(s['sector'], 'en')}: {gap_explanation(s, 'en')}", markup=False, highlight=False)
    common.say(common.out, "cli.road.reconcile_units")


def official(
    sector: Annotated[
        str, typer.Option("--sector", help="子行业 / sector (urban_bus, taxi, road_passenger, road_freight)")
    ],
    year: Annotated[int, typer.Option("--year", help=_HELP["year"])],
    figure: Annotated[str, typer.Option("--figure", help="reported（企业报送）或 bottom_up（自下而上） / figure")],
    note: Annotated[str, typer.Option("--note", help="理由 / why")] = "",
) -> None:
    """记录某子行业某年采用的官方口径（审计留痕） / Record the official figure of a sector and year (audited)."""
    from transcarbon.services.road.reconciliation import ChoiceRefused, choose_official

    city, _ = _city()
    with common.open_database() as database:
        try:
            with database.transaction() as session:
                choice = choose_official(session, city, sector, year, figure, actor=get_settings().actor, note=note)
        except ChoiceRefused as exc:
            raise common.fail(exc.key, 2, **exc.values) from exc
    common.say(
        common.out,
        "cli.road.official_recorded",
        sector=sector_name(sector),
        year=year,
        figure=road_name("figure", choice["figure"]),
    )


def partition(
    points: Annotated[Path, typer.Option("--points", help=_HELP["points"])],
    out: Annotated[Path, typer.Option("--out", help=_HELP["partition_out"])],
    bucket_rows: Annotated[int, typer.Option("--bucket-rows", help=common.BUCKET_ROWS_HELP)] = 1_000_000,
) -> None:
    """检查轨迹点并写成分区目录（本地日 × 车辆分桶） / Check points, write the partitioned layout (day × bucket)."""
    from transcarbon.services.road.tracks import RoadFilesRefused, partition_points

    common.write_layout(lambda: partition_points(points, out, bucket_rows), RoadFilesRefused, out, bucket_rows)


def register(root: typer.Typer) -> None:
    """Mount ``road trajectories``, ``road partition``, ``road gtfs``, ``road inventory``, ``road reconcile`` and
    ``road official``."""
    group = typer.Typer(help="道路交通排放 / road-transport emissions", no_args_is_help=True)
    group.command("trajectories")(trajectories)
    group.command("partition")(partition)
    group.command("gtfs")(gtfs)
    group.command("inventory")(inventory)
    group.command("reconcile")(reconcile)
    group.command("official")(official)
    root.add_typer(group, name="road")
