"""Trips, consents and fare-card records from partner apps; the anti-fraud rules and crediting.

:func:`submit_trips` takes one trip or a batch: with the ledger's head held (:func:`.ledger.lock`) it answers
each idempotency key already seen with its trip (the same body) or refuses it (another body), opens an account
for each pseudonym seen for the first time, keeps no personal data of a trip whose scene the user has not
consented to (rejected ``no_consent``), evaluates every rule of :mod:`transcarbon.methods.credits_rules`
against the user's kept trips (vectorised over the batch), matches transit trips to fare-card records, computes
the reduction and points by :mod:`transcarbon.methods.credits` and posts one credit per credited trip. The
methodology's version and hash, the baseline and mode factors and every verdict are stored on the trip.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, cast

import numpy as np
import polars as pl
from sqlalchemy import Table, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from transcarbon.factors.bounds import physical_bounds
from transcarbon.methods.credits import trip_points, trip_reduction_kg
from transcarbon.methods.credits_rules import CREDITED, REJECTED, REJECTING, RULES, Trips, evaluate
from transcarbon.services.chain import canonical_json
from transcarbon.services.credits import ledger
from transcarbon.services.credits.common import (
    POOL_REF,
    CreditsContext,
    CreditsError,
    account,
    now_utc,
    pseudonym,
    user_accounts,
)
from transcarbon.store import bulk
from transcarbon.store.models_credits import CreditAccount, CreditConsent, CreditFare, CreditPartner, CreditTrip

_TRIPS = cast(Table, CreditTrip.__table__)
_CONSENTS = cast(Table, CreditConsent.__table__)
_FARES = cast(Table, CreditFare.__table__)
SCENES = ("transit", "cycling", "walking", "carpool")
MAX_BATCH = 1000
"""The most trips (or fare records) one batch request may carry."""


def trip_bounds() -> tuple[float, float]:
    """The longest trip accepted at intake: (distance [km], duration [h]), from ``data/bounds/physical.csv``."""
    bounds = physical_bounds()
    return bounds["trip_distance_km"].max, bounds["trip_duration_h"].max


KEPT_EVIDENCE = ("navigated",)
"""The only evidence kept (minimum data): whether the trip was navigated (GPS-traced)."""


@dataclass(frozen=True)
class TripInput:
    """One trip as a partner sent it (already validated: finite, bounded, ended after it started)."""

    idempotency_key: str
    user_ref: str
    mode: str
    distance_km: float
    started_at: datetime
    ended_at: datetime
    evidence: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        return {
            "user_ref": self.user_ref,
            "mode": self.mode,
            "distance_km": self.distance_km,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "evidence": self.evidence,
        }

    @cached_property
    def body_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.body()).encode("utf-8")).hexdigest()


_ANSWER_FIELDS = ("id", "status", "reduction_kg", "points", "reason", "pending_reason")


def as_row(trip: CreditTrip) -> dict[str, Any]:
    """A stored trip as the plain row the intake works with."""
    return {c.key: getattr(trip, c.key) for c in CreditTrip.__table__.columns}


def answer(trip: CreditTrip | dict[str, Any]) -> dict[str, Any]:
    """The answer of the intake contract: trip id, status, reduction [kg], points and, when any, the reason."""
    row = trip if isinstance(trip, dict) else as_row(trip)
    out: dict[str, Any] = {
        "trip_id": row["id"],
        "status": row["status"],
        "reduction_kg": round(float(row["reduction_kg"]), 6),
        "points": int(row["points"]),
    }
    reason = row["reason"] or row["pending_reason"]
    if reason:
        out["reason"] = reason
    return out


def _refused(status: int, key: str) -> dict[str, Any]:
    return {"error": key, "http_status": status}


def _epoch(values: list[datetime]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.array([int(v.timestamp()) for v in values], dtype=np.int64)


def _days(starts: np.ndarray[Any, np.dtype[np.int64]], ctx: CreditsContext) -> np.ndarray[Any, Any]:
    """The city's calendar day of each start [days since 1970-01-01], from UTC seconds: each instant converted in
    the city's zone (``zoneinfo``, the city config's ``timezone``) with the offset in force at that instant, so that
    a day that gains or loses an hour to summer time still ends at local midnight (vectorised, no per-trip loop)."""
    local = pl.from_epoch(pl.Series(starts, dtype=pl.Int64), time_unit="s").dt.replace_time_zone("UTC")
    days = local.dt.convert_time_zone(ctx.tz.key).dt.date().cast(pl.Int32)
    return np.asarray(days.to_numpy(), dtype=np.int64)


def _day_text(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def submit_trips(
    session: Session,
    ctx: CreditsContext,
    partner: CreditPartner,
    items: list[TripInput],
    *,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Answer each item (in order): its trip's answer, or ``{"error", "http_status"}`` (409: the idempotency key
    with another body; 422: a mode the methodology does not credit)."""
    now = now or now_utc()
    head = ledger.lock(session)
    method = ctx.method
    results: list[dict[str, Any] | None] = [None] * len(items)
    seen = _existing(session, partner.id, [it.idempotency_key for it in items])
    fresh: list[int] = []
    first_of_key: dict[str, int] = {}
    for i, it in enumerate(items):
        known = seen.get(it.idempotency_key)
        if known is not None:
            results[i] = answer(known) if known["body_hash"] == it.body_hash else _refused(409, "credits.key_reused")
        elif it.mode not in method.mode_codes:
            results[i] = _refused(422, "credits.unknown_mode")
        elif it.idempotency_key in first_of_key:
            results[i] = None  # answered after the first of its key is stored
        else:
            first_of_key[it.idempotency_key] = i
            fresh.append(i)
    trips = _credit(session, ctx, partner, [items[i] for i in fresh], head, now) if fresh else []
    by_key = {t["idempotency_key"]: t for t in trips}
    for i, it in enumerate(items):
        if results[i] is None:
            trip = by_key[it.idempotency_key]
            results[i] = answer(trip) if trip["body_hash"] == it.body_hash else _refused(409, "credits.key_reused")
    return [r for r in results if r is not None]


