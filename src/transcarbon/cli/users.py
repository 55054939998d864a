"""``transcarbon users add|token|disable``: accounts, roles and API tokens.

Passwords are read from a prompt (hidden) or from the environment variable named by ``--password-env``;
never from the command line, where they would end up in shell history.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.services import users
from transcarbon.settings import get_settings

# option help, Chinese first (kept here so that the signatures stay readable)
_HELP = {
    "org": "所属单位编号（填报人、部门用户） / organisation id (reporter, department)",
    "department": "市级部门编号（部门用户） / city department id (department users)",
    "password_env": "从此环境变量读取密码 / read the password from this environment variable",
    "no_password": "仅用 API 令牌，不能用密码登录 / API-token-only account (no password login)",
}


def add(
    username: Annotated[str, typer.Argument(help="登录名 / login name")],
    role: Annotated[str, typer.Option(help=f"角色 / role: {', '.join(users.ROLES)}")],
    org: Annotated[str | None, typer.Option(help=_HELP["org"])] = None,
    department: Annotated[str | None, typer.Option(help=_HELP["department"])] = None,
    name: Annotated[str | None, typer.Option(help="显示名称 / display name")] = None,
    password_env: Annotated[str | None, typer.Option(help=_HELP["password_env"])] = None,
    no_password: Annotated[bool, typer.Option("--no-password", help=_HELP["no_password"])] = False,
) -> None:
    """添加用户 / add a user."""
    password: str | None = None
    if not no_password:
        if password_env:
            if password_env not in os.environ:
                raise common.fail("cli.password_env_unset", 1, name=password_env)
            password = os.environ[password_env]
        else:
            password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    departments = None
    if role == "department":
        from transcarbon.city.config import load_city

        departments = [d.id for d in load_city(get_settings().city).departments]
    try:
        with common.open_database() as database, database.transaction() as session:
            users.configure_hasher()
            users.create_user(
                session,
                username=username,
                role=role,
                actor=get_settings().actor,
                password=password,
                org_id=org,
                department_id=department,
                display_name=name,
                departments=departments,
            )
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.added", username=username, role=role)


def token(
    username: Annotated[str, typer.Argument(help="登录名 / login name")],
    name: Annotated[str, typer.Option(help="令牌用途 / what the token is for")] = "api",
) -> None:
    """签发 API 令牌 / issue an API token (printed once)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            value = users.issue_token(session, users.get_user(session, username), name=name, actor=get_settings().actor)
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.err, "user.token_issued", username=username)
    typer.echo(value)


def disable(username: Annotated[str, typer.Argument(help="登录名 / login name")]) -> None:
    """停用用户（令牌与会话一并失效） / disable a user (its tokens and sessions stop working)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            users.disable_user(session, username, actor=get_settings().actor)
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.disabled", username=username)


def register(root: typer.Typer) -> None:
    """Mount ``users add``, ``users token`` and ``users disable``."""
    group = typer.Typer(help="用户与令牌 / users and API tokens", no_args_is_help=True)
    group.command("add")(add)
    group.command("token")(token)
    group.command("disable")(disable)
    root.add_typer(group, name="users")
