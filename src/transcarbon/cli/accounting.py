"""Accounting commands: ``calc`` (a file, no database), ``inventory`` (a year, stored as a run) and
``lineage`` (how a stored result was derived)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from transcarbon.city.config import load_city
from transcarbon.cli import common
from transcarbon.i18n import lines, sector_name
from transcarbon.services.accounting import calculate_file, inventory_json
from transcarbon.services.activity_csv import activity_limits
from transcarbon.services.factor_sets import FactorUnavailable
from transcarbon.services.validation import ValidationError
from transcarbon.settings import get_settings

_LARGE = (  # (measure, header, divisor, decimals): a city's inventory
    ("co2_t", "CO2\n万t", 1.0e4, 2),
    ("co2e_t", "CO2e\n万t", 1.0e4, 2),
    ("energy_tce", "能耗\n万tce", 1.0e4, 2),
    ("converted_tkm", "换算周转量\n亿t·km", 1.0e8, 2),
    ("intensity_kgco2_per_converted_tkm", "强度\nkgCO2/t·km", 1.0, 4),
)
_SMALL = (  # one enterprise's file: under 10,000 t CO2
    ("co2_t", "CO2\nt", 1.0, 2),
    ("co2e_t", "CO2e\nt", 1.0, 2),
    ("energy_tce", "能耗\ntce", 1.0, 2),
    ("converted_tkm", "换算周转量\n万t·km", 1.0e4, 2),
    ("intensity_kgco2_per_converted_tkm", "强度\nkgCO2/t·km", 1.0, 4),
)


def _fmt(value: object, divisor: float, decimals: int) -> str:
    if value is None:
        return "—"
    return f"{float(str(value)) / divisor:,.{decimals}f}"


def _print_inventory(payload: dict[str, object], title: str, ids: dict[str | None, int] | None = None) -> None:
    """The inventory as a table: one row per sector (Chinese name first), then the total.

    With ``ids`` (stored results), a first column gives each row's result id for ``transcarbon lineage``.
    """
    ids = ids or {}
    total: dict[str, object] = payload["total"]  # type: ignore[assignment]
    columns = _LARGE if abs(float(str(total["co2_t"] or 0))) >= 1.0e4 else _SMALL
    table = Table(title=title)
    if ids:
        table.add_column("id", justify="right", no_wrap=True, style="dim", min_width=len(str(max(ids.values()))))
    table.add_column("子行业", no_wrap=True)
    for _, header, _, _ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    rows: dict[str, dict[str, object]] = payload["by_sector"]  # type: ignore[assignment]
    for sector, m in rows.items():
        table.add_row(
            *([str(ids.get(sector, ""))] if ids else []),
            sector_name(sector),
            *[_fmt(m[c], d, n) for c, _, d, n in columns],
        )
    table.add_row(
        *([str(ids.get(None, ""))] if ids else []),
        "合计",
        *[_fmt(total[c], d, n) for c, _, d, n in columns],
        style="bold",
    )
    common.out.print(table)


def calc(
    activity: Annotated[Path, typer.Argument(help="活动数据 CSV / activity CSV")],
    factor_set: Annotated[str | None, typer.Option(help="燃料因子集 / fuel-property factor set")] = None,
    gwp: Annotated[str | None, typer.Option(help="GWP: SAR, AR4, AR5, AR6")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """计算一个活动数据文件的排放（不用数据库） / Compute an activity file's inventory (no database)."""
    try:
        data = activity.read_bytes()
    except OSError as exc:
        raise common.fail("cli.file_unreadable", 2, file=str(activity), detail=exc.strerror) from exc
    try:
        settings = get_settings()
        limits = activity_limits(load_city(settings.city))
        inv = calculate_file(data, activity.name, common.accounting_options(settings, factor_set, gwp), limits)
    except ValidationError as exc:
        raise common.fail_with(
            [*(e.render() for e in exc.errors), lines("cli.errors_found", count=exc.total, omitted=exc.omitted)], 1
        ) from exc
    except FactorUnavailable as exc:
        raise common.fail_with([str(exc)], 2) from exc
    payload = inventory_json(inv)
    if as_json:
        common.print_json(payload)
    else:
        _print_inventory(payload, f"{activity.name} — {payload['factor_set']}, {payload['gwp']}")


