"""``transcarbon credits …``: green-trip carbon credits (碳普惠) for operators: partner apps and their keys, the
ledger's verification, fare matching, expiry, retention, deletion on request, reversal and the catalogue. The
trips themselves come from partner apps through the signed API (``docs/credits.md``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer

from transcarbon.city.config import load_city
from transcarbon.cli import common
from transcarbon.i18n import t
from transcarbon.services.credits import daily as daily_pass
from transcarbon.services.credits import intake, ledger, partners, privacy, review, wallet
from transcarbon.services.credits.common import CreditsContext, CreditsError, context
from transcarbon.settings import get_settings

_AS_OF = "按此日期（UTC 零点；默认现在） / as of this date (UTC midnight; default: now)"


def _ctx() -> CreditsContext:
    return context(load_city(get_settings().city))


def _as_of(day: str | None) -> datetime:
    if day is None:
        return datetime.now(UTC)
    try:
        return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
    except ValueError:
        raise common.fail("credits.cli.bad_date", 2, value=day) from None


def _refused(exc: CreditsError) -> typer.Exit:
    return common.fail(exc.key, 1, **exc.values)


def _show_key(message: str, made: dict[str, object]) -> None:
    """A partner's new key and secret in words (``key`` is the message's own argument: passed as ``api_key``)."""
    common.say(common.out, message, **{("api_key" if k == "key" else k): v for k, v in made.items()})


def partner_add(
    name: Annotated[str, typer.Argument(help="合作方名称 / partner name")],
    kind: Annotated[str, typer.Option(help=f"类型 / kind: {', '.join(partners.KINDS)}")] = "maas",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """添加合作方应用并发放密钥（密钥只显示一次） / Add a partner app and issue its key and secret (shown once)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            made = partners.add_partner(session, name, kind, actor=get_settings().actor)
    except CreditsError as exc:
        raise _refused(exc) from None
    if as_json:
        common.print_json(made)
        return
    _show_key("credits.cli.partner_added", made)


