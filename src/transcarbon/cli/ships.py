"""``transcarbon ships inventory``: the ship emission inventory from AIS (IMO4 method, EPA option, shore power).

transcarbon ships inventory --ais FILE|DIR --ships FILE [--zones FILE] [--shore-power FILE] [--out DIR] --json
    [--engine polars|spark] [--spark-master URL]
transcarbon ships partition --ais FILE --out DIR [--bucket-rows N]
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from transcarbon.cli import common
from transcarbon.i18n import both, t
from transcarbon.services.factor_sets import FactorUnavailable, region_codes
from transcarbon.settings import get_settings

# option help, Chinese first (kept here so that the signatures stay readable)
_HELP = {
    "method": "方法：imo4（默认）或 epa / method: imo4 (default) or epa",
    "json": "以 JSON 输出汇总 / print the summary as JSON on stdout",
    "shore_power": "岸电使用记录 CSV / shore-power sessions CSV",
    "ais": "AIS 位置（CSV、Parquet、NMEA !AIVDM 文本或分区目录） / AIS positions: CSV, Parquet, NMEA !AIVDM or a "
    "partitioned layout folder",
    "partition_out": "分区目录（新建或空文件夹） / folder of the partitioned layout (new or empty)",
    "zones": "区域 GeoJSON（泊位/锚地/港区/排放控制区；默认用城市配置的港区区域） / zones GeoJSON "
    "(berth/anchorage/port_area/eca; default: the city's zones)",
    "out": "输出 Parquet/JSON 的文件夹 / folder for the Parquet/JSON outputs",
    "grid_region": "岸电电网因子区域 / grid-factor region for shore kWh",
    "grid_year": "电网因子年份（默认数据年份） / grid-factor year (default: data year)",
    "boilers": "岸电同时替代锅炉 / shore power also replaces boilers",
    "gap_limit": "最长插值间隔（小时），更长的剔除 / longest gap interpolated [h]; longer gaps are excluded",
    "intervals": "另写逐区间 Parquet 到 --out / also write per-interval Parquet to --out",
}


def inventory(
    ais: Annotated[str, typer.Option("--ais", help=_HELP["ais"])],
    ships: Annotated[Path, typer.Option("--ships", help="船舶登记表 CSV / ship registry CSV")],
    zones: Annotated[Path | None, typer.Option("--zones", help=_HELP["zones"])] = None,
    shore_power: Annotated[Path | None, typer.Option("--shore-power", help=_HELP["shore_power"])] = None,
    out: Annotated[Path | None, typer.Option("--out", help=_HELP["out"])] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_HELP["json"])] = False,
    method: Annotated[str, typer.Option("--method", help=_HELP["method"])] = "imo4",
    grid_region: Annotated[str, typer.Option("--grid-region", help=_HELP["grid_region"])] = "CN-JS",
    grid_year: Annotated[int | None, typer.Option("--grid-year", help=_HELP["grid_year"])] = None,
    boilers_on_shore_power: Annotated[bool, typer.Option("--boilers-on-shore-power", help=_HELP["boilers"])] = False,
    gap_limit_h: Annotated[float, typer.Option("--gap-limit-h", help=_HELP["gap_limit"])] = 2.0,
    intervals: Annotated[bool, typer.Option("--intervals", help=_HELP["intervals"])] = False,
    store: Annotated[bool, typer.Option("--store", help="存入数据库，带追溯 / store the run with lineage")] = False,
    engine: Annotated[str, typer.Option("--engine", help=common.ENGINE_HELP)] = "polars",
    spark_master: Annotated[str | None, typer.Option("--spark-master", help=common.SPARK_MASTER_HELP)] = None,
) -> None:
    """计算船舶排放清单：合计、分工况、岸电 / Compute the inventory: totals, by mode, shore power."""
    from transcarbon.services.big_data import EngineUnavailable
    from transcarbon.services.ship_runs import (
        ShipFilesRefused,
        compute_ship_inventory,
        record_ship_run,
        zones_or_default,
    )

    chosen = common.check_engine(engine)

    if method not in ("imo4", "epa"):
        raise common.fail("cli.ships.bad_method", 2, value=method)
    regions = region_codes()
    if grid_region not in regions:
        raise common.fail("cli.ships.bad_region", 2, value=grid_region, allowed=", ".join(regions))
    if out is not None and out.exists() and not out.is_dir():
        raise common.fail("cli.ships.out_not_dir", 2, path=str(out))
    intervals_path = str(out / "intervals.parquet") if (out and intervals) else None
    if zones is None:
        zones = zones_or_default(None, get_settings().city)
        common.say(common.err, "cli.ships.default_zones", path=str(zones) if zones else "—")
    with ExitStack() as stack:
        # with --store, a database that is not ready is refused before any work
        database = stack.enter_context(common.open_database()) if store else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        try:
            with common.progress(
                TextColumn("[bold]AIS[/bold] partitions"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
            ) as progress:
                task = progress.add_task("ais", total=None)
                result = compute_ship_inventory(
                    common.input_location(ais),
                    ships,
                    zones,
                    shore_power,
                    method="epa" if method == "epa" else "imo4",
                    grid_region=grid_region,
                    grid_year=grid_year,
                    boilers_on_shore_power=boilers_on_shore_power,
                    gap_limit_h=gap_limit_h,
                    intervals_path=intervals_path,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                    engine=chosen,
                    spark_master=spark_master,
                )
        except ShipFilesRefused as exc:
            raise common.fail_with([str(exc)], 1) from exc
        except EngineUnavailable as exc:
            raise common.fail_with([str(exc)], 2) from exc
        except FactorUnavailable as exc:
            raise common.fail("cli.ships.factor", 2, detail=str(exc)) from exc
        if out:
            result.ship_day_mode.write_parquet(out / "ship_day_mode.parquet")
            result.calls.write_parquet(out / "calls.parquet")
            result.zones.write_parquet(out / "zones.parquet")
            result.grid.write_parquet(out / "grid.parquet")
            result.ships.write_parquet(out / "ships.parquet")
            (out / "summary.json").write_text(
                json.dumps(result.summary, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            (out / "lineage.json").write_text(
                json.dumps(result.lineage, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
        if database is not None:
            files = {"ais": Path(ais), "ships": ships, "zones": zones, "shore_power": shore_power}
            with database.transaction() as session:
                run = record_ship_run(session, result, files, actor=get_settings().actor)
            common.say(
                common.err, "cli.ships.stored_reused" if run.reused else "cli.ships_stored", run=run.run_id, reused=""
            )
    if as_json:
        common.print_json(result.summary, indent=None)
    else:
        _print_summary(result.summary, method)


_MODES = ("berth", "anchorage", "manoeuvring", "slow_cruise", "cruise")
_COLUMNS = (
    ("fuel_t", "cli.ships.col.fuel"),
    ("co2_t", "CO2 t"),
    ("nox_t", "NOx t"),
    ("sox_t", "SOx t"),
    ("pm25_t", "PM2.5 t"),
)


def _print_summary(s: dict[str, object], method: str) -> None:
    """The summary as people read it: counts, a table by operating mode, shore power (all of it in --json)."""
    console = common.out

    def num(x: object, digits: int = 1) -> str:
        return f"{float(str(x)):,.{digits}f}"

    table = Table(
        title=both("cli.ships.title", method=method.upper()), box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left"
    )
    table.add_column(f"{t('cli.ships.col.mode', 'zh')}\n{t('cli.ships.col.mode', 'en')}", no_wrap=True)
    for _, key in _COLUMNS:
        label = f"{t(key, 'zh')}\n{t(key, 'en')}" if key.startswith("cli.") else key
        table.add_column(label, justify="right", no_wrap=True)
    by_mode: dict[str, dict[str, float]] = s["by_mode"]  # type: ignore[assignment]
    total: dict[str, float] = s["total"]  # type: ignore[assignment]
    for mode in _MODES:
        m = by_mode.get(mode)
        if m is not None:
            table.add_row(f"{t('cli.ships.mode.' + mode, 'zh')} {mode}", *[num(m[c]) for c, _ in _COLUMNS])
    table.add_row("合计 total", *[num(total[c]) for c, _ in _COLUMNS], style="bold")
    common.say(
        console,
        "cli.ships.counts",
        ships=s["ships"],
        positions=f"{int(str(s['positions'])):,}",
        interpolated_h=num(s["interpolated_h"]),
        excluded_h=num(s["excluded_h"]),
    )
    console.print(table)
    sp: dict[str, float] = s["shore_power"]  # type: ignore[assignment]
    common.say(
        console,
        "cli.ships.shore",
        kwh=num(sp["kwh"], 0),
        connected_h=num(sp["connected_h"]),
        gross=num(sp["avoided_co2_gross_t"]),
        grid=num(sp["grid_co2_t"]),
        net=num(sp["avoided_co2_net_t"]),
        calls=sp["calls_over_3h_not_connected"],
    )
    common.say(console, "cli.ships.more")


def partition(
    ais: Annotated[Path, typer.Option("--ais", help=_HELP["ais"])],
    out: Annotated[Path, typer.Option("--out", help=_HELP["partition_out"])],
    bucket_rows: Annotated[int, typer.Option("--bucket-rows", help=common.BUCKET_ROWS_HELP)] = 1_000_000,
) -> None:
    """把 AIS 写成分区目录（日 × MMSI 分桶） / Write AIS into the partitioned layout (day × MMSI bucket)."""
    from transcarbon.services.ship_runs import ShipFilesRefused, partition_ais

    common.write_layout(lambda: partition_ais(ais, out, bucket_rows), ShipFilesRefused, out, bucket_rows)


def supervise(
    run: Annotated[
        int | None, typer.Option("--run", help="船舶计算批次（默认最新） / ship run (default: newest)")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="列出全部靠泊 / list every stay, not only warnings")] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_HELP["json"])] = False,
) -> None:
    """岸电使用监管：超时未接岸电的靠泊 / shore-power supervision: stays over the time without shore power."""
    from transcarbon.city.config import load_city
    from transcarbon.i18n.ships import local_time
    from transcarbon.services.shore_power import supervision

    with common.open_database() as database, database.transaction() as session:
        out = supervision(session, load_city(get_settings().city), run)
    stays = [r for r in out["stays"] if show_all or r["warning"]]
    if as_json:
        common.print_json({**out, "stays": stays})
        return
    if out["run_id"] is None:
        common.say(common.out, "cli.ships.no_run")
        return
    common.say(
        common.out, "cli.ships.supervision", run=out["run_id"], hours=out["threshold_h"], warnings=out["warnings"]
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for key in ("ship", "berth", "arrival", "berth_h", "outcome"):
        table.add_column(f"{t('cli.ships.sup.' + key, 'zh')}\n{t('cli.ships.sup.' + key, 'en')}")
    for r in stays:
        outcome = "warning" if r["warning"] else "explained" if r["explained"] else "ok"
        table.add_row(
            f"{r['name'] or ''} {r['mmsi']}",
            r["berth_id"],
            local_time(r["arrival"]),
            f"{r['berth_h']:.1f}",
            t(f"ships.sup.{outcome}", "zh"),
        )
    common.out.print(table)


def register(root: typer.Typer) -> None:
    """Mount ``ships inventory``, ``ships partition`` and ``ships supervise``."""
    group = typer.Typer(help="船舶排放（AIS） / ship emissions from AIS", no_args_is_help=True)
    group.command("inventory")(inventory)
    group.command("partition")(partition)
    group.command("supervise")(supervise)
    root.add_typer(group, name="ships")
