"""Evaluation commands: ``evaluate``, ``decompose``, ``scorecards``, ``warnings``.

Each calls a service in one transaction and renders JSON (``--json``) or a table that fits 80 columns,
Chinese first.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich import box
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.cli import common
from transcarbon.i18n import both, catalog, sector_name, t
from transcarbon.services.evaluation import alerts as warning_service
from transcarbon.services.inventory_runs import years_with_results
from transcarbon.settings import get_settings

_LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "red", "grey": "dim"}
_LIGHT_MARK = {"green": "●", "yellow": "●", "red": "●", "grey": "○"}
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}


def _h(key: str) -> str:
    """A column header: Chinese over English."""
    return f"{t(key, 'zh')}\n{t(key, 'en')}"


def _label(key: str) -> str:
    """The Chinese label of a code, or nothing when the catalog has none (the code is shown beside it)."""
    return t(key, "zh") if key in catalog() else ""


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")


def _require_year(session: Session, year: int) -> None:
    """Refuse a year without inventory results, naming the years there are (exit 2)."""
    years = years_with_results(session)
    if year not in years:
        raise common.fail("cli.eval.no_year", 2, year=year, years=", ".join(map(str, years)) or "—")


def _n(x: object, digits: int = 2) -> str:
    if x is None:
        return "—"
    v = float(str(x))
    return f"{v:,.{digits}f}"


def _unit(unit: str) -> str:
    return t("report.unit_milestone") if unit == "milestone" else unit


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise common.fail("cli.bad_date", 2, option="--as-of", value=value) from None


def _department_names() -> dict[str, str]:
    return {d.id: d.name_zh for d in load_city(get_settings().city).departments}


def evaluate(
    year: Annotated[int, typer.Option(help="评估年份 / year to evaluate")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
    as_of: Annotated[str | None, typer.Option(help="评估基准日 YYYY-MM-DD（默认今天） / as-of date")] = None,
) -> None:
    """评估全部指标、预警与考核 / Evaluate every indicator for a year (stored with lineage)."""
    from transcarbon.services.evaluation import evaluate as run_evaluation

    settings = get_settings()
    when = _as_of(as_of)
    with common.open_database() as database, database.transaction() as session:
        _require_year(session, year)
        ev = run_evaluation(session, year, actor=settings.actor, city=settings.city, as_of=when)
    if as_json:
        common.print_json(ev.payload)
        return
    p = ev.payload
    table = _table(both("eval.cli.title", year=year, run=ev.run_id))
    table.add_column(_h("cli.col.indicator"), overflow="fold", ratio=1, min_width=16)
    table.add_column(_h("cli.col.value"), justify="right", no_wrap=True)
    table.add_column(_h("cli.col.targets"), justify="right", no_wrap=True)
    table.add_column(_h("cli.col.status"), no_wrap=True)
    table.add_column(_h("cli.col.p_meet"), justify="right", no_wrap=True)
    for i in p["indicators"]:
        fc = i.get("forecast") or {}
        light = i["light"]
        value = "—" if i["value"] is None else f"{_n(i['value'])} {_unit(i['unit'])}"
        p_meet = fc.get("p_meet")
        table.add_row(
            f"{i['name_zh']}\n[dim]{i['id']}[/dim]",
            value,
            f"{_n(i['target_2025'], 1)} / {_n(i['target_2030'], 1)}",
            f"[{_LIGHT_STYLE[light]}]{_LIGHT_MARK[light]}[/] {t('eval.status.' + i['status'], 'zh')}",
            "—" if p_meet is None else f"{float(p_meet):.0%}",
        )
    common.out.print(table)
    _print_warnings(p["warnings"])
    common.say(common.err, "eval.cli.synthetic")


def _print_warnings(rows: list[dict[str, Any]]) -> None:
    """Warnings as a list (a table squeezes the two-language messages into unreadable columns)."""
    out = common.out
    if not rows:
        common.say(out, "eval.cli.no_warnings")
        return
    names = _department_names()
    out.print(f"[bold]{both('eval.cli.warnings_title', count=len(rows))}[/bold]", highlight=False)
    for w in rows:
        sev = w["severity"]
        depts = "、".join(names.get(d, d) for d in w["departments"]) or "—"
        out.print(
            f"[{_SEVERITY_STYLE.get(sev, 'default')}]#{w['id']} {_label('web.severity.' + sev)} {sev}[/] · "
            f"{_label('cli.warn_kind.' + w['kind'])} {w['kind']}",
            highlight=False,
        )
        for line, style in (
            (t("cli.warn_departments", "zh", departments=depts), ""),
            (w["message_zh"], ""),
            (w["message_en"], "dim"),
        ):
            out.print(Padding(Text(line, style=style), (0, 0, 0, 4)))


def decompose(
    year_from: Annotated[int, typer.Option("--from", help="起始年 / first year")],
    year_to: Annotated[int, typer.Option("--to", help="终止年 / second year")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
    electricity: Annotated[
        str, typer.Option(help="电力折算：calorific 当量值 | primary 等价值 / electricity: calorific | primary")
    ] = "calorific",
) -> None:
    """LMDI 分解两年间碳排放变化 / LMDI decomposition of the CO2 change between two years."""
    from transcarbon.services.evaluation import DecompositionError
    from transcarbon.services.evaluation import decompose as run_decomposition

    settings = get_settings()
    try:
        with common.open_database() as database, database.transaction() as session:
            if year_from != year_to:
                for y in (year_from, year_to):
                    _require_year(session, y)
            d = run_decomposition(session, year_from, year_to, actor=settings.actor, electricity=electricity)
    except DecompositionError as exc:
        raise common.fail(exc.key, 2, **exc.values) from exc
    if as_json:
        common.print_json(d.payload)
        return
    p = d.payload
    effects = p["effects"]
    tot = p["total"]
    table = _table(both("cli.decomp_title", year_from=year_from, year_to=year_to))
    table.add_column(_h("cli.col.sector"), no_wrap=True)
    table.add_column(_h("cli.col.delta"), justify="right", no_wrap=True)
    for e in effects:
        table.add_column(_h(f"cli.effect.{e}") if f"cli.effect.{e}" in catalog() else e, justify="right", no_wrap=True)
    cols = ("delta_co2_t", *effects)

    def wan(x: object) -> str:
        return "—" if x is None else f"{float(str(x)) / 1e4:+,.2f}"

    for r in p["by_sector"]:
        table.add_row(sector_name(r["sector"]), *[wan(r[c]) for c in cols])
    table.add_row("合计 total", *[wan(tot[c]) for c in cols], style="bold")
    common.out.print(table)
    common.say(
        common.out,
        "cli.decomp_totals",
        year_from=year_from,
        year_to=year_to,
        co2_from=wan(tot["co2_from_t"])[1:],
        co2_to=wan(tot["co2_to_t"])[1:],
        delta=wan(tot["delta_co2_t"]),
    )
    if p["outside"]["sectors"]:
        common.say(
            common.out,
            "eval.decomp.no_activity",
            sectors=", ".join(
                f"{sector_name(s['sector'])} {s['sector']}{' (process)' if s['reason'] == 'process' else ''} "
                f"{s['delta_co2_t'] / 1e4:+,.2f} 万t"
                for s in p["outside"]["sectors"]
            ),
        )


def scorecards(
    year: Annotated[int, typer.Option(help="考核年份 / year")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """部门考核评分 / Department scorecards of a year (evaluates the year if needed)."""
    from transcarbon.services.evaluation import evaluate as run_evaluation
    from transcarbon.services.evaluation import stored_scorecards

    settings = get_settings()
    city = load_city(settings.city)
    with common.open_database() as database, database.transaction() as session:
        _require_year(session, year)
        ev = run_evaluation(session, year, actor=settings.actor, city=city)
        cards = stored_scorecards(session, ev.run_id, city)
    if as_json:
        common.print_json({"year": year, "run_id": ev.run_id, "template": city.scoring.template, "scorecards": cards})
        return
    table = _table(both("eval.cli.scorecards_title", year=year, template=city.scoring.template))
    table.add_column(_h("cli.col.department"), overflow="fold", ratio=1, min_width=12)
    for key in ("cli.col.annual", "cli.col.cumulative", "cli.col.measures", "cli.col.score"):
        table.add_column(_h(key), justify="right", no_wrap=True)
    table.add_column(_h("cli.col.veto"), justify="center", no_wrap=True)
    table.add_column(_h("cli.col.grade"), no_wrap=True)
    for c in cards:
        table.add_row(
            f"{c['name_zh']}\n[dim]{c['department_id']}[/dim]",
            _n(c["annual_completion"]),
            _n(c["cumulative_completion"]),
            _n(c["measures_share"]),
            _n(c["score"], 1),
            "[red]✗[/red]" if c["vetoed"] else "",
            f"{c['grade_zh'] or '—'} {c['grade_en'] or ''}".rstrip(),
        )
    common.out.print(table)


def warnings(
    year: Annotated[int | None, typer.Option(help="年份（默认全部） / year (default all)")] = None,
    include_resolved: Annotated[bool, typer.Option("--all", help="含已解除 / include resolved")] = False,
    department: Annotated[str | None, typer.Option(help="部门编号 / department id")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """列出预警 / List stored warnings (open ones by default)."""
    if department is not None:
        names = _department_names()
        if department not in names:
            raise common.fail("cli.unknown_department", 2, department=department, allowed=", ".join(names))
    with common.open_database() as database, database.transaction() as session:
        rows = [
            warning_service.warning_json(w)
            for w in warning_service.list_warnings(
                session, year=year, include_resolved=include_resolved, department=department
            )
        ]
    if as_json:
        common.print_json(rows)
        return
    _print_warnings(rows)


def register(root: typer.Typer) -> None:
    """Mount ``evaluate``, ``decompose``, ``scorecards`` and ``warnings`` on the root command line."""
    root.command("evaluate")(evaluate)
    root.command("decompose")(decompose)
    root.command("scorecards")(scorecards)
    root.command("warnings")(warnings)