def partner_rotate(
    partner_id: Annotated[int, typer.Argument(min=1, help="合作方编号 / partner id")],
    grace_hours: Annotated[
        int | None,
        typer.Option(min=0, max=2160, help="旧密钥继续有效的小时数（默认按城市设置） / hours the old key stays valid"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """更换合作方密钥（新密钥只显示一次，旧密钥宽限期后失效） / Rotate a partner's key (new secret shown once; the old
    key is refused after the grace period)."""
    hours = _ctx().section.key_grace_hours if grace_hours is None else grace_hours
    try:
        with common.open_database() as database, database.transaction() as session:
            made = partners.rotate(session, partner_id, grace_hours=hours, actor=get_settings().actor)
    except CreditsError as exc:
        raise _refused(exc) from None
    if as_json:
        common.print_json(made)
        return
    _show_key("credits.cli.partner_rotated", made)


def rotate_key() -> None:
    """更换账本密钥（旧密钥保留用于校验旧分录） / Rotate the ledger key (old keys stay, to verify old postings)."""
    common.rotate_signing_key(
        ledger.PURPOSE,
        in_environment="credits.cli.ledger_key_in_environment",
        action="credits.ledger_key_rotated",
        object_type="credit_ledger_key",
        done="credits.cli.ledger_key_rotated",
    )


def verify() -> None:
    """校验碳普惠账本：哈希链完整、各账户余额等于分录之和 / Verify the ledger: chain intact, balances = entries."""
    with common.open_database() as database, database.transaction() as session:
        found = ledger.verify(session)
    if not found.ok:
        lines = [
            f"{t('cli.audit_problem', 'zh', id=p.id, reason=t(p.reason, 'zh'))} / "
            f"{t('cli.audit_problem', 'en', id=p.id, reason=t(p.reason, 'en'))}"
            for p in found.problems
        ]
        common.say(common.err, "credits.cli.verify_bad", count=len(found.problems), n=found.postings)
        raise common.fail_with(lines, 1)
    common.say(common.out, "credits.cli.verify_ok", n=found.postings, accounts=found.accounts)


def match(as_of: Annotated[str | None, typer.Option(help=_AS_OF)] = None) -> None:
    """匹配待定的公交地铁出行与刷卡记录，过期未匹配者拒绝 / Match pending transit trips to fare records."""
    now = _as_of(as_of)
    with common.open_database() as database, database.transaction() as session:
        head = ledger.lock(session)
        done = intake.match_pending(session, _ctx(), head, now=now)
    common.say(common.out, "credits.cli.matched", **done)


def expire(as_of: Annotated[str | None, typer.Option(help=_AS_OF)] = None) -> None:
    """使超过有效期的积分过期 / Expire points older than the methodology's validity."""
    with common.open_database() as database, database.transaction() as session:
        done = wallet.expire(session, _ctx(), as_of=_as_of(as_of), actor=get_settings().actor)
    common.say(common.out, "credits.cli.expired", **done)


def purge(as_of: Annotated[str | None, typer.Option(help=_AS_OF)] = None) -> None:
    """按保存期限删减出行明细 / Apply the retention limit to trip details and fare records."""
    with common.open_database() as database, database.transaction() as session:
        done = privacy.purge(session, _ctx(), as_of=_as_of(as_of), actor=get_settings().actor)
    common.say(common.out, "credits.cli.purged", **done)


def daily(
    as_of: Annotated[str | None, typer.Option(help=_AS_OF)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """每日例行：刷卡匹配、积分过期、保存期限清理（一次完成，可重复运行） / The daily pass: fare matching, expiry and
    retention in one idempotent transaction (for a timer; see docs/credits.md)."""
    with common.open_database() as database, database.transaction() as session:
        done = daily_pass.run(session, _ctx(), as_of=_as_of(as_of), actor=get_settings().actor)
    if as_json:
        common.print_json(done)
        return
    common.say(common.out, "credits.cli.matched", **done["matched"])
    common.say(common.out, "credits.cli.expired", **done["expired"])
    common.say(common.out, "credits.cli.purged", **done["purged"])


def forget(user_ref: Annotated[str, typer.Argument(help="用户在合作方的编号 / the user's reference")]) -> None:
    """应用户请求删除其个人数据（账本保留假名分录） / Delete a user's personal data (the ledger keeps pseudonyms)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            done = privacy.forget(session, user_ref, actor=get_settings().actor)
    except CreditsError as exc:
        raise _refused(exc) from None
    common.say(common.out, "credits.cli.forgotten", **done)


def reverse(
    trip_id: Annotated[int, typer.Argument(min=1, help="出行编号 / trip id")],
    note: Annotated[str, typer.Option(help="原因 / why")],
) -> None:
    """冲正一笔已入账的出行（新增分录，不删除） / Reverse a credited trip (a new posting, never a deletion)."""
    try:
        with common.open_database() as database, database.transaction() as session:
            review.reverse(session, trip_id, actor=get_settings().actor, note=note)
    except CreditsError as exc:
        raise _refused(exc) from None
    common.say(common.out, "credits.cli.reversed", id=trip_id)


def item_add(
    kind: Annotated[str, typer.Argument(help="reward | project")],
    name_zh: Annotated[str, typer.Argument(help="中文名称 / Chinese name")],
    name_en: Annotated[str, typer.Argument(help="英文名称 / English name")],
    cost: Annotated[int, typer.Option(min=0, help="兑换所需积分 / cost in points (rewards)")] = 0,
    stock: Annotated[int, typer.Option(min=0, help="库存 / stock (rewards)")] = 0,
) -> None:
    """向积分商城添加奖励或公益项目 / Add a reward or a public-good project to the catalogue."""
    try:
        with common.open_database() as database, database.transaction() as session:
            item_id = wallet.add_item(
                session, kind, name_zh, name_en, cost_points=cost, stock=stock, actor=get_settings().actor
            )
    except CreditsError as exc:
        raise _refused(exc) from None
    common.say(common.out, "credits.cli.item_added", id=item_id)


def register(root: typer.Typer) -> None:
    """Mount ``credits partner add|rotate``, ``credits verify|match|expire|purge|daily|rotate-key|forget|reverse``,
    ``credits item add``."""
    group = typer.Typer(help="碳普惠（绿色出行积分） / green-trip carbon credits", no_args_is_help=True)
    partner = typer.Typer(help="合作方应用 / partner apps", no_args_is_help=True)
    partner.command("add")(partner_add)
    partner.command("rotate")(partner_rotate)
    group.add_typer(partner, name="partner")
    item = typer.Typer(help="积分商城 / catalogue", no_args_is_help=True)
    item.command("add")(item_add)
    group.add_typer(item, name="item")
    for name, command in (
        ("verify", verify),
        ("match", match),
        ("expire", expire),
        ("purge", purge),
        ("daily", daily),
        ("rotate-key", rotate_key),
        ("forget", forget),
        ("reverse", reverse),
    ):
        group.command(name)(command)
    root.add_typer(group, name="credits")
