"""``transcarbon audit verify|anchor|rotate-key``: prove the keyed audit log and the approved data untouched,
export the chain's head to record it elsewhere, and rotate the audit key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from transcarbon.cli import common
from transcarbon.i18n import t
from transcarbon.services import audit, integrity


def verify(
    anchor: Annotated[
        Path | None, typer.Option(help="锚点文件（audit anchor 的输出） / an anchor file written by `audit anchor`")
    ] = None,
) -> None:
    """校验审计日志与已审核数据 / Verify the audit chain, its head, an anchor and the seals of approved data."""
    anchored = None
    if anchor is not None:
        try:
            anchored = audit.Anchor.parse(anchor.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise common.fail("cli.anchor_unreadable", 2, file=str(anchor), detail=str(exc)[:200]) from None
    with common.open_database() as database, database.transaction() as session:
        result = integrity.verify(session, anchor=anchored)
    if not result.ok:
        lines = [
            f"{t('cli.audit_problem', 'zh', id=p.id, reason=t(p.reason, 'zh'))} / "
            f"{t('cli.audit_problem', 'en', id=p.id, reason=t(p.reason, 'en'))}"
            for p in result.problems
        ]
        common.say(common.err, "cli.audit_bad", count=len(result.problems), checked=result.checked)
        raise common.fail_with(lines, 1)
    common.say(common.out, "cli.audit_ok", checked=result.checked)
    if anchored is not None:
        common.say(common.out, "cli.anchor_ok", count=anchored.count, id=anchored.last_id)


def anchor(
    out: Annotated[
        Path | None, typer.Option(help="写入此文件（默认打印） / write to this file (default: print)")
    ] = None,
) -> None:
    """导出审计链头（条数、哈希、时间）以便另行存档 / Export the chain's head (count, hash, time)."""
    with common.open_database() as database, database.transaction() as session:
        head = audit.anchor(session)
    text = head.to_json()
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    common.say(common.err, "cli.anchor_written", file=str(out), count=head.count)


def rotate_key() -> None:
    """更换审计密钥（旧密钥保留用于校验） / Rotate the audit key (old keys stay, to verify old entries)."""
    common.rotate_signing_key(
        audit.PURPOSE,
        in_environment="cli.key_in_environment",
        action="audit.key_rotated",
        object_type="audit_key",
        done="cli.key_rotated",
    )


def register(root: typer.Typer) -> None:
    """Mount ``audit verify``, ``audit anchor`` and ``audit rotate-key``."""
    group = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)
    group.command("verify")(verify)
    group.command("anchor")(anchor)
    group.command("rotate-key")(rotate_key)
    root.add_typer(group, name="audit")
