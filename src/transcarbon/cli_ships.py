"""``transcarbon ships``: ship emission inventory from AIS (mounted by the main CLI).

transcarbon ships inventory --ais FILE --ships FILE [--zones FILE] [--shore-power FILE] [--out DIR] --json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from transcarbon.engines.ships import ShipInventoryResult

app = typer.Typer(
    help="船舶排放清单（AIS，IMO4 方法，岸电）/ Ship emissions from AIS (IMO4, shore power).", no_args_is_help=True
)


@app.callback()
def _ships() -> None:
    """Ship emission commands."""


@app.command()
def inventory(
    ais: Annotated[Path, typer.Option("--ais", help="AIS positions: CSV, Parquet or NMEA !AIVDM text")],
    ships: Annotated[Path, typer.Option("--ships", help="ship registry CSV")],
    zones: Annotated[Path | None, typer.Option("--zones", help="zones GeoJSON (berth/anchorage/port_area/eca)")] = None,
    shore_power: Annotated[Path | None, typer.Option("--shore-power", help="shore-power sessions CSV")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="directory for the Parquet/JSON outputs")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON on stdout")] = False,
    method: Annotated[str, typer.Option("--method", help="imo4 (default) or epa")] = "imo4",
    grid_region: Annotated[str, typer.Option("--grid-region", help="grid-factor region for shore kWh")] = "CN-JS",
    grid_year: Annotated[int | None, typer.Option("--grid-year", help="grid-factor year (default: data year)")] = None,
    boilers_on_shore_power: Annotated[bool, typer.Option("--boilers-on-shore-power")] = False,
    gap_limit_h: Annotated[float, typer.Option("--gap-limit-h", help="longest gap interpolated [h]")] = 2.0,
    intervals: Annotated[bool, typer.Option("--intervals", help="also write per-interval Parquet to --out")] = False,
    store: Annotated[bool, typer.Option("--store", help="存入数据库，带追溯 / store the run with lineage")] = False,
) -> None:
    """Compute the inventory: totals, by mode, shore power; write frames to --out."""
    from transcarbon.engines.ships import InventoryOptions, ShipInputError, run_inventory

    err = Console(stderr=True)
    if method not in ("imo4", "epa"):
        err.print("[red]--method 只能是 imo4 或 epa / --method must be imo4 or epa[/red]")
        raise typer.Exit(2)
    opts = InventoryOptions(
        method="epa" if method == "epa" else "imo4",
        grid_region=grid_region,
        grid_year=grid_year,
        boilers_on_shore_power=boilers_on_shore_power,
        gap_limit_h=gap_limit_h,
        intervals_path=str(out / "intervals.parquet") if (out and intervals) else None,
    )
    if out:
        out.mkdir(parents=True, exist_ok=True)
    progress = Progress(
        TextColumn("[bold]AIS[/bold] partitions"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=False,
    )
    with progress:
        task = progress.add_task("ais", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = run_inventory(ais, ships, zones, shore_power, opts, progress=tick)
        except ShipInputError as exc:
            progress.stop()
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    if out:
        result.ship_day_mode.write_parquet(out / "ship_day_mode.parquet")
        result.calls.write_parquet(out / "calls.parquet")
        result.zones.write_parquet(out / "zones.parquet")
        result.grid.write_parquet(out / "grid.parquet")
        result.ships.write_parquet(out / "ships.parquet")
        (out / "summary.json").write_text(json.dumps(result.summary, ensure_ascii=False, indent=2), encoding="utf-8")
        (out / "lineage.json").write_text(
            json.dumps(result.lineage, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    if store:
        _store_run(result, {"ais": ais, "ships": ships, "zones": zones, "shore_power": shore_power}, err)
    if as_json:
        sys.stdout.write(json.dumps(result.summary, ensure_ascii=False) + "\n")
    else:
        s = result.summary
        tot = s["total"]
        assert isinstance(tot, dict)
        err.print(
            f"ships {s['ships']}, positions {s['positions']}, CO2 {tot['co2_t']:.1f} t, "
            f"NOx {tot['nox_t']:.2f} t, shore power {s['shore_power']}"
        )


def _store_run(result: ShipInventoryResult, files: dict[str, Path | None], err: Console) -> None:
    """Record the computed inventory as a calculation run on the configured database."""
    from transcarbon.i18n import both
    from transcarbon.services.ship_runs import record_ship_run
    from transcarbon.settings import get_settings
    from transcarbon.store import db

    settings = get_settings()
    url = settings.effective_database_url
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with db.transaction(db.session_factory(engine)) as session:
            run = record_ship_run(session, result, files, actor=settings.actor)
    finally:
        engine.dispose()
    err.print(both("cli.ships_stored", run=run.run_id, reused=" (reused)" if run.reused else ""))
