"""Green-trip credits in tests: a platform on an empty database (the city's context, a partner per kind) and helpers
to build trips; the `credits` fixture for the modules that import it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from transcarbon.city.config import load_city
from transcarbon.services.credits import intake, partners
from transcarbon.services.credits.common import CreditsContext, context
from transcarbon.services.database import Database
from transcarbon.store.models_credits import CreditPartner

T0 = datetime(2026, 5, 4, 0, 0, tzinfo=UTC)  # 08:00 in Lianyungang


@dataclass
class Credits:
    db: Database
    ctx: CreditsContext
    ids: dict[str, int]

    def partner(self, session: object, kind: str = "maas") -> CreditPartner:
        found = session.get(CreditPartner, self.ids[kind])  # type: ignore[attr-defined]
        assert found is not None
        return found

    def submit(self, items: list[intake.TripInput], kind: str = "maas", **kw: object) -> list[dict[str, object]]:
        with self.db.transaction() as s:
            return intake.submit_trips(s, self.ctx, self.partner(s, kind), items, **kw)  # type: ignore[arg-type]

    def consent(self, user: str, *scenes: str) -> None:
        with self.db.transaction() as s:
            intake.set_consents(s, self.partner(s), [(user, sc, True) for sc in scenes or intake.SCENES])


def trip(
    key: str,
    user: str = "u1",
    mode: str = "walk",
    km: float = 2.0,
    start_min: float = 0,
    minutes: float = 30,
    navigated: bool | None = True,
) -> intake.TripInput:
    start = T0 + timedelta(minutes=start_min)
    evidence = None if navigated is None else {"navigated": navigated}
    return intake.TripInput(key, user, mode, km, start, start + timedelta(minutes=minutes), evidence)


@pytest.fixture
def credits(migrated_db_url: str) -> Iterator[Credits]:
    db = Database.open(migrated_db_url)
    ids = {}
    with db.transaction() as s:
        for kind in partners.KINDS:
            ids[kind] = int(partners.add_partner(s, f"partner {kind}", kind, actor="test")["partner_id"])
    yield Credits(db, context(load_city()), ids)
    db.close()