_KNOWN = ("idempotency_key", "body_hash", "id", "status", "reduction_kg", "points", "reason", "pending_reason")


def _existing(session: Session, partner_id: int, idem_keys: list[str]) -> dict[str, dict[str, Any]]:
    """The partner's trips already stored under these idempotency keys (the columns of an answer)."""
    cols = [_TRIPS.c[k] for k in _KNOWN]
    rows = bulk.member_of(
        session,
        lambda cond: select(*cols).where(_TRIPS.c.partner_id == partner_id, cond),
        _TRIPS.c.idempotency_key,
        idem_keys,
    )
    return {r[0]: dict(zip(_KNOWN, r, strict=True)) for r in rows}


def _consented(session: Session, account_ids: list[int]) -> set[tuple[int, str]]:
    c = _CONSENTS.c
    rows = bulk.member_of(
        session, lambda cond: select(c.account_id, c.scene).where(cond, c.granted.is_(True)), c.account_id, account_ids
    )
    return {(a, sc) for a, sc in rows}


def _kept(session: Session, account_ids: list[int], lo: datetime, hi: datetime, codes: dict[str, int]) -> pl.DataFrame:
    """The kept trips of these accounts that start in [lo, hi] (any status), as rule columns."""
    t = _TRIPS.c
    rows = bulk.member_of(
        session,
        lambda cond: select(t.account_id, t.partner_id, t.mode, t.started_at, t.ended_at, t.day, t.distance_km).where(
            cond, t.started_at.is_not(None), t.started_at >= lo, t.started_at <= hi
        ),
        t.account_id,
        account_ids,
    )
    frame = pl.DataFrame(
        rows,
        schema={
            "user": pl.Int64,
            "partner": pl.Int64,
            "mode": pl.String,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
            "day": pl.String,
            "distance_km": pl.Float64,
        },
        orient="row",
    )
    return frame.select(
        "user",
        "partner",
        pl.col("mode").replace_strict(codes, default=-1, return_dtype=pl.Int64),
        pl.col("start").dt.epoch("s").alias("start_s"),
        pl.col("end").dt.epoch("s").alias("end_s"),
        pl.col("day").str.to_date().cast(pl.Int64).fill_null(0),
        pl.col("distance_km").fill_null(0.0),
    ).filter(pl.col("mode") >= 0)


