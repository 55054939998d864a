"""The ``transcarbon`` command line: thin commands that parse, call a service and render."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from transcarbon.cli_evaluation import register as register_evaluation
from transcarbon.cli_platform import serve, users_app
from transcarbon.cli_reports import report
from transcarbon.cli_ships import app as ships_app
from transcarbon.domain import SECTOR_NAMES_ZH, Sector
from transcarbon.factors.library import FactorError, FactorLibrary
from transcarbon.i18n import lines
from transcarbon.services import audit
from transcarbon.services.accounting import AccountingOptions, compute_inventory, inventory_json
from transcarbon.services.activity_csv import read_activity_csv
from transcarbon.services.validation import ValidationError
from transcarbon.settings import Settings, get_settings
from transcarbon.store import db

app = typer.Typer(help="transcarbon 绿色交通与碳排放管理平台 / green-transport and carbon platform",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库 / database", no_args_is_help=True)
demo_app = typer.Typer(help="示例数据 / demo data", no_args_is_help=True)
factors_app = typer.Typer(help="排放因子库 / factor library", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(factors_app, name="factors")
app.add_typer(audit_app, name="audit")
app.add_typer(ships_app, name="ships", help="船舶排放（AIS） / ship emissions from AIS")
app.add_typer(users_app, name="users", help="用户与令牌 / users and API tokens")
app.command("serve")(serve)
register_evaluation(app)
app.command("report")(report)

err = Console(stderr=True)
out = Console()


def _fail(errors: list[str], code: int = 1) -> typer.Exit:
    for line in errors:
        err.print(line, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _options(settings: Settings, factor_set: str | None, gwp: str | None) -> AccountingOptions:
    return AccountingOptions(factor_set=factor_set or settings.factor_set, gwp=gwp or settings.gwp,
                             default_region=settings.default_region)


@contextmanager
def _session(settings: Settings, *, create: bool = False) -> Iterator[Session]:
    url = settings.effective_database_url
    engine = db.make_engine(url)
    try:
        if not db.is_initialised(engine):
            if not create:
                raise _fail([lines("cli.db_missing", url=url)], 2)
            db.upgrade(url)
        with db.transaction(db.session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _progress() -> Iterator[Progress]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  transient=True) as progress:
        yield progress


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
        table.add_column("id", justify="right", no_wrap=True, style="dim",
                         min_width=len(str(max(ids.values()))))
    table.add_column("子行业", no_wrap=True)
    for _, header, _, _ in columns:
        table.add_column(header, justify="right", no_wrap=True)
    rows: dict[str, dict[str, object]] = payload["by_sector"]  # type: ignore[assignment]
    for sector, m in rows.items():
        table.add_row(*([str(ids.get(sector, ""))] if ids else []), SECTOR_NAMES_ZH[Sector(sector)],
                      *[_fmt(m[c], d, n) for c, _, d, n in columns])
    table.add_row(*([str(ids.get(None, ""))] if ids else []), "合计",
                  *[_fmt(total[c], d, n) for c, _, d, n in columns], style="bold")
    out.print(table)


@app.command()
def calc(
    activity: Annotated[Path, typer.Argument(help="活动数据 CSV / activity CSV")],
    factor_set: Annotated[str | None, typer.Option(help="燃料因子集 / fuel-property factor set")] = None,
    gwp: Annotated[str | None, typer.Option(help="GWP: SAR, AR4, AR5, AR6")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """计算一个活动数据文件的排放（不用数据库） / Compute an activity file's inventory (no database)."""
    settings = get_settings()
    library = FactorLibrary.load()
    try:
        data = activity.read_bytes()
    except OSError as exc:
        raise _fail([lines("cli.file_unreadable", file=str(activity), detail=exc.strerror)], 2) from exc
    try:
        options = _options(settings, factor_set, gwp)
        library.get(options.resolved_set(library), "fuel_properties")
        library.gwp(options.gwp)
        regions = library.default("regions").table["code"].to_list()
        frame = read_activity_csv(data, activity.name, regions=regions)
        inv = compute_inventory(frame.rename({"row": "record_id"}).with_columns(row=frame["row"]), library,
                                options, file=activity.name)
    except ValidationError as exc:
        raise _fail([e.render() for e in exc.errors] + [lines("cli.errors_found", count=len(exc.errors))]) from exc
    except FactorError as exc:
        raise _fail([str(exc)], 2) from exc
    payload = inventory_json(inv)
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_inventory(payload, f"{activity.name} — {payload['factor_set']}, {payload['gwp']}")


