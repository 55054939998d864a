"""``transcarbon db init|upgrade|backup|restore``: create the database or migrate it to the code's newest schema;
back it up to one file and restore it from one (``services.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.i18n import lines
from transcarbon.services import backup as backups
from transcarbon.settings import get_settings


def init() -> None:
    """建库（迁移到最新） / Create the database schema (migrate to head)."""
    with common.open_database(create=True) as database:
        common.say(common.err, "cli.db_ready", url=database.url)


def upgrade() -> None:
    """升级数据库结构 / Apply pending migrations."""
    init()


def backup(
    file: Annotated[Path, typer.Argument(help="备份文件 / backup file")],
    logical: Annotated[
        bool, typer.Option("--logical", help="导出为通用格式（任一数据库可恢复） / portable export")
    ] = False,
) -> None:
    """备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump） / Back up the database to one file."""
    with common.open_database() as database:
        url = database.url
    try:
        info = backups.backup(url, file, logical=logical)
    except backups.BackupError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "cli.backup_written", file=str(info.path), form=info.form, size=info.size_bytes)


def restore(
    file: Annotated[Path, typer.Argument(help="备份文件 / backup file")],
    yes: Annotated[bool, typer.Option("--yes", help="不再确认 / do not ask")] = False,
) -> None:
    """用备份替换数据库内容 / Replace the database's content with a backup."""
    url = get_settings().effective_database_url
    if not yes and not typer.confirm(lines("cli.restore_confirm", url=url)):
        raise common.fail("cli.restore_cancelled", 1)
    try:
        info = backups.restore(url, file)
    except backups.BackupError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "cli.backup_restored", file=str(info.path), form=info.form)


def register(root: typer.Typer) -> None:
    """Mount ``db init``, ``db upgrade``, ``db backup`` and ``db restore``."""
    group = typer.Typer(help="数据库 / database", no_args_is_help=True)
    group.command("init")(init)
    group.command("upgrade")(upgrade)
    group.command("backup")(backup)
    group.command("restore")(restore)
    root.add_typer(group, name="db")