def _fares(session: Session, account_ids: list[int], lo: datetime, hi: datetime) -> pl.DataFrame:
    f = _FARES.c
    rows = bulk.member_of(
        session,
        lambda cond: select(f.id, f.account_id, f.mode, f.tapped_at).where(
            cond, f.matched_trip_id.is_(None), f.tapped_at >= lo, f.tapped_at <= hi
        ),
        f.account_id,
        account_ids,
    )
    frame = pl.DataFrame(
        rows,
        schema={"fare_id": pl.Int64, "user": pl.Int64, "mode": pl.String, "tapped": pl.Datetime("us", "UTC")},
        orient="row",
    )
    return frame.select("fare_id", "user", "mode", pl.col("tapped").dt.epoch("s").alias("tap_s"))


def match_fares(trips: pl.DataFrame, fares: pl.DataFrame, window_s: int) -> pl.DataFrame:
    """Each trip (``row``, ``user``, ``mode``, ``start_s``) matched to the nearest unmatched fare record of the same
    user and mode within ``window_s`` of its start (a record matches one trip: the first in order); returns
    ``row`` → ``fare_id`` (null: none)."""
    if trips.is_empty() or fares.is_empty():
        return trips.select("row").with_columns(pl.lit(None, dtype=pl.Int64).alias("fare_id"))
    joined = trips.sort("start_s").join_asof(
        fares.sort("tap_s"),
        left_on="start_s",
        right_on="tap_s",
        by=["user", "mode"],
        strategy="nearest",
        tolerance=window_s,
        check_sortedness=False,  # sorted just above; polars cannot check it within groups
    )
    first = joined.filter(pl.col("fare_id").is_not_null()).sort("row").unique("fare_id", keep="first")
    return trips.select("row").join(first.select("row", "fare_id"), on="row", how="left")


