"""Each anti-fraud rule on a constructed case (modes: 0 walk, 1 bike, 2 bus; times in seconds)."""

from __future__ import annotations

import numpy as np

from transcarbon.methods.credits_rules import PENDING_STATUS, REJECTED, RULES, ModeLimits, Trips, evaluate

LIMITS = ModeLimits(
    max_speed_kmh=np.array([7.0, 25.0, 60.0]),
    daily_km_cap=np.array([20.0, 60.0, 150.0]),
    review_km=np.array([12.0, 30.0, 80.0]),
    needs_navigation=np.array([True, True, False]),
    needs_fare_match=np.array([False, False, True]),
)
H = 3600


def trips(rows: list[tuple[int, int, int, int, int, float, bool, bool]]) -> Trips:
    """(user, partner, mode, start, end, km, navigated, fare matched); all on day 0."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    return Trips(
        user=np.array(cols[0], dtype=np.int64),
        partner=np.array(cols[1], dtype=np.int64),
        mode=np.array(cols[2], dtype=np.int64),
        start_s=np.array(cols[3], dtype=np.int64),
        end_s=np.array(cols[4], dtype=np.int64),
        day=np.zeros(len(rows), dtype=np.int64),
        distance_km=np.array(cols[5], dtype=np.float64),
        navigated=np.array(cols[6], dtype=bool),
        fare_matched=np.array(cols[7], dtype=bool),
    )


NONE = trips([])


def reasons(v: object) -> list[str | None]:
    return [RULES[r] if r >= 0 else None for r in v.reason]  # type: ignore[attr-defined]


def test_speed_walk_and_bike() -> None:
    # 4 km in 30 min on foot = 8 km/h > 7: rejected; 3 km in 30 min = 6 km/h passes; 13 km/0.5 h bike = 26 > 25
    v = evaluate(
        trips(
            [
                (1, 1, 0, 0, H // 2, 4.0, True, False),
                (2, 1, 0, 0, H // 2, 3.0, True, False),
                (3, 1, 1, 0, H // 2, 13.0, True, False),
            ]
        ),
        NONE,
        LIMITS,
    )
    assert v.speed_kmh.tolist() == [8.0, 6.0, 26.0]
    assert reasons(v) == ["speed", None, "speed"]
    assert v.status.tolist() == [REJECTED, 0, REJECTED]


def test_navigation_required_for_walking() -> None:
    v = evaluate(trips([(1, 1, 0, 0, H, 3.0, False, False)]), NONE, LIMITS)
    assert reasons(v) == ["navigation"]


def test_overlap_same_partner_and_duplicate_across_partners() -> None:
    kept = trips([(1, 1, 1, 0, H, 10.0, True, True)])
    new = trips(
        [
            (1, 1, 1, H // 2, 2 * H, 10.0, True, False),  # overlaps the kept one, same partner
            (1, 2, 1, 60, H + 60, 10.0, True, False),  # the same ride through partner 2
            (1, 1, 1, H, 2 * H, 10.0, True, False),  # touches the kept one only, but overlaps the first new one
            (2, 2, 1, 0, H, 10.0, True, False),  # another user: fine
        ]
    )
    v = evaluate(new, kept, LIMITS)
    assert reasons(v) == ["overlap", "duplicate_partner", "overlap", None]


def test_a_kept_trip_starting_later_still_counts() -> None:
    kept = trips([(1, 2, 0, H, 2 * H, 3.0, True, True)])
    v = evaluate(trips([(1, 1, 0, H // 2, H + 60, 3.0, True, False)]), kept, LIMITS)
    assert reasons(v) == ["duplicate_partner"]


def test_daily_cap_counts_kept_and_earlier_trips() -> None:
    kept = trips([(1, 1, 0, 0, 2 * H, 9.0, True, True)])  # 9 km already walked today
    new = trips(
        [
            (1, 1, 0, 3 * H, 5 * H, 9.0, True, False),  # 18 km: within 20
            (1, 1, 0, 6 * H, 6 * H + 1800, 3.0, True, False),  # 21 km > 20: refused
            (1, 1, 1, 7 * H, 8 * H, 5.0, True, False),  # cycling has its own cap
        ]
    )
    v = evaluate(new, kept, LIMITS)
    assert v.day_km.tolist() == [18.0, 21.0, 5.0]
    assert reasons(v) == [None, "daily_cap", None]


def test_transit_pending_until_fare_matched_and_long_trips_to_review() -> None:
    v = evaluate(
        trips(
            [
                (1, 1, 2, 0, H, 10.0, False, False),  # bus without a fare record: pending
                (2, 1, 2, 0, H, 10.0, False, True),  # matched: credited
                (3, 1, 0, 0, 3 * H, 13.0, True, False),  # 13 km walk at 4.3 km/h: review (> 12 km)
            ]
        ),
        NONE,
        LIMITS,
    )
    assert reasons(v) == ["fare_match", None, "review"]
    assert v.status.tolist() == [PENDING_STATUS, 0, PENDING_STATUS]


def test_rejection_wins_over_pending() -> None:
    v = evaluate(trips([(1, 1, 2, 0, H // 10, 10.0, False, False)]), NONE, LIMITS)  # bus at 100 km/h, no fare
    assert reasons(v) == ["speed"]
    assert v.flags["fare_match"].tolist() == [True]
