"""``transcarbon factors list|show``: the versioned factor sets, their rows and sources."""

from __future__ import annotations

from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.services.factor_sets import FactorUnavailable, factor_set, factor_sets


def list_sets() -> None:
    """列出因子集 / List factor sets."""
    out = common.out
    out.print(
        f"{'name':<20} {'default':<7} {'kind':<20} {'version':<12} {'sha256':<12}  标题 / title",
        style="bold",
        soft_wrap=True,
    )
    for s in factor_sets():
        out.print(
            f"{s.name:<20} {'✓' if s.default else '':<7} {s.kind:<20} {s.version:<12} {s.content_hash[:12]}  "
            f"{s.title_zh} / {s.title_en}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def show(name: Annotated[str, typer.Argument(help="因子集名称 / set name")]) -> None:
    """显示一个因子集的全部行、来源与不确定性 / Show a factor set's rows, sources and uncertainties."""
    try:
        s = factor_set(name)
    except FactorUnavailable as exc:
        raise common.fail_with([str(exc)], 2) from exc
    out = common.out
    out.print(f"[bold]{s.name}[/bold] {s.version} ({s.kind}) sha256={s.content_hash}\n{s.title_zh}\n{s.title_en}")
    skip = ("source", "status", "u_pct", "u_status", "u_source")
    for row in s.table.iter_rows(named=True):
        values = "  ".join(f"{k}={v}" for k, v in row.items() if k not in skip and v is not None)
        uncertainty = (
            f"\n    U(95%) ±{row['u_pct']}% [{row.get('u_status') or '-'}] {row.get('u_source') or ''}"
            if row.get("u_pct") is not None
            else ""
        )
        out.print(
            f"{values}  [{row.get('status') or '-'}]\n    {row['source']}{uncertainty}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def register(root: typer.Typer) -> None:
    """Mount ``factors list`` and ``factors show``."""
    group = typer.Typer(help="排放因子库 / factor library", no_args_is_help=True)
    group.command("list")(list_sets)
    group.command("show")(show)
    root.add_typer(group, name="factors")
