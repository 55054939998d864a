"""``scenario run FILE.yaml [--draws N] [--json]``: run a scenario file (``docs/scenarios.md``) and print its stock,
shares, energy, oil, CO2, the plan's targets and the land-transport oil peak year — a table, or the JSON contract
(:mod:`transcarbon.services.scenarios.run`). A scenario that asks for calibration on the platform's data opens the
configured database; one that does not runs without any."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from transcarbon.city.config import load_city
from transcarbon.cli import common
from transcarbon.i18n import t
from transcarbon.services.scenarios.prepare import NeedsDatabase
from transcarbon.services.scenarios.service import run_file
from transcarbon.services.scenarios.spec import SpecError
from transcarbon.settings import get_settings

group = typer.Typer(help="情景（至2035年） / scenarios to 2035", no_args_is_help=True)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise common.fail("cli.file_unreadable", 2, file=str(path), detail=str(exc)) from exc


@group.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="情景 YAML 文件 / scenario YAML file")],
    draws: Annotated[
        int | None, typer.Option("--draws", min=1, max=100_000, help="蒙特卡洛抽样次数 / Monte Carlo draws")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """运行情景 / Run a scenario: stock, shares, energy, oil, CO2 and the plan's targets to the end year."""
    text = _read(file)
    city = load_city(get_settings().city)
    try:
        try:
            result = run_file(text, file.name, city=city, base_dir=file.parent, draws=draws)
        except NeedsDatabase:
            with common.open_database() as database, database.transaction() as session:
                result = run_file(text, file.name, city=city, base_dir=file.parent, draws=draws, session=session)
    except SpecError as exc:
        raise common.fail_with(exc.render(), 1) from exc
    if as_json:
        common.print_json(result)
        return
    _table(result)


def _table(result: dict[str, Any]) -> None:
    years = result["years"]
    shown = [y for y in years if y % 5 == 0 or y in (years[0], years[-1])]
    table = Table(title="情景 / scenario")
    table.add_column("项目 item", no_wrap=True)
    for y in shown:
        table.add_column(str(y), justify="right", no_wrap=True)
    for cid, f in result["fleet"].items():
        table.add_row(f"{cid} 保有量 stock", *(f"{f['stock'][str(y)]:,.0f}" for y in shown))
        table.add_row(f"{cid} 新能源占比 NEV share %", *(f"{100 * f['nev_stock_share'][str(y)]:.1f}" for y in shown))
    if any(result["oil_land_tce"].values()):
        table.add_row("陆路石油 land oil (tce)", *(f"{result['oil_land_tce'][str(y)]:,.0f}" for y in shown))
        table.add_row("CO2 (t)", *(f"{result['co2_t']['total'][str(y)]:,.0f}" for y in shown))
    common.out.print(table)
    for row in result["targets"]:
        p = "" if row["p_meet"] is None else f" · P(meet) {100 * row['p_meet']:.0f}%"
        value = "—" if row["value"] is None else f"{row['value']:.2f}"
        common.out.print(f"{row['name_zh']} / {row['indicator']} {row['year']}: {value} vs {row['target']:g}{p}")
    if not result["oil_peak"]["modelled"]:
        return
    peak = result["oil_peak"]["year"]
    by = result["oil_peak"]["by"]
    name = (result["scenario"].get("name") or {}).get("zh") or result["scenario"].get("id") or "-"
    draws = (result.get("uncertainty") or {}).get("draws", 1)
    peak_zh = str(peak) if peak else t("scn.cli.no_peak", "zh", year=by)
    peak_en = str(peak) if peak else t("scn.cli.no_peak", "en", year=by)
    span = f"{years[0]}–{years[-1]}"
    common.err.print(t("scn.cli.summary", "zh", name=name, years=span, draws=draws, peak=peak_zh), markup=False)
    common.err.print(t("scn.cli.summary", "en", name=name, years=span, draws=draws, peak=peak_en), markup=False)
    cal = result.get("calibration")
    if cal:
        rows = [r for r in cal["reproduction"] if r.get("checked", True)]
        common.say(
            common.err,
            "scn.cli.calibration",
            within=sum(1 for r in rows if r["within"]),
            total=len(rows),
            tolerance=f"{100 * cal['tolerance']:g}",
        )


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="scenario")