def _credit(
    session: Session,
    ctx: CreditsContext,
    partner: CreditPartner,
    items: list[TripInput],
    head: Any,
    now: datetime,
) -> list[dict[str, Any]]:
    method = ctx.method
    codes = method.mode_codes
    names = {ref: pseudonym(ref) for ref in {it.user_ref for it in items}}
    accounts = user_accounts(session, list(names.values()))
    acct_ids = [accounts[names[it.user_ref]] for it in items]
    consents = _consented(session, sorted(set(acct_ids)))
    consent = np.array(
        [(a, method.scene_of(it.mode) or "") in consents for a, it in zip(acct_ids, items, strict=True)], dtype=bool
    )
    starts = _epoch([it.started_at for it in items])
    ends = _epoch([it.ended_at for it in items])
    days = _days(starts, ctx)
    dist = np.array([it.distance_km for it in items], dtype=np.float64)
    mode_code = np.array([codes[it.mode] for it in items], dtype=np.int64)
    navigated = np.array([bool((it.evidence or {}).get("navigated") is True) for it in items], dtype=bool)
    users = np.array(acct_ids, dtype=np.int64)
    keep = np.flatnonzero(consent)
    matched = np.full(len(items), -1, dtype=np.int64)
    flags: dict[str, np.ndarray[Any, Any]] = {}
    status = np.full(len(items), REJECTED, dtype=np.int64)
    reason = np.full(len(items), -1, dtype=np.int64)
    speed = np.zeros(len(items))
    day_km = np.zeros(len(items))
    if keep.size:
        lo = min(it.started_at for it in items) - timedelta(days=1)
        hi = max(it.ended_at for it in items) + timedelta(days=1)
        kept_ids = sorted(set(users[keep].tolist()))
        kept = _kept(session, kept_ids, lo, hi, codes)
        window = method.fare_match_minutes * 60
        fares = _fares(session, kept_ids, lo - timedelta(seconds=window), hi + timedelta(seconds=window))
        transit = keep[method.limits.needs_fare_match[mode_code[keep]]]
        found = match_fares(
            pl.DataFrame(
                {
                    "row": transit,
                    "user": users[transit],
                    "mode": [items[i].mode for i in transit],
                    "start_s": starts[transit],
                },
                schema={"row": pl.Int64, "user": pl.Int64, "mode": pl.String, "start_s": pl.Int64},
            ),
            fares,
            window,
        )
        for row, fare_id in found.filter(pl.col("fare_id").is_not_null()).iter_rows():
            matched[row] = fare_id
        new = Trips(
            user=users[keep],
            partner=np.full(keep.size, partner.id, dtype=np.int64),
            mode=mode_code[keep],
            start_s=starts[keep],
            end_s=ends[keep],
            day=days[keep],
            distance_km=dist[keep],
            navigated=navigated[keep],
            fare_matched=matched[keep] >= 0,
        )
        old = Trips(
            **{c: kept[c].to_numpy() for c in ("user", "partner", "mode", "start_s", "end_s", "day", "distance_km")},
            navigated=np.ones(kept.height, dtype=bool),
            fare_matched=np.ones(kept.height, dtype=bool),
        )
        verdicts = evaluate(new, old, method.limits)
        status[keep], reason[keep] = verdicts.status, verdicts.reason
        speed[keep], day_km[keep] = verdicts.speed_kmh, verdicts.day_km
        flags = {rule: np.zeros(len(items), dtype=bool) for rule in RULES}
        for rule in RULES:
            flags[rule][keep] = verdicts.flags[rule]
    mode_ef = np.array([method.modes[it.mode].ef_kgco2_per_pkm for it in items])
    reduction = np.round(trip_reduction_kg(method.baseline_ef, mode_ef, dist), 6)
    points = trip_points(reduction, method.points_per_kg)
    created: list[dict[str, Any]] = []
    for i, it in enumerate(items):
        kept_data = bool(consent[i])
        why: str | None = RULES[reason[i]] if reason[i] >= 0 else None
        st = "credited" if status[i] == CREDITED else ("rejected" if status[i] == REJECTED else "pending")
        verdict: dict[str, Any] = (
            {r: ("reject" if flags[r][i] and r in REJECTING else "hold" if flags[r][i] else "pass") for r in RULES}
            | {"speed_kmh": round(float(speed[i]), 3), "day_km": round(float(day_km[i]), 3)}
            if kept_data
            else {"consent": "missing"}
        )
        valued = st != "rejected"
        created.append(
            {
                "partner_id": partner.id,
                "idempotency_key": it.idempotency_key,
                "body_hash": it.body_hash,
                "account_id": acct_ids[i],
                "mode": it.mode,
                "day": _day_text(int(days[i])) if kept_data else None,
                "distance_km": it.distance_km if kept_data else None,
                "started_at": it.started_at if kept_data else None,
                "ended_at": it.ended_at if kept_data else None,
                "evidence": {k: it.evidence[k] for k in KEPT_EVIDENCE if k in it.evidence}
                if kept_data and it.evidence
                else None,
                "status": st,
                "pending_reason": why if st == "pending" else None,
                "reason": (why if st == "rejected" else None) if kept_data else "no_consent",
                "reduction_kg": float(reduction[i]) if valued else 0.0,
                "points": int(points[i]) if valued else 0,
                "methodology_version": method.version,
                "methodology_hash": method.hash,
                "baseline_kind": method.baseline_kind,
                "baseline_ef": method.baseline_ef,
                "mode_ef": float(mode_ef[i]),
                "rules_version": method.rules_version,
                "verdicts": verdict,
                "appeal_status": None,
                "appeal_text": None,
                "decided_by": None,
                "created_at": now,
                "decided_at": None,
            }
        )
    last = session.scalar(select(func.max(CreditTrip.id))) or 0  # trips are inserted only with the head held
    bulk.insert_rows(session, _TRIPS, created)
    ids = dict(
        session.execute(
            select(CreditTrip.idempotency_key, CreditTrip.id).where(
                CreditTrip.id > last, CreditTrip.partner_id == partner.id
            )
        ).all()
    )
    for row in created:
        row["id"] = ids[row["idempotency_key"]]
    fare_links = [{"fid": int(matched[i]), "tid": created[i]["id"]} for i in range(len(items)) if matched[i] >= 0]
    if fare_links:
        _link_fares(session, fare_links)
    post_credits(session, head, [t for t in created if t["status"] == "credited"], now)
    return created


def _link_fares(session: Session, links: list[dict[str, int]]) -> None:
    """Mark each fare record (``fid``) as matched to its trip (``tid``), in one statement on PostgreSQL."""
    bulk.update_by_id(session, _FARES, "matched_trip_id", {link["fid"]: link["tid"] for link in links})


