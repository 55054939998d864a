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
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.i18n import both, t
from transcarbon.services import warnings as warning_service
from transcarbon.settings import get_settings
from transcarbon.store import db

err = Console(stderr=True)
out = Console()
_LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "red", "grey": "dim"}


@contextmanager
def _session() -> Iterator[Session]:
    url = get_settings().effective_database_url
    engine = db.make_engine(url)
    try:
        if not db.is_initialised(engine):
            for line in (both("cli.db_missing", url=url),):
                err.print(line, markup=False)
            raise typer.Exit(2)
        with db.transaction(db.session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _dump(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def _n(x: object, digits: int = 2) -> str:
    if x is None:
        return "—"
    v = float(str(x))
    return f"{v:,.{digits}f}"


def evaluate(
    year: Annotated[int, typer.Option(help="评估年份 / year to evaluate")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
    as_of: Annotated[str | None, typer.Option(help="评估基准日 YYYY-MM-DD（默认今天） / as-of date")] = None,
) -> None:
    """评估全部指标、预警与考核 / Evaluate every indicator for a year (stored with lineage)."""
    from transcarbon.services.indicators import evaluate as run_evaluation

    settings = get_settings()
    with _session() as session:
        ev = run_evaluation(session, year, actor=settings.actor, city=settings.city,
                            as_of=date.fromisoformat(as_of) if as_of else None)
    if as_json:
        _dump(ev.payload)
        return
    p = ev.payload
    table = Table(title=both("eval.cli.title", year=year, run=ev.run_id))
    for col in ("id", "指标 / indicator", "value", "unit", "2025", "2030", "status", "light", "completion", "p_meet"):
        table.add_column(col)
    for i in p["indicators"]:
        fc = i.get("forecast") or {}
        table.add_row(i["id"], i["name_zh"][:28], _n(i["value"]), i["unit"], _n(i["target_2025"], 1),
                      _n(i["target_2030"], 1), t(f"eval.status.{i['status']}", "zh") + f" {i['status']}",
                      f"[{_LIGHT_STYLE[i['light']]}]{i['light']}[/]", _n(i.get("completion_to_date")),
                      _n(fc.get("p_meet")))
    out.print(table)
    _print_warnings(p["warnings"])
    err.print(both("eval.cli.synthetic"))


def _print_warnings(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print(both("eval.cli.no_warnings"))
        return
    table = Table(title=both("eval.cli.warnings_title", count=len(rows)))
    for col in ("id", "severity", "kind", "departments", "消息 / message"):
        table.add_column(col)
    for w in rows:
        table.add_row(str(w["id"]), w["severity"], w["kind"], ", ".join(w["departments"]),
                      f"{w['message_zh']}\n{w['message_en']}")
    out.print(table)


def decompose(
    year_from: Annotated[int, typer.Option("--from", help="起始年 / first year")],
    year_to: Annotated[int, typer.Option("--to", help="终止年 / second year")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """LMDI 分解两年间碳排放变化 / LMDI decomposition of the CO2 change between two years."""
    from transcarbon.services.decomposition import DecompositionError
    from transcarbon.services.decomposition import decompose as run_decomposition

    settings = get_settings()
    try:
        with _session() as session:
            d = run_decomposition(session, year_from, year_to, actor=settings.actor)
    except DecompositionError as exc:
        err.print(both(exc.key, **exc.values), markup=False)
        raise typer.Exit(2) from exc
    if as_json:
        _dump(d.payload)
        return
    p = d.payload
    effects = p["effects"]
    table = Table(title=both("eval.cli.decomp_title", year_from=year_from, year_to=year_to))
    for col in ("sector", "co2_from_t", "co2_to_t", "delta_co2_t", *effects):
        table.add_column(col, justify="right")
    for r in p["by_sector"]:
        table.add_row(r["sector"], *[_n(r[c], 0) for c in ("co2_from_t", "co2_to_t", "delta_co2_t", *effects)])
    tot = p["total"]
    table.add_row("合计 total", *[_n(tot[c], 0) for c in ("co2_from_t", "co2_to_t", "delta_co2_t", *effects)],
                  style="bold")
    out.print(table)
    if p["outside"]["sectors"]:
        out.print(both("eval.decomp.no_activity", sectors=", ".join(
            f"{s['sector']} {s['delta_co2_t']:+,.0f} t" for s in p["outside"]["sectors"])))


def scorecards(
    year: Annotated[int, typer.Option(help="考核年份 / year")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """部门考核评分 / Department scorecards of a year (evaluates the year if needed)."""
    from transcarbon.services.indicators import evaluate as run_evaluation
    from transcarbon.services.scorecards import stored_scorecards

    settings = get_settings()
    city = load_city(settings.city)
    with _session() as session:
        ev = run_evaluation(session, year, actor=settings.actor, city=city)
        cards = stored_scorecards(session, ev.run_id, city)
    if as_json:
        _dump({"year": year, "run_id": ev.run_id, "template": city.scoring.template, "scorecards": cards})
        return
    table = Table(title=both("eval.cli.scorecards_title", year=year, template=city.scoring.template))
    for col in ("部门 / department", "annual", "cumulative", "measures", "score", "veto", "grade"):
        table.add_column(col)
    for c in cards:
        table.add_row(f"{c['name_zh']} {c['department_id']}", _n(c["annual_completion"]),
                      _n(c["cumulative_completion"]), _n(c["measures_share"]), _n(c["score"], 1),
                      "✗" if c["vetoed"] else "", f"{c['grade_zh'] or '—'} {c['grade_en'] or ''}")
    out.print(table)


def warnings(
    year: Annotated[int | None, typer.Option(help="年份（默认全部） / year (default all)")] = None,
    include_resolved: Annotated[bool, typer.Option("--all", help="含已解除 / include resolved")] = False,
    department: Annotated[str | None, typer.Option(help="部门编号 / department id")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出 / JSON output")] = False,
) -> None:
    """列出预警 / List stored warnings (open ones by default)."""
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
