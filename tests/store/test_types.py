"""Column types: timestamps come back from every database with their time zone (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from transcarbon.store import db
from transcarbon.store.models import Organisation


def test_timestamps_come_back_aware_in_utc(migrated_db_url: str) -> None:
    engine = db.make_engine(migrated_db_url)
    factory = db.session_factory(engine)
    shanghai = timezone(timedelta(hours=8))
    with db.transaction(factory) as s:
        s.add(
            Organisation(
                id="A",
                name_zh="甲",
                name_en="A",
                kind="enterprise",
                created_at=datetime(2024, 3, 1, 8, 0, tzinfo=shanghai),
            )
        )
    with factory() as s:
        org = s.get(Organisation, "A")
        assert org is not None
        assert org.created_at.tzinfo is not None
        assert org.created_at == datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
    engine.dispose()
