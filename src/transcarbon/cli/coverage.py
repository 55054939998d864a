"""``coverage``: the share of the built-up area within a radius (500 m) of a bus stop, from a GTFS feed (zip or
``stops.txt``) or a stop list and a built-up area (GeoJSON; default the city's own, marked approximate)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from transcarbon.city.config import load_city
from transcarbon.cli import common
from transcarbon.i18n import lines
from transcarbon.services.stop_coverage import coverage_json, coverage_of_files
from transcarbon.services.validation import ValidationError
from transcarbon.settings import get_settings


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise common.fail("cli.file_unreadable", 2, file=str(path), detail=exc.strerror) from exc


def coverage(
    stops: Annotated[
        Path, typer.Option(help="GTFS（zip 或 stops.txt）或站点表 / GTFS feed (zip or stops.txt) or stop list")
    ],
    area: Annotated[
        Path | None,
        typer.Option(help="建成区 GeoJSON（默认本市近似边界） / built-up area GeoJSON (default: the city's)"),
    ] = None,
    radius_m: Annotated[float, typer.Option(help="覆盖半径（米） / radius in metres", min=1, max=5000)] = 500.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """公交站点覆盖率 / Bus-stop coverage of the built-up area (area within the radius ÷ built-up area)."""
    if area is None:
        path = load_city(get_settings().city).built_up_area_path
        if path is None:
            raise common.fail("cov.no_city_area", 2)
        area = path
    try:
        cov, built_up = coverage_of_files(_read(stops), stops.name, _read(area), area.name, radius_m)
    except ValidationError as exc:
        raise common.fail_with(
            [*(e.render() for e in exc.errors), lines("cli.errors_found", count=exc.total, omitted=exc.omitted)], 1
        ) from exc
    payload = coverage_json(cov, built_up)
    if as_json:
        common.print_json(payload)
        return
    table = Table(title=f"公交站点{radius_m:g}米覆盖率 / bus-stop coverage within {radius_m:g} m")
    for header in ("区域 area", "建成区 km²", "覆盖 km²", "覆盖率 %"):
        table.add_column(header, justify="left" if header.startswith("区域") else "right", no_wrap=True)
    for a in payload["areas"]:
        table.add_row(a["name_zh"], f"{a['area_km2']:,.2f}", f"{a['covered_km2']:,.2f}", f"{100 * a['coverage']:.2f}")
    table.add_row(
        "合计 total", f"{cov.area_km2:,.2f}", f"{cov.covered_km2:,.2f}", f"{100 * cov.coverage:.2f}", style="bold"
    )
    common.out.print(table)
    common.say(common.err, "cov.summary", stops=cov.stops)
    if built_up.approximate:
        common.say(common.err, "cov.approximate_area")


def register(root: typer.Typer) -> None:
    root.command("coverage")(coverage)
