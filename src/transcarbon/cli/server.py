"""``transcarbon serve``: the web app and REST API on the configured database."""

from __future__ import annotations

from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.settings import get_settings


def serve(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
) -> None:
    """启动 Web 服务 / start the web app (uvicorn) on the configured database."""
    import uvicorn

    from transcarbon.app import create_app

    common.open_database(create=True).close()  # create or migrate first, as every creating command does
    uvicorn.run(create_app(get_settings()), host=host, port=port, proxy_headers=False)


def register(root: typer.Typer) -> None:
    """Mount ``serve``."""
    root.command("serve")(serve)
