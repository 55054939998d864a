"""Anti-fraud rules of green-trip credits, evaluated for a batch of new trips against the kept trips of the same
users, vectorised (sorting, running maxima and grouped sums; no per-trip loop).

Rules (their verdicts are recorded on every trip; the rule set has a version, :data:`RULES`):

``speed``
    Plausible average speed: :math:`v = d / (t_{end} - t_{start})` [km/h] must not exceed the mode's limit
    (walking ≤ ~7 km/h, cycling ≤ ~25 km/h average [1]_). Otherwise rejected.
``navigation``
    Walking and cycling count only for navigated (GPS-traced) trips [1]_: ``evidence.navigated`` must be true.
``duplicate_partner``
    The same user's trip overlapping in time with a trip that another partner already submitted (the same
    trip through two apps). Rejected: the earlier-starting (or already kept) one holds.
``overlap``
    The user's trip overlapping in time with another of their trips from the same partner. Rejected.
``daily_cap``
    Kilometres of a mode per user and day: the trip is refused when the day's kilometres of the mode, counting
    every trip submitted before it that day (in order of start) and itself, exceed the cap.
``fare_match``
    Transit trips (bus, metro, rail) stay pending until matched to a fare-card record of the same user and mode
    within a window of the start (then credited), and are refused when the claim window passes unmatched [1]_.
``review``
    A plausible but unusually long trip (over the mode's review distance) waits in the review queue.

Trips touching end to start do not overlap. Order of verdicts: the first rejecting rule of
``speed, navigation, duplicate_partner, overlap, daily_cap`` decides a rejection; otherwise ``fare_match``,
then ``review`` leave the trip pending; otherwise it is credited.

References
----------
.. [1] Beijing MaaS 绿动全城 practice (navigation required for walking and cycling; transit matched to fare
   records at T+2, claimed within 7 days); speed limits as in ``data/credits/mode_factors.csv`` (to check).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RULES_VERSION = "rules-2026.1"
RULES: tuple[str, ...] = ("speed", "navigation", "duplicate_partner", "overlap", "daily_cap", "fare_match", "review")
REJECTING: tuple[str, ...] = ("speed", "navigation", "duplicate_partner", "overlap", "daily_cap")
PENDING: tuple[str, ...] = ("fare_match", "review")

CREDITED, REJECTED, PENDING_STATUS = 0, 1, 2

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
_OFF = np.int64(1) << np.int64(33)  # larger than any time in seconds before the year 2242: separates groups


@dataclass(frozen=True)
class ModeLimits:
    """Per mode code (index): speed limit [km/h] (inf: none), daily cap [km] (inf: none), review distance [km]
    (inf: none), whether navigation is required, whether a fare-card match is required."""

    max_speed_kmh: F64
    daily_km_cap: F64
    review_km: F64
    needs_navigation: B
    needs_fare_match: B


@dataclass(frozen=True)
class Trips:
    """Trips as columns: user and partner codes, mode code, start and end [s since the epoch], local day
    [days since the epoch], distance [km], navigated, fare-card matched."""

    user: I64
    partner: I64
    mode: I64
    start_s: I64
    end_s: I64
    day: I64
    distance_km: F64
    navigated: B
    fare_matched: B

    def __len__(self) -> int:
        return int(self.user.size)


@dataclass(frozen=True)
class Verdicts:
    """Per new trip: each rule's flag (True = the rule objects), the measured speed [km/h] and the day's km of the
    mode including the trip; ``status`` (0 credited, 1 rejected, 2 pending) and ``reason`` (index into
    :data:`RULES`, -1 none)."""

    flags: dict[str, B]
    speed_kmh: F64
    day_km: F64
    status: I64
    reason: I64


def _groups(*keys: I64) -> I64:
    """Dense group codes of the rows' key tuples."""
    stacked = np.stack(keys, axis=1)
    _, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return np.asarray(inverse.reshape(-1), dtype=np.int64)


def _overlaps(group: I64, start: I64, end: I64, is_new: B, order_key: I64) -> B:
    """Whether each row overlaps an earlier row of its group (earlier in (start, kept-first, order) order), or a
    kept (not new) row starting later in its group."""
    order = np.lexsort((order_key, is_new, start, group))
    g, s, e, new = group[order], start[order], end[order], is_new[order]
    adj_start, adj_end = s + g * _OFF, e + g * _OFF
    running_end = np.maximum.accumulate(adj_end)
    prev_end = np.concatenate(([np.iinfo(np.int64).min], running_end[:-1]))
    big = np.iinfo(np.int64).max
    kept_start = np.where(new, big, adj_start)
    next_kept = np.minimum.accumulate(kept_start[::-1])[::-1]
    next_start = np.concatenate((next_kept[1:], [big]))
    hit = (adj_start < prev_end) | (adj_end > next_start)
    out = np.empty_like(hit)
    out[order] = hit
    return out


def _day_km(group: I64, start: I64, is_new: B, order_key: I64, distance: F64) -> F64:
    """Running kilometres of each row's group up to and including it (in (start, kept-first, order) order)."""
    order = np.lexsort((order_key, is_new, start, group))
    g, d = group[order], distance[order]
    total = np.cumsum(d)
    first = np.r_[True, g[1:] != g[:-1]]
    base = np.where(first, total - d, 0.0)
    base = np.maximum.accumulate(np.where(first, base, -np.inf))
    out = np.empty_like(total)
    out[order] = total - base
    return out


def evaluate(new: Trips, kept: Trips, limits: ModeLimits) -> Verdicts:
    """The verdicts of every rule on each of ``new`` (in submission order), against the ``kept`` trips of the same
    users (any status) and each other."""
    n = len(new)
    user = np.concatenate((new.user, kept.user))
    partner = np.concatenate((new.partner, kept.partner))
    start = np.concatenate((new.start_s, kept.start_s))
    end = np.concatenate((new.end_s, kept.end_s))
    is_new = np.r_[np.ones(n, dtype=bool), np.zeros(len(kept), dtype=bool)]
    order_key = np.arange(user.size, dtype=np.int64)
    any_overlap = _overlaps(_groups(user), start, end, is_new, order_key)[:n]
    same_partner = _overlaps(_groups(user, partner), start, end, is_new, order_key)[:n]
    day_group = _groups(user, np.concatenate((new.mode, kept.mode)), np.concatenate((new.day, kept.day)))
    distance = np.concatenate((new.distance_km, kept.distance_km))
    day_km = _day_km(day_group, start, is_new, order_key, distance)[:n]
    hours = (new.end_s - new.start_s) / 3600.0
    speed = np.divide(new.distance_km, hours, out=np.full(n, np.inf), where=hours > 0)
    flags: dict[str, B] = {
        "speed": speed > limits.max_speed_kmh[new.mode],
        "navigation": limits.needs_navigation[new.mode] & ~new.navigated,
        "duplicate_partner": any_overlap & ~same_partner,
        "overlap": same_partner,
        "daily_cap": day_km > limits.daily_km_cap[new.mode] + 1e-9,
        "fare_match": limits.needs_fare_match[new.mode] & ~new.fare_matched,
        "review": new.distance_km > limits.review_km[new.mode],
    }
    reason = np.full(n, -1, dtype=np.int64)
    status = np.full(n, CREDITED, dtype=np.int64)
    for rule in reversed(RULES):  # the first objecting rule (in RULES order) wins
        hit = flags[rule]
        reason[hit] = RULES.index(rule)
        status[hit] = REJECTED if rule in REJECTING else PENDING_STATUS
    return Verdicts(flags, speed, day_km, status, reason)
