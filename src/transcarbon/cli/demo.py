"""The synthetic demo: ``transcarbon demo build`` and the main job ``transcarbon start`` (demo database,
demo accounts, the 2025 inventory, the web app)."""

from __future__ import annotations

from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.cli.accounting import inventory
from transcarbon.cli.server import serve
from transcarbon.i18n import lines
from transcarbon.services.platform_meta import is_demo, is_empty
from transcarbon.settings import get_settings


def build(
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 20200101,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="已有则跳过 / skip if present")] = False,
) -> None:
    """生成示例数据库（合成数据） / Build the synthetic demo database."""
    from transcarbon.demo.builder import build_demo, demo_present

    settings = get_settings()
    with (
        common.open_database(create=True) as database,
        database.transaction() as session,
        common.progress() as progress,
    ):
        if demo_present(session):
            if if_missing:
                common.say(common.err, "cli.demo_present")
                return
            raise common.fail("cli.demo_already", 2)
        if not is_empty(session):
            raise common.fail("cli.start_not_demo", 2, url=settings.effective_database_url)
        task = progress.add_task(lines("cli.demo_building"), total=None)
        runs = build_demo(
            session,
            actor=settings.actor,
            seed=seed,
            options=common.accounting_options(settings, None, None),
            data_dir=settings.data_dir,
            progress=lambda msg: progress.update(task, description=f"demo: {msg}"),
        )
    common.say(common.err, "cli.demo_built", runs=len(runs), url=settings.effective_database_url)


def start(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    serve_web: Annotated[bool, typer.Option("--serve/--no-serve", help="启动 Web 服务 / start the web app")] = True,
) -> None:
    """主任务：建示例库（如需要）、显示清单并启动 Web 服务 / Main job: demo database, inventory, web app."""
    from transcarbon.demo.accounts import DEMO_PASSWORD, ensure_demo_users

    settings = get_settings()
    with common.open_database(create=True) as database, database.transaction() as session:
        if not is_demo(session) and not is_empty(session):  # a real database: no demo content, no demo accounts
            raise common.fail("cli.start_not_demo", 2, url=settings.effective_database_url)
    build(seed=20200101, if_missing=True)
    with common.open_database(create=True) as database, database.transaction() as session:
        accounts = ensure_demo_users(session, actor=settings.actor)
    inventory(year=2025, factor_set=None, gwp=None, as_json=False)
    if not serve_web:
        return
    common.say(common.out, "cli.web_address", url=f"http://{host}:{port}/")
    for username, role, org in accounts:
        common.out.print(
            f"  {username:<11} / {DEMO_PASSWORD}   ({role}{', ' + org if org else ''})",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
    serve(host=host, port=port)


def register(root: typer.Typer) -> None:
    """Mount ``demo build`` and ``start``."""
    root.command("start")(start)
    group = typer.Typer(help="示例数据 / demo data", no_args_is_help=True)
    group.command("build")(build)
    root.add_typer(group, name="demo")
