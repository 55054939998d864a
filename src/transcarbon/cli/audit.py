"""``transcarbon audit verify``: prove the hash-chained audit log untouched."""

from __future__ import annotations

import typer

from transcarbon.cli import common
from transcarbon.services.audit import verify as verify_chain


def verify() -> None:
    """校验审计日志哈希链 / Verify the audit log's hash chain."""
    with common.open_database() as database, database.transaction() as session:
        result = verify_chain(session)
    if not result.ok:
        raise common.fail("cli.audit_bad", 1, id=result.first_bad_id, checked=result.checked, reason=result.reason)
    common.say(common.out, "cli.audit_ok", checked=result.checked)


def register(root: typer.Typer) -> None:
    """Mount ``audit verify``."""
    group = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)
    group.command("verify")(verify)
    root.add_typer(group, name="audit")