def post_credits(session: Session, head: Any, trips: list[dict[str, Any]], now: datetime) -> None:
    """One credit posting (pool → user) per credited trip (a row, :func:`as_row`) with points."""
    earning = [t for t in trips if t["points"] > 0 and t["account_id"] is not None]
    if not earning:
        return
    pool = account(session, "pool", POOL_REF)
    assert pool is not None
    ledger.post(
        session,
        head,
        [
            ledger.Posting(
                "credit",
                pool.id,
                int(t["account_id"]),
                int(t["points"]),
                f"credit:trip:{t['id']}",
                t["id"],
                {"mode": t["mode"], "reduction_kg": t["reduction_kg"], "methodology": t["methodology_version"]},
            )
            for t in earning
        ],
        at=now,
    )


# --------------------------------------------------------------------------- consents and fare records


def set_consent(
    session: Session, ctx: CreditsContext, partner: CreditPartner, user_ref: str, scene: str, granted: bool
) -> dict[str, Any]:
    """Record a user's consent to a scene (opening the account if new); the latest decision counts."""
    set_consents(session, partner, [(user_ref, scene, granted)])
    return {"scene": scene, "granted": granted}


def set_consents(session: Session, partner: CreditPartner, decisions: list[tuple[str, str, bool]]) -> int:
    """Record users' decisions (user reference, scene, granted), opening new accounts; returns how many."""
    bad = sorted({scene for _, scene, _ in decisions} - set(SCENES))
    if bad:
        raise CreditsError(422, "credits.unknown_scene", scenes=", ".join(SCENES))
    ledger.lock(session)
    names = [pseudonym(ref) for ref, _, _ in decisions]
    accounts = user_accounts(session, names)
    latest = {(accounts[n], scene): granted for n, (_, scene, granted) in zip(names, decisions, strict=True)}
    ids = sorted({a for a, _ in latest})
    known: set[tuple[int, str]] = set()
    for i in range(0, len(ids), 500):
        found = session.execute(
            select(CreditConsent.account_id, CreditConsent.scene).where(CreditConsent.account_id.in_(ids[i : i + 500]))
        )
        known.update((acct, scene) for acct, scene in found)
    at = now_utc()
    rows = [
        {"account_id": a, "scene": sc, "granted": g, "partner_id": partner.id, "at": at}
        for (a, sc), g in latest.items()
    ]
    table = _CONSENTS
    changed = [r for r in rows if (r["account_id"], r["scene"]) in known]
    if changed:
        session.execute(
            update(table)  # executemany by (account, scene)
            .where(table.c.account_id == bindparam("acct"), table.c.scene == bindparam("sc"))
            .values(granted=bindparam("g"), partner_id=bindparam("p"), at=bindparam("t")),
            [
                {"acct": r["account_id"], "sc": r["scene"], "g": r["granted"], "p": r["partner_id"], "t": at}
                for r in changed
            ],
        )
    new = [r for r in rows if (r["account_id"], r["scene"]) not in known]
    if new:
        session.execute(insert(_CONSENTS), new)
    return len(rows)


@dataclass(frozen=True)
class FareInput:
    """A fare-card record: the partner's own reference, the user, the mode and when the card was tapped."""

    fare_ref: str
    user_ref: str
    mode: str
    tapped_at: datetime


