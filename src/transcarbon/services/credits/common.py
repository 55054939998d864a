"""What the credit use cases share: the city's methodology, pseudonyms, accounts and the bilingual error."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.credits import CreditsSection, credits_section, methodology_folder
from transcarbon.factors.credits import Methodology, methodology
from transcarbon.services import keys
from transcarbon.store import bulk
from transcarbon.store.models_credits import CreditAccount

PURPOSE = "credits"
"""The key ring of users' pseudonyms and partners' secrets (``TRANSCARBON_CREDITS_KEY`` or a key folder)."""
POOL_REF = "city"


class CreditsError(Exception):
    """A refused request: HTTP-like ``status`` (404, 409, 422 …) and a catalog ``key`` with its values."""

    def __init__(self, status: int, key: str, **values: object):
        self.status, self.key, self.values = status, key, values
        super().__init__(key)


@dataclass(frozen=True)
class CreditsContext:
    """The city's credit setting: its section, the methodology that credits new trips, its time zone."""

    section: CreditsSection
    method: Methodology
    tz: ZoneInfo

    @classmethod
    def of(cls, city: CityConfig) -> CreditsContext:
        section = credits_section(city)
        return cls(
            section,
            methodology(section.methodology, section.baseline, methodology_folder(city)),
            ZoneInfo(city.city.timezone),
        )


_contexts: dict[int, tuple[CityConfig, CreditsContext]] = {}


def context(city: CityConfig) -> CreditsContext:
    """The city's :class:`CreditsContext`, resolved once per city object."""
    found = _contexts.get(id(city))
    if found is None or found[0] is not city:
        found = _contexts[id(city)] = (city, CreditsContext.of(city))
    return found[1]


def pseudonym(user_ref: str) -> str:
    """The keyed hash of a user's reference (HMAC-SHA256 under the credits key): the account's only link to a
    person. The same reference gives the same pseudonym whichever partner sends it."""
    key = keys.ring(PURPOSE).current
    return hmac.new(key.secret, b"user|" + user_ref.encode("utf-8"), hashlib.sha256).hexdigest()


def now_utc() -> datetime:
    return datetime.now(UTC)


def account(session: Session, kind: str, ref: str, *, create: bool = True) -> CreditAccount | None:
    """The account (kind, ref), opened when missing and ``create`` (call with the ledger's head held)."""
    found = session.scalars(select(CreditAccount).where(CreditAccount.kind == kind, CreditAccount.ref == ref)).first()
    if found is None and create:
        found = CreditAccount(kind=kind, ref=ref, balance_points=0, created_at=now_utc())
        session.add(found)
        session.flush()
    return found


def user_accounts(session: Session, refs: list[str]) -> dict[str, int]:
    """The user account ids of these pseudonyms, opening the missing ones (call with the ledger's head held): one
    set query and one insert, whatever the number."""
    table = cast(Table, CreditAccount.__table__)
    found: dict[str, int] = {
        ref: acct_id
        for ref, acct_id in bulk.member_of(
            session, lambda cond: select(table.c.ref, table.c.id).where(table.c.kind == "user", cond), table.c.ref, refs
        )
    }
    missing = sorted(set(refs) - set(found))
    if missing:
        at = now_utc()
        made = session.execute(
            insert(table).returning(table.c.ref, table.c.id),
            [{"kind": "user", "ref": r, "balance_points": 0, "created_at": at} for r in missing],
        )
        found.update({ref: acct_id for ref, acct_id in made})
    return found
