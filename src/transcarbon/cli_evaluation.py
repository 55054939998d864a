"""Evaluation commands (issue 4): ``evaluate``, ``decompose``, ``scorecards``, ``warnings``.

Mounted by the main app with :func:`register` (``register(app)`` in ``cli.py``); each command is also a
plain function. Thin: parse, call a service in one transaction, render (JSON or a table).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.domain import SECTOR_NAMES_ZH, Sector
from transcarbon.i18n import both, catalog, t
from transcarbon.services.evaluation import alerts as warning_service
from transcarbon.settings import get_settings
from transcarbon.store import db

err = Console(stderr=True)
out = Console()
_LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "red", "grey": "dim"}
_LIGHT_MARK = {"green": "●", "yellow": "●", "red": "●", "grey": "○"}
_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _say(console: Console, key: str, **values: object) -> None:
    """A catalog message on two lines, Chinese first: long ``中文 / English`` lines wrap badly at 80 columns."""
    console.print(t(key, "zh", **values), markup=False, highlight=False)
    console.print(t(key, "en", **values), markup=False, highlight=False, style="dim")


def _h(key: str) -> str:
    """A column header: Chinese over English."""
    return f"{t(key, 'zh')}\n{t(key, 'en')}"


def _label(key: str) -> str:
    """The Chinese label of a code, or nothing when the catalog has none (the code is shown beside it)."""
    return t(key, "zh") if key in catalog() else ""


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")


@contextmanager
def _session() -> Iterator[Session]:
    url = get_settings().effective_database_url
    engine = db.make_engine(url)
    try:
        if not db.is_initialised(engine):
            _say(err, "cli.db_missing", url=url)
            raise typer.Exit(2)
        with db.transaction(db.session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _years_with_data(session: Session) -> list[int]:
    """Years that have a stored inventory with results (an inventory of a year without data stores none)."""
    from sqlalchemy import select

    from transcarbon.store.models import Result

    return sorted(int(y) for y in session.scalars(select(Result.year).where(Result.line_count > 0).distinct()))


def _require_year(session: Session, year: int) -> None:
    """Refuse a year without inventory results, naming the years there are (exit 2)."""
    years = _years_with_data(session)
    if year not in years:
        _say(err, "cli.eval.no_year", year=year, years=", ".join(map(str, years)) or "—")
        raise typer.Exit(2)


def _dump(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


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
        _say(err, "cli.bad_date", option="--as-of", value=value)
        raise typer.Exit(2) from None


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
    with _session() as session:
        _require_year(session, year)
        ev = run_evaluation(session, year, actor=settings.actor, city=settings.city, as_of=when)
    if as_json:
        _dump(ev.payload)
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
            f"{i['name_zh']}\n[dim]{i['id']}[/dim]", value,
            f"{_n(i['target_2025'], 1)} / {_n(i['target_2030'], 1)}",
            f"[{_LIGHT_STYLE[light]}]{_LIGHT_MARK[light]}[/] {t('eval.status.' + i['status'], 'zh')}",
            "—" if p_meet is None else f"{float(p_meet):.0%}")
    out.print(table)
    _print_warnings(p["warnings"])
    _say(err, "eval.cli.synthetic")


def _print_warnings(rows: list[dict[str, Any]]) -> None:
    """Warnings as a list (a table squeezes the two-language messages into unreadable columns)."""
    if not rows:
        _say(out, "eval.cli.no_warnings")
        return
    names = _department_names()
    out.print(f"[bold]{both('eval.cli.warnings_title', count=len(rows))}[/bold]", highlight=False)
    for w in rows:
        sev = w["severity"]
        depts = "、".join(names.get(d, d) for d in w["departments"]) or "—"
        out.print(f"[{_SEVERITY_STYLE.get(sev, 'default')}]#{w['id']} {_label('web.severity.' + sev)} {sev}[/] · "
                  f"{_label('cli.warn_kind.' + w['kind'])} {w['kind']}", highlight=False)
        for line, style in ((t("cli.warn_departments", "zh", departments=depts), ""),
                            (w["message_zh"], ""), (w["message_en"], "dim")):
            out.print(Padding(Text(line, style=style), (0, 0, 0, 4)))


def decompose(
    year_from: Annotated[int, typer.Option("--from", help="起始年 / first year")],
    year_to: Annotated[int, typer.Option("--to", help="终止年 / second year")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """LMDI 分解两年间碳排放变化 / LMDI decomposition of the CO2 change between two years."""
    from transcarbon.services.evaluation import DecompositionError
    from transcarbon.services.evaluation import decompose as run_decomposition

    settings = get_settings()
    try:
        with _session() as session:
            if year_from != year_to:
                for y in (year_from, year_to):
                    _require_year(session, y)
            d = run_decomposition(session, year_from, year_to, actor=settings.actor)
    except DecompositionError as exc:
        _say(err, exc.key, **exc.values)
        raise typer.Exit(2) from exc
    if as_json:
        _dump(d.payload)
        return
    p = d.payload
    effects = p["effects"]
    tot = p["total"]
    table = _table(both("cli.decomp_title", year_from=year_from, year_to=year_to))
    table.add_column(_h("cli.col.sector"), no_wrap=True)
    table.add_column(_h("cli.col.delta"), justify="right", no_wrap=True)
    for e in effects:
        table.add_column(_h(f"cli.effect.{e}") if f"cli.effect.{e}" in catalog() else e, justify="right",
                         no_wrap=True)
    cols = ("delta_co2_t", *effects)

    def wan(x: object) -> str:
        return "—" if x is None else f"{float(str(x)) / 1e4:+,.2f}"

    for r in p["by_sector"]:
        table.add_row(_sector(r["sector"]), *[wan(r[c]) for c in cols])
    table.add_row("合计 total", *[wan(tot[c]) for c in cols], style="bold")
    out.print(table)
    _say(out, "cli.decomp_totals", year_from=year_from, year_to=year_to, co2_from=wan(tot["co2_from_t"])[1:],
         co2_to=wan(tot["co2_to_t"])[1:], delta=wan(tot["delta_co2_t"]))
    if p["outside"]["sectors"]:
        _say(out, "eval.decomp.no_activity", sectors=", ".join(
            f"{_sector(s['sector'])} {s['sector']} {s['delta_co2_t'] / 1e4:+,.2f} 万t"
            for s in p["outside"]["sectors"]))


def _sector(code: str) -> str:
    try:
        return SECTOR_NAMES_ZH[Sector(code)]
    except ValueError:
        return code


def scorecards(
    year: Annotated[int, typer.Option(help="考核年份 / year")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """部门考核评分 / Department scorecards of a year (evaluates the year if needed)."""
    from transcarbon.services.evaluation import evaluate as run_evaluation
    from transcarbon.services.evaluation import stored_scorecards

    settings = get_settings()
    city = load_city(settings.city)
    with _session() as session:
        _require_year(session, year)
        ev = run_evaluation(session, year, actor=settings.actor, city=city)
        cards = stored_scorecards(session, ev.run_id, city)
    if as_json:
        _dump({"year": year, "run_id": ev.run_id, "template": city.scoring.template, "scorecards": cards})
        return
    table = _table(both("eval.cli.scorecards_title", year=year, template=city.scoring.template))
    table.add_column(_h("cli.col.department"), overflow="fold", ratio=1, min_width=12)
    for key in ("cli.col.annual", "cli.col.cumulative", "cli.col.measures", "cli.col.score"):
        table.add_column(_h(key), justify="right", no_wrap=True)
    table.add_column(_h("cli.col.veto"), justify="center", no_wrap=True)
    table.add_column(_h("cli.col.grade"), no_wrap=True)
    for c in cards:
        table.add_row(f"{c['name_zh']}\n[dim]{c['department_id']}[/dim]", _n(c["annual_completion"]),
                      _n(c["cumulative_completion"]), _n(c["measures_share"]), _n(c["score"], 1),
                      "[red]✗[/red]" if c["vetoed"] else "",
                      f"{c['grade_zh'] or '—'} {c['grade_en'] or ''}".rstrip())
    out.print(table)


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
            _say(err, "cli.unknown_department", department=department, allowed=", ".join(names))
            raise typer.Exit(2)
    with _session() as session:
        rows = [warning_service.warning_json(w) for w in warning_service.list_warnings(
            session, year=year, include_resolved=include_resolved, department=department)]
    if as_json:
        _dump(rows)
        return
    _print_warnings(rows)


def register(app: typer.Typer) -> None:
    """Add ``evaluate``, ``decompose``, ``scorecards`` and ``warnings`` to the main command line."""
    app.command("evaluate")(evaluate)
    app.command("decompose")(decompose)
    app.command("scorecards")(scorecards)
    app.command("warnings")(warnings)
