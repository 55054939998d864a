"""Daily caps count by the city's calendar day in its own time zone (zoneinfo), also across a change to or from
summer time: a day of 25 or 23 hours still ends at local midnight."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from credit_fixtures import Credits, credits
from transcarbon.services.credits import intake
from transcarbon.store.models_credits import CreditTrip

__all__ = ["credits"]  # the fixture

BERLIN = ZoneInfo("Europe/Berlin")  # summer time ends 2026-10-25 03:00 CEST (UTC+2) -> 02:00 CET (UTC+1)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _day(credits: Credits, zone: str, *instants: str) -> list[str]:
    ctx = replace(credits.ctx, tz=ZoneInfo(zone))
    starts = np.array([int(_at(i).timestamp()) for i in instants], dtype=np.int64)
    return [str(np.datetime64(int(d), "D")) for d in intake._days(starts, ctx)]


def test_local_days_follow_the_offset_in_force(credits: Credits) -> None:
    # Berlin, 2026-03-29 has 23 hours: 22:00Z is already 00:00 CEST of the 30th (the offset was +1 that morning)
    assert _day(credits, "Europe/Berlin", "2026-03-28T23:00", "2026-03-29T21:59", "2026-03-29T22:00") == [
        "2026-03-29",
        "2026-03-29",
        "2026-03-30",
    ]
    # 2026-10-25 has 25 hours: from 22:00Z on the 24th (00:00 CEST) to 23:00Z on the 25th (00:00 CET)
    assert _day(credits, "Europe/Berlin", "2026-10-24T22:00", "2026-10-25T22:59", "2026-10-25T23:00") == [
        "2026-10-25",
        "2026-10-25",
        "2026-10-26",
    ]
    # the city itself: Asia/Shanghai, UTC+8 all year
    assert _day(credits, "Asia/Shanghai", "2026-05-04T15:59", "2026-05-04T16:00") == ["2026-05-04", "2026-05-05"]


def _walk(key: str, start: str, km: float, minutes: int) -> intake.TripInput:
    at = _at(start)
    return intake.TripInput(key, "u1", "walk", km, at, at + timedelta(minutes=minutes), {"navigated": True})


def test_daily_cap_across_the_end_of_summer_time(credits: Credits) -> None:
    """Walking cap 20 km a day. Three 6 km walks on Berlin's 25-hour 2026-10-25 (the first at 00:00 CEST) leave
    2 km: a 4 km walk at 23:30 CET the same day exceeds the cap (22 km); one at 00:15 CET on the 26th starts a new
    day. An offset taken once for the batch (+2 at its first trip) would have put 23:30 CET on the 26th."""
    credits.consent("u1")
    credits.ctx = replace(credits.ctx, tz=BERLIN)
    answers = credits.submit(
        [
            _walk("a", "2026-10-24T22:00", 6, 60),  # 00:00-01:00 CEST, 25 Oct
            _walk("b", "2026-10-25T06:00", 6, 60),
            _walk("c", "2026-10-25T12:00", 6, 60),
            _walk("d", "2026-10-25T22:30", 4, 40),  # 23:30 CET, 25 Oct: 22 km that day
            _walk("e", "2026-10-25T23:15", 4, 40),  # 00:15 CET, 26 Oct
        ]
    )
    assert [a["status"] for a in answers] == ["credited", "credited", "credited", "rejected", "credited"]
    assert answers[3]["reason"] == "daily_cap"
    with credits.db.transaction() as s:
        days = dict(s.execute(select(CreditTrip.idempotency_key, CreditTrip.day)).all())
    assert days == {"a": "2026-10-25", "b": "2026-10-25", "c": "2026-10-25", "d": "2026-10-25", "e": "2026-10-26"}