@db_app.command("init")
def db_init() -> None:
    """建库（迁移到最新） / Create the database schema (migrate to head)."""
    url = get_settings().effective_database_url
    db.upgrade(url)
    err.print(lines("cli.db_ready", url=url))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """升级数据库结构 / Apply pending migrations."""
    db_init()


@demo_app.command("build")
def demo_build(
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 20200101,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="已有则跳过 / skip if present")] = False,
) -> None:
    """生成示例数据库（合成数据） / Build the synthetic demo database."""
    from transcarbon.demo.builder import build_demo, demo_present

    settings = get_settings()
    with _session(settings, create=True) as session, _progress() as progress:
        if demo_present(session):
            if if_missing:
                err.print(lines("cli.demo_present"))
                return
            raise _fail([lines("cli.demo_already")], 2)
        task = progress.add_task(lines("cli.demo_building"), total=None)
        runs = build_demo(session, actor=settings.actor, seed=seed, options=_options(settings, None, None),
                          data_dir=settings.data_dir,
                          progress=lambda msg: progress.update(task, description=f"demo: {msg}"))
    err.print(lines("cli.demo_built", runs=len(runs), url=settings.effective_database_url))


@app.command()
def inventory(
    year: Annotated[int, typer.Option(help="年份 / year")],
    factor_set: Annotated[str | None, typer.Option(help="燃料因子集 / fuel-property factor set")] = None,
    gwp: Annotated[str | None, typer.Option(help="GWP: SAR, AR4, AR5, AR6")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """全市年度清单（来自数据库，记录计算批次） / The city's inventory of a year, from the database."""
    from transcarbon.services.inventory_runs import result_ids, run_inventory, years_with_data

    settings = get_settings()
    with _session(settings) as session:
        years = years_with_data(session)
        if year not in years:
            raise _fail([lines("cli.no_data_year", year=year, years=", ".join(map(str, years)) or "—")], 2)
        try:
            run = run_inventory(session, year, _options(settings, factor_set, gwp), actor=settings.actor)
        except ValidationError as exc:
            raise _fail([e.render() for e in exc.errors]) from exc
        except FactorError as exc:
            raise _fail([str(exc)], 2) from exc
        payload = {**inventory_json(run.inventory), "year": year, "run_id": run.run_id}
        ids = result_ids(session, run.run_id)
    if as_json:
        sys.stdout.write(json.dumps({**payload, "result_ids": {k or "total": v for k, v in ids.items()}},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        _print_inventory(payload, f"{year} 年交通碳排放清单 / transport inventory {year} — run {run.run_id}", ids)
        err.print(lines("cli.lineage_hint", id=ids.get(None, "")))
        err.print(lines("cli.synthetic"))


@factors_app.command("list")
def factors_list() -> None:
    """列出因子集 / List factor sets."""
    out.print(f"{'name':<20} {'default':<7} {'kind':<20} {'version':<12} {'sha256':<12}  标题 / title",
              style="bold", soft_wrap=True)
    for s in FactorLibrary.load().sets():
        out.print(f"{s.name:<20} {'✓' if s.default else '':<7} {s.kind:<20} {s.version:<12} {s.content_hash[:12]}  "
                  f"{s.title_zh} / {s.title_en}", soft_wrap=True, markup=False, highlight=False)


@factors_app.command("show")
def factors_show(name: Annotated[str, typer.Argument(help="因子集名称 / set name")]) -> None:
    """显示一个因子集的全部行与来源 / Show a factor set's rows and sources."""
    try:
        s = FactorLibrary.load().get(name)
    except FactorError as exc:
        raise _fail([str(exc)], 2) from exc
    out.print(f"[bold]{s.name}[/bold] {s.version} ({s.kind}) sha256={s.content_hash}\n{s.title_zh}\n{s.title_en}")
    for row in s.table.iter_rows(named=True):
        values = "  ".join(f"{k}={v}" for k, v in row.items() if k not in ("source", "status") and v is not None)
        out.print(f"{values}  [{row.get('status') or '-'}]\n    {row['source']}", soft_wrap=True, markup=False,
                  highlight=False)


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计日志哈希链 / Verify the audit log's hash chain."""
    with _session(get_settings()) as session:
        result = audit.verify(session)
    if not result.ok:
        raise _fail([lines("cli.audit_bad", id=result.first_bad_id, checked=result.checked, reason=result.reason)])
    out.print(lines("cli.audit_ok", checked=result.checked))


@app.command()
def lineage(
    result_id: Annotated[int, typer.Argument(help="结果编号 / result id")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """追溯一个结果的来源 / Show how a result was derived, down to input rows and factor sources."""
    from transcarbon.services.lineage import LineageNotFound
    from transcarbon.services.lineage import lineage as lineage_of

    with _session(get_settings()) as session:
        try:
            tree = lineage_of(session, result_id)
        except LineageNotFound as exc:
            raise _fail([lines("cli.no_result", id=result_id)], 2) from exc
    if as_json:
        sys.stdout.write(json.dumps(tree, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print_lineage(tree)


def _print_lineage(tree: dict[str, object]) -> None:
    res: dict[str, object] = tree["result"]  # type: ignore[assignment]
    run: dict[str, object] = tree["run"]  # type: ignore[assignment]
    dims = ", ".join(f"{k}={res[k]}" for k in ("year", "month", "sector", "org_id") if res[k] is not None)
    out.print(f"[bold]结果 / result {res['id']}[/bold] ({dims}): co2_t={res['co2_t']:.6f}, "
              f"co2e_t={res['co2e_t']:.6f}")
    out.print(f"计算批次 / run {run['id']}: {run['method_version']}, code {run['code_version']}, "
              f"by {run['actor']} at {run['finished_at']}")
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
        table.add_row(str(i["record_id"]), str(batch["file_name"] or batch["label"]), str(i["row_number"]),
                      str(rec["org_id"]), str(rec["period"]), str(rec["fuel"] or ""), str(rec["amount"] or ""),
                      str(rec["unit"] or ""), f"{comp['co2_t']:.6f}", str(i["notes"] or ""))
    out.print(table)
    check: dict[str, object] = tree["check"]  # type: ignore[assignment]
    out.print(f"输入合计 / sum of inputs co2_t = {check['co2_t_sum_of_inputs']:.6f} "
              f"({'一致 matches' if check['matches'] else '不一致 MISMATCH'})")


@app.command()
def start(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    serve_web: Annotated[bool, typer.Option("--serve/--no-serve", help="启动 Web 服务 / start the web app")] = True,
) -> None:
    """主任务：建示例库（如需要）、显示清单并启动 Web 服务 / Main job: demo database, inventory, web app."""
    from sqlalchemy import select

    from transcarbon.demo.accounts import DEMO_PASSWORD, ensure_demo_users
    from transcarbon.demo.builder import demo_present
    from transcarbon.store.models import Organisation

    settings = get_settings()
    with _session(settings, create=True) as session:
        if not demo_present(session) and session.scalars(select(Organisation.id)).first() is not None:
            raise _fail([lines("cli.start_not_demo", url=settings.effective_database_url)], 2)
    demo_build(seed=20200101, if_missing=True)
    with _session(settings) as session:
        accounts = ensure_demo_users(session, actor=settings.actor)
    inventory(year=2025, factor_set=None, gwp=None, as_json=False)
    if not serve_web:
        return
    out.print(lines("cli.web_address", url=f"http://{host}:{port}/"), soft_wrap=True)
    for username, role, org in accounts:
        out.print(f"  {username:<11} / {DEMO_PASSWORD}   ({role}{', ' + org if org else ''})", soft_wrap=True,
                  highlight=False, markup=False)
    serve(host=host, port=port)


def main() -> None:
    """Entry point: an unexpected error prints one bilingual line (the traceback with TRANSCARBON_DEBUG=1)."""
    import os

    try:
        app()
    except Exception as exc:  # anything a command did not turn into a user message
        if os.environ.get("TRANSCARBON_DEBUG"):
            raise
        err.print(lines("cli.internal_error", kind=type(exc).__name__, detail=str(exc)[:300]), markup=False,
                  highlight=False, soft_wrap=True)
        raise SystemExit(70) from None


if __name__ == "__main__":
    main()