def inventory(
    year: Annotated[int, typer.Option(help="年份 / year")],
    factor_set: Annotated[str | None, typer.Option(help="燃料因子集 / fuel-property factor set")] = None,
    gwp: Annotated[str | None, typer.Option(help="GWP: SAR, AR4, AR5, AR6")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """全市年度清单（来自数据库，记录计算批次） / The city's inventory of a year, from the database."""
    from transcarbon.services.inventory_runs import result_ids, run_inventory, years_with_data

    settings = get_settings()
    with common.open_database() as database, database.transaction() as session:
        years = years_with_data(session)
        if year not in years:
            raise common.fail("cli.no_data_year", 2, year=year, years=", ".join(map(str, years)) or "—")
        try:
            run = run_inventory(
                session, year, common.accounting_options(settings, factor_set, gwp), actor=settings.actor
            )
        except ValidationError as exc:
            raise common.fail_with([e.render() for e in exc.errors], 1) from exc
        except FactorUnavailable as exc:
            raise common.fail_with([str(exc)], 2) from exc
        payload = {**inventory_json(run.inventory), "year": year, "run_id": run.run_id}
        ids = result_ids(session, run.run_id)
    if as_json:
        common.print_json({**payload, "result_ids": {k or "total": v for k, v in ids.items()}})
    else:
        _print_inventory(payload, f"{year} 年交通碳排放清单 / transport inventory {year} — run {run.run_id}", ids)
        common.say(common.err, "cli.lineage_hint", id=ids.get(None, ""))
        common.say(common.err, "cli.synthetic")


def lineage(
    result_id: Annotated[int, typer.Argument(help="结果编号 / result id")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """追溯一个结果的来源 / Show how a result was derived, down to input rows and factor sources."""
    from transcarbon.services.lineage import LineageNotFound
    from transcarbon.services.lineage import lineage as lineage_of

    with common.open_database() as database, database.transaction() as session:
        try:
            tree = lineage_of(session, result_id)
        except LineageNotFound as exc:
            raise common.fail("cli.no_result", 2, id=result_id) from exc
    if as_json:
        common.print_json(tree)
        return
    _print_lineage(tree)


def _print_lineage(tree: dict[str, object]) -> None:
    out = common.out
    res: dict[str, object] = tree["result"]  # type: ignore[assignment]
    run: dict[str, object] = tree["run"]  # type: ignore[assignment]
    dims = ", ".join(f"{k}={res[k]}" for k in ("year", "month", "sector", "org_id") if res[k] is not None)
    out.print(f"[bold]结果 / result {res['id']}[/bold] ({dims}): co2_t={res['co2_t']:.6f}, co2e_t={res['co2e_t']:.6f}")
    out.print(
        f"计算批次 / run {run['id']}: {run['method_version']}, code {run['code_version']}, "
        f"by {run['actor']} at {run['finished_at']}"
    )
    out.print(f"参数 / parameters: {json.dumps(run['parameters'], ensure_ascii=False)}")
    for kind, ref in run["factor_sets"].items():  # type: ignore[attr-defined]
        out.print(f"  因子集 / factor set {kind}: {ref['name']} {ref['version']} sha256={ref['sha256'][:16]}…")
    for fb in run["fallbacks"]:  # type: ignore[attr-defined]
        out.print(f"  回退 / fallback: {'; '.join(fb['fallbacks'])}", markup=False)
    out.print("[bold]公式 / formula[/bold]")
    for line in tree["formula"]:  # type: ignore[attr-defined]
        out.print(f"  {line}", markup=False)
    out.print("[bold]因子与来源 / factors and sources[/bold]")
    for f in tree["factors"]:  # type: ignore[attr-defined]
        out.print(f"  [{f['kind']}] {f['key']} {f['values']} — {f['source']} ({f['status']})", markup=False)
    inputs: list[dict[str, object]] = tree["inputs"]  # type: ignore[assignment]
    table = Table("record", "file/batch", "row", "org", "period", "fuel", "amount", "unit", "co2_t", "notes")
    for i in inputs:
        rec: dict[str, object] = i["record"]  # type: ignore[assignment]
        batch: dict[str, object] = i["batch"]  # type: ignore[assignment]
        comp: dict[str, object] = i["computed"]  # type: ignore[assignment]
        table.add_row(
            str(i["record_id"]),
            str(batch["file_name"] or batch["label"]),
            str(i["row_number"]),
            str(rec["org_id"]),
            str(rec["period"]),
            str(rec["fuel"] or ""),
            str(rec["amount"] or ""),
            str(rec["unit"] or ""),
            f"{comp['co2_t']:.6f}",
            str(i["notes"] or ""),
        )
    out.print(table)
    check: dict[str, object] = tree["check"]  # type: ignore[assignment]
    out.print(
        f"输入合计 / sum of inputs co2_t = {check['co2_t_sum_of_inputs']:.6f} "
        f"({'一致 matches' if check['matches'] else '不一致 MISMATCH'})"
    )


def register(root: typer.Typer) -> None:
    """Mount ``calc``, ``inventory`` and ``lineage`` on the root command line."""
    root.command("calc")(calc)
    root.command("inventory")(inventory)
    root.command("lineage")(lineage)
