"""The ``transcarbon`` command line: thin commands that parse, call a service and render.

One module per command group, each mounting its commands on the root app with ``register(root)``:
:mod:`.server` (``serve``), :mod:`.evaluation` (``evaluate``, ``decompose``, ``scorecards``,
``warnings``), :mod:`.reports` (``report``), :mod:`.accounting` (``calc``, ``inventory``, ``lineage``),
:mod:`.coverage` (``coverage``), :mod:`.scenario` (``scenario run``), :mod:`.database` (``db``),
:mod:`.demo` (``demo build``, ``start``), :mod:`.factors`, :mod:`.audit`,
:mod:`.ships`, :mod:`.road`, :mod:`.credits` and :mod:`.users`. What they share (consoles, messages,
exits, JSON, progress, opening the database) is in :mod:`.common`. The console script ``transcarbon`` runs :func:`main`.
"""

from __future__ import annotations

import os

import typer

from transcarbon.cli import (
    accounting,
    audit,
    common,
    coverage,
    credits,
    database,
    demo,
    evaluation,
    factors,
    reports,
    road,
    scenario,
    server,
    ships,
    users,
)
from transcarbon.i18n import lines

app = typer.Typer(
    help="transcarbon 绿色交通与碳排放管理平台 / green-transport and carbon platform",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
for group in (
    server,
    evaluation,
    reports,
    scenario,
    accounting,
    coverage,
    database,
    demo,
    factors,
    audit,
    ships,
    road,
    credits,
    users,
):
    group.register(app)  # in this order: the order of the commands and of the groups in --help


def main() -> None:
    """Entry point: an unexpected error prints one bilingual line (the traceback with TRANSCARBON_DEBUG=1)."""
    try:
        app()
    except Exception as exc:  # anything a command did not turn into a user message
        if os.environ.get("TRANSCARBON_DEBUG"):
            raise
        common.err.print(
            lines("cli.internal_error", kind=type(exc).__name__, detail=str(exc)[:300]),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise SystemExit(70) from None


if __name__ == "__main__":  # python -m transcarbon.cli, or this file given to spark-submit (docs/cluster.md)
    main()