def record_fares(
    session: Session,
    ctx: CreditsContext,
    partner: CreditPartner,
    fares: list[FareInput],
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Store fare-card records (a known ``fare_ref`` is skipped) and credit the pending transit trips they match.
    Only transit-card partners send them."""
    if partner.kind != "transit_card":
        raise CreditsError(403, "credits.fares_forbidden")
    now = now or now_utc()
    head = ledger.lock(session)
    refs = [f.fare_ref for f in fares]
    known = set(
        session.scalars(
            select(CreditFare.fare_ref).where(CreditFare.partner_id == partner.id, CreditFare.fare_ref.in_(refs))
        )
    )
    accounts = user_accounts(session, [pseudonym(f.user_ref) for f in fares])
    new: list[dict[str, Any]] = []
    for f in fares:
        if f.fare_ref in known:
            continue
        known.add(f.fare_ref)
        new.append(
            {
                "partner_id": partner.id,
                "fare_ref": f.fare_ref,
                "account_id": accounts[pseudonym(f.user_ref)],
                "mode": f.mode,
                "tapped_at": f.tapped_at,
                "matched_trip_id": None,
                "created_at": now,
            }
        )
    if new:
        session.execute(insert(_FARES), new)
    credited = match_pending(session, ctx, head, now=now, account_ids=sorted({f["account_id"] for f in new}))
    return {"stored": len(new), "skipped": len(fares) - len(new), "trips_credited": credited["credited"]}


def match_pending(
    session: Session,
    ctx: CreditsContext,
    head: Any,
    *,
    now: datetime,
    account_ids: list[int] | None = None,
) -> dict[str, int]:
    """Match pending transit trips (of ``account_ids``, or all) to fare-card records: a matched trip is credited
    (or waits for review when its review rule objected); one still unmatched after the claim window is rejected
    (``fare_unmatched``)."""
    method = ctx.method
    cond = [CreditTrip.status == "pending", CreditTrip.pending_reason == "fare_match"]
    if account_ids is not None:
        if not account_ids:
            return {"credited": 0, "review": 0, "expired": 0}
        cond.append(CreditTrip.account_id.in_(account_ids))
    cols = [_TRIPS.c[k] for k in ("id", "account_id", "mode", "started_at", "verdicts", "points", "reduction_kg")]
    pending = [
        dict(r) for r in session.execute(select(*cols, _TRIPS.c.methodology_version).where(and_(*cond))).mappings()
    ]
    if not pending:
        return {"credited": 0, "review": 0, "expired": 0}
    pending.sort(key=lambda r: r["id"])
    window = method.fare_match_minutes * 60
    starts = [t["started_at"] for t in pending if t["started_at"] is not None]
    fares = _fares(
        session,
        sorted({int(t["account_id"] or 0) for t in pending}),
        min(starts) - timedelta(seconds=window),
        max(starts) + timedelta(seconds=window),
    )
    frame = pl.DataFrame(
        {
            "row": list(range(len(pending))),
            "user": [t["account_id"] for t in pending],
            "mode": [t["mode"] for t in pending],
            "start_s": [int(t["started_at"].timestamp()) if t["started_at"] else 0 for t in pending],
        },
        schema={"row": pl.Int64, "user": pl.Int64, "mode": pl.String, "start_s": pl.Int64},
    )
    found = dict(match_fares(frame, fares, window).filter(pl.col("fare_id").is_not_null()).iter_rows())
    claim = timedelta(days=method.claim_window_days)
    changes: list[dict[str, Any]] = []
    credited: list[dict[str, Any]] = []
    links: list[dict[str, int]] = []
    for row, trip in enumerate(pending):
        verdicts = dict(trip["verdicts"])
        change = {"tid": trip["id"], "st": "pending", "pr": "fare_match", "rs": None, "at": None}
        change |= {"red": trip["reduction_kg"], "pts": trip["points"]}
        if row in found:
            links.append({"fid": int(found[row]), "tid": trip["id"]})
            verdicts["fare_match"] = "pass"
            if verdicts.get("review") == "hold":
                change["pr"] = "review"
            else:
                change |= {"st": "credited", "pr": None, "at": now}
                credited.append(trip | {"status": "credited"})
        elif trip["started_at"] is not None and trip["started_at"] + claim < now:
            verdicts["fare_match"] = "reject"
            change |= {"st": "rejected", "pr": None, "rs": "fare_unmatched", "at": now, "red": 0.0, "pts": 0}
        else:
            continue
        changes.append(change | {"vd": verdicts})
    if changes:
        session.execute(
            update(_TRIPS)
            .where(_TRIPS.c.id == bindparam("tid"))
            .values(
                status=bindparam("st"),
                pending_reason=bindparam("pr"),
                reason=bindparam("rs"),
                decided_at=bindparam("at"),
                reduction_kg=bindparam("red"),
                points=bindparam("pts"),
                verdicts=bindparam("vd"),
            ),
            changes,
        )
    if links:
        _link_fares(session, links)
    post_credits(session, head, credited, now)
    counts = {"credited": len(credited), "review": 0, "expired": 0}
    for c in changes:
        counts["review"] += c["pr"] == "review"
        counts["expired"] += c["rs"] == "fare_unmatched"
    return counts


def partner_account(session: Session, partner_id: int) -> CreditAccount:
    found = account(session, "partner", str(partner_id))
    assert found is not None
    return found
