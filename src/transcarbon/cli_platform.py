"""Command-line faces of the data-collection platform: ``users add|token|disable`` and ``serve``.

The lead's :mod:`transcarbon.cli` mounts them as ``transcarbon users …`` and ``transcarbon serve``.
Passwords are read from a prompt (hidden) or from the environment variable named by
``--password-env``; never from the command line, where they would end up in shell history.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from transcarbon.i18n import t
from transcarbon.services import users
from transcarbon.settings import get_settings
from transcarbon.store import db

users_app = typer.Typer(help="用户与角色 / users and roles", no_args_is_help=True)
err = Console(stderr=True)
out = Console()


@contextmanager
def _session() -> Iterator[Session]:
    url = get_settings().effective_database_url
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with db.transaction(db.session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _say(console: Console, key: str, **values: object) -> None:
    """A catalog message, Chinese line then English line (one long ``中文 / English`` line wraps badly)."""
    console.print(t(key, "zh", **values), markup=False, highlight=False)
    console.print(t(key, "en", **values), markup=False, highlight=False)


def _fail(exc: users.UserError) -> typer.Exit:
    _say(err, exc.key, **exc.values)
    return typer.Exit(1)


def _actor() -> str:
    return get_settings().actor


# option help, Chinese first (kept here so that the signatures stay readable)
_HELP = {
    "org": "所属单位编号（填报人、部门用户） / organisation id (reporter, department)",
    "department": "市级部门编号（部门用户） / city department id (department users)",
    "password_env": "从此环境变量读取密码 / read the password from this environment variable",
    "no_password": "仅用 API 令牌，不能用密码登录 / API-token-only account (no password login)",
}


@users_app.command("add")
def add(username: Annotated[str, typer.Argument(help="登录名 / login name")],
        role: Annotated[str, typer.Option(help=f"角色 / role: {', '.join(users.ROLES)}")],
        org: Annotated[str | None, typer.Option(help=_HELP["org"])] = None,
        department: Annotated[str | None, typer.Option(help=_HELP["department"])] = None,
        name: Annotated[str | None, typer.Option(help="显示名称 / display name")] = None,
        password_env: Annotated[str | None, typer.Option(help=_HELP["password_env"])]
        = None,
        no_password: Annotated[bool, typer.Option("--no-password", help=_HELP["no_password"])] = False,
        ) -> None:
    """添加用户 / add a user."""
    password: str | None = None
    if not no_password:
        if password_env:
            if password_env not in os.environ:
                _say(err, "cli.password_env_unset", name=password_env)
                raise typer.Exit(1)
            password = os.environ[password_env]
        else:
            password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    departments = None
    if role == "department":
        from transcarbon.city.config import load_city

        departments = [d.id for d in load_city(get_settings().city).departments]
    try:
        with _session() as session:
            users.configure_hasher()
            users.create_user(session, username=username, role=role, actor=_actor(), password=password,
                              org_id=org, department_id=department, display_name=name, departments=departments)
    except users.UserError as exc:
        raise _fail(exc) from None
    _say(out, "user.added", username=username, role=role)


@users_app.command("token")
def token(username: Annotated[str, typer.Argument(help="登录名 / login name")],
          name: Annotated[str, typer.Option(help="令牌用途 / what the token is for")] = "api") -> None:
    """签发 API 令牌 / issue an API token (printed once)."""
    try:
        with _session() as session:
            value = users.issue_token(session, users.get_user(session, username), name=name, actor=_actor())
    except users.UserError as exc:
        raise _fail(exc) from None
    _say(err, "user.token_issued", username=username)
    typer.echo(value)


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="登录名 / login name")]) -> None:
    """停用用户（令牌与会话一并失效） / disable a user (its tokens and sessions stop working)."""
    try:
        with _session() as session:
            users.disable_user(session, username, actor=_actor())
    except users.UserError as exc:
        raise _fail(exc) from None
    _say(out, "user.disabled", username=username)


def serve(host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="端口 / port")] = 8000) -> None:
    """启动 Web 服务 / start the web app (uvicorn) on the configured database."""
    import uvicorn

    from transcarbon.api.app import create_app

    uvicorn.run(create_app(get_settings()), host=host, port=port, proxy_headers=False)
