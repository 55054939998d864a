"""``transcarbon users add|token|tokens|revoke-token|password|unlock|disable``: accounts, roles, API tokens
(with an expiry; listed and revoked one by one), password reset and unlocking a throttled login.

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
    secret = None if no_password else _password(password_env)
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
                password=secret,
                org_id=org,
                department_id=department,
                display_name=name,
                departments=departments,
            )
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.added", username=username, role=role)


def _password(password_env: str | None) -> str:
    """A password from the variable ``password_env`` or a hidden prompt (never from the command line)."""
    if password_env:
        if password_env not in os.environ:
            raise common.fail("cli.password_env_unset", 1, name=password_env)
        return os.environ[password_env]
    return str(typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True))


def token(
    username: Annotated[str, typer.Argument(help="登录名 / login name")],
    name: Annotated[str, typer.Option(help="令牌用途 / what the token is for")] = "api",
    days: Annotated[float | None, typer.Option(help="有效天数 / valid for this many days")] = None,
) -> None:
    """签发 API 令牌 / issue an API token (printed once)."""
    settings = get_settings()
    try:
        with common.open_database() as database, database.transaction() as session:
            issued = users.issue_token(
                session,
                users.get_user(session, username),
                name=name,
                actor=settings.actor,
                days=days or settings.token_days,
            )
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.err, "user.token_issued", username=username)
    common.say(common.err, "user.token_expires", id=issued.id, expires=issued.expires_at.isoformat(timespec="minutes"))
    typer.echo(issued.token)


def tokens(username: Annotated[str, typer.Argument(help="登录名 / login name")]) -> None:
    """列出用户的 API 令牌（不显示令牌本身） / list a user's API tokens (never the tokens)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            rows = [
                (t.id, t.name, t.prefix, t.expires_at, t.revoked)
                for t in users.list_tokens(session, users.get_user(session, username))
            ]
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    for tid, tname, prefix, expires, revoked in rows:
        state = "revoked" if revoked else f"expires {expires.isoformat(timespec='minutes') if expires else 'never'}"
        common.out.print(f"{tid:>5}  {prefix}…  {tname}  ({state})", markup=False, highlight=False)


def revoke_token(
    username: Annotated[str, typer.Argument(help="登录名 / login name")],
    token_id: Annotated[int, typer.Argument(help="令牌编号 / token id (users tokens)", min=1, max=2_147_483_647)],
) -> None:
    """吊销一个 API 令牌 / revoke one API token."""
    try:
        with common.open_database() as database, database.transaction() as session:
            users.revoke_token(session, users.get_user(session, username), token_id, actor=get_settings().actor)
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.token_revoked", id=token_id, username=username)


def password(
    username: Annotated[str, typer.Argument(help="登录名 / login name")],
    password_env: Annotated[str | None, typer.Option(help=_HELP["password_env"])] = None,
) -> None:
    """设置新密码（结束其全部浏览器会话） / set a new password (its browser sessions end)."""
    new = _password(password_env)
    try:
        with common.open_database() as database, database.transaction() as session:
            users.configure_hasher()
            users.reset_password(session, users.get_user(session, username), new, actor=get_settings().actor)
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.password_set", username=username)


def unlock(username: Annotated[str, typer.Argument(help="登录名 / login name")]) -> None:
    """解除登录限制 / clear a user's login throttling."""
    try:
        with common.open_database() as database, database.transaction() as session:
            users.unlock(session, users.get_user(session, username), actor=get_settings().actor)
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.unlocked", username=username)


def disable(username: Annotated[str, typer.Argument(help="登录名 / login name")]) -> None:
    """停用用户（令牌与会话一并失效） / disable a user (its tokens and sessions stop working)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            users.disable_user(session, username, actor=get_settings().actor)
    except users.UserError as exc:
        raise common.fail(exc.key, 1, **exc.values) from None
    common.say(common.out, "user.disabled", username=username)


def register(root: typer.Typer) -> None:
    """Mount ``users add|token|tokens|revoke-token|password|unlock|disable``."""
    group = typer.Typer(help="用户与令牌 / users and API tokens", no_args_is_help=True)
    group.command("add")(add)
    group.command("token")(token)
    group.command("tokens")(tokens)
    group.command("revoke-token")(revoke_token)
    group.command("password")(password)
    group.command("unlock")(unlock)
    group.command("disable")(disable)
    root.add_typer(group, name="users")
