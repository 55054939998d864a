"""``transcarbon db init|upgrade``: create the database or migrate it to the code's newest schema."""

from __future__ import annotations

import typer

from transcarbon.cli import common


def init() -> None:
    """建库（迁移到最新） / Create the database schema (migrate to head)."""
    with common.open_database(create=True) as database:
        common.say(common.err, "cli.db_ready", url=database.url)


def upgrade() -> None:
    """升级数据库结构 / Apply pending migrations."""
    init()


def register(root: typer.Typer) -> None:
    """Mount ``db init`` and ``db upgrade``."""
    group = typer.Typer(help="数据库 / database", no_args_is_help=True)
    group.command("init")(init)
    group.command("upgrade")(upgrade)
    root.add_typer(group, name="db")
