"""A synthetic month of green trips (碳普惠, November 2025) loaded through the credit services: three partner apps
(a MaaS app, the transit card, a bike share), 150 pseudonymous users with their consents, about 4,600 trips and
the fare-card records of the transit trips, a catalogue with redemptions and a donation, and fraud that the rules
catch: walkers too fast, bike trips without navigation, the same trips sent by two apps, overlapping trips, a
daily cap exceeded, transit trips never matched to a fare, long rides held for review (one credited, one
appealed), and a credit reversed. Deterministic (seeded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.services.credits import intake, partners, review, views, wallet
from transcarbon.services.credits.common import CreditsError, context
from transcarbon.services.credits.intake import FareInput, TripInput
from transcarbon.services.credits.ledger import lock
from transcarbon.services.credits.partners import CreditPartner

MONTH_START = datetime(2025, 11, 1, tzinfo=UTC)
DAYS = 30
USERS = 150
NOW = MONTH_START + timedelta(days=DAYS + 10)  # the month is a past one: the claim window has passed
TZ_HOURS = 8  # Asia/Shanghai
# mode: (share of trips, distance range [km], speed range [km/h])
MODES = {
    "walk": (0.25, (0.5, 3.0), (3.5, 5.5)),
    "bike": (0.30, (1.0, 8.0), (9.0, 16.0)),
    "bus": (0.30, (2.0, 15.0), (14.0, 24.0)),
    "rail": (0.05, (10.0, 60.0), (50.0, 90.0)),
    "carpool": (0.10, (5.0, 25.0), (25.0, 40.0)),
}


@dataclass
class _Trip:
    partner: str
    user: int
    mode: str
    start: datetime
    km: float
    speed: float
    navigated: bool = True

    def input(self, key: str) -> TripInput:
        end = self.start + timedelta(hours=self.km / self.speed)
        return TripInput(
            key,
            f"demo-user-{self.user:04d}",
            self.mode,
            round(self.km, 3),
            self.start,
            end,
            {"navigated": self.navigated} if self.mode in ("walk", "bike") else None,
        )


def _commutes(rng: np.random.Generator) -> list[_Trip]:
    """Two commutes a day for most users, modes and lengths drawn per trip (vectorised draws)."""
    names = list(MODES)
    shares = np.array([MODES[m][0] for m in names])
    grid = np.meshgrid(np.arange(USERS), np.arange(DAYS), np.arange(2), indexing="ij")
    user, day, leg = (g.ravel() for g in grid)
    go = rng.random(user.size) < np.where(leg == 0, 0.55, 0.45)
    user, day, leg = user[go], day[go], leg[go]
    mode = rng.choice(len(names), size=user.size, p=shares / shares.sum())
    lo = np.array([MODES[n][1][0] for n in names])[mode]
    hi = np.array([MODES[n][1][1] for n in names])[mode]
    km = lo + (hi - lo) * rng.random(user.size)
    slo = np.array([MODES[n][2][0] for n in names])[mode]
    shi = np.array([MODES[n][2][1] for n in names])[mode]
    speed = slo + (shi - slo) * rng.random(user.size)
    hour = np.where(leg == 0, 7.0, 17.5) + rng.random(user.size) - TZ_HOURS
    out = []
    for u, d, h, m, k, s in zip(user, day, hour, mode, km, speed, strict=True):
        name = names[m]
        partner = "bike" if name == "bike" else "maas"
        start = MONTH_START + timedelta(days=int(d), hours=float(h))
        out.append(_Trip(partner, int(u), name, start.replace(microsecond=0), float(k), float(s)))
    return out


def _fraud(rng: np.random.Generator, trips: list[_Trip]) -> list[_Trip]:
    """Trips the rules must catch, added to or altered in the honest ones."""
    extra: list[_Trip] = []
    walks = [t for t in trips if t.mode == "walk"]
    bikes = [t for t in trips if t.mode == "bike"]
    for t in walks[::30]:  # too fast on foot
        t.speed = 12.0
    for t in bikes[::25]:  # not navigated
        t.navigated = False
    for t in bikes[1::40]:  # the same ride also sent by the MaaS app
        extra.append(_Trip("maas", t.user, "bike", t.start + timedelta(minutes=1), t.km, t.speed))
    for t in walks[2::60]:  # a second walk overlapping the first, same app
        extra.append(_Trip("maas", t.user, "walk", t.start + timedelta(minutes=5), 1.0, 4.5))
    for user in range(5):  # six 4.5 km walks in a day: over the 20 km cap
        day = MONTH_START + timedelta(days=12, hours=1 + user)
        extra += [_Trip("maas", user, "walk", day + timedelta(hours=1.5 * i), 4.5, 5.0) for i in range(6)]
    for user in range(5, 10):  # long rides: held for review
        extra.append(_Trip("bike", user, "bike", MONTH_START + timedelta(days=20, hours=2), 35.0, 15.0))
    return trips + extra


def build_credits_demo(session: Session, city: CityConfig, *, actor: str, seed: int = 20251101) -> dict[str, int]:
    """Load the month (see the module); returns counts by status."""
    rng = np.random.default_rng(seed)
    ctx = context(city)
    made = {
        kind: partners.add_partner(session, name, kind, actor=actor)
        for name, kind in (
            ("港城出行 MaaS (demo)", "maas"),
            ("连云港公交卡 (demo)", "transit_card"),
            ("共享单车 (demo)", "bike_share"),
        )
    }
    partner = {k: session.get(CreditPartner, v["partner_id"]) for k, v in made.items()}
    maas, card, bike = partner["maas"], partner["transit_card"], partner["bike_share"]
    assert maas is not None and card is not None and bike is not None
    intake.set_consents(  # a few users never consent to walking
        session,
        maas,
        [
            (f"demo-user-{u:04d}", scene, True)
            for u in range(USERS)
            for scene in intake.SCENES
            if not (scene == "walking" and u % 50 == 49)
        ],
    )
    trips = _fraud(rng, _commutes(rng))
    transit = [t for t in trips if t.mode in ("bus", "rail")]
    fares = [  # the card records arrive first here; trips sent before their fare wait pending until it does
        FareInput(f"tap-{i}", f"demo-user-{t.user:04d}", t.mode, t.start + timedelta(minutes=2))
        for i, t in enumerate(transit)
        if i % 12 != 5  # one in twelve never taps: rejected once the claim window passes
    ]
    for i in range(0, len(fares), intake.MAX_BATCH):
        intake.record_fares(session, ctx, card, fares[i : i + intake.MAX_BATCH], now=NOW)
    for name, who in (("maas", maas), ("bike", bike)):
        mine = [t for t in trips if t.partner == name]
        for i in range(0, len(mine), intake.MAX_BATCH):
            chunk = mine[i : i + intake.MAX_BATCH]
            intake.submit_trips(session, ctx, who, [t.input(f"{name}-{i + j}") for j, t in enumerate(chunk)], now=NOW)
    intake.match_pending(session, ctx, lock(session), now=NOW)
    _after(session, maas, actor)
    wallet.expire(session, ctx, as_of=NOW, actor=actor)  # nothing is a year old yet: no posting
    return dict(views.admin_overview(session, ctx)["counts"])


def _after(session: Session, maas: CreditPartner, actor: str) -> None:
    """Review decisions, an appeal, a reversal, the catalogue, redemptions and a donation."""
    queue = review.queue(session)
    if queue:
        review.decide(session, queue[0]["trip_id"], "credit", actor=actor, note="demo: a long but real ride")
        review.decide(session, queue[1]["trip_id"], "reject", actor=actor, note="demo: no trace of the ride")
    rejected = review.first_trip(session, status="rejected", reason="speed")
    if rejected is not None:
        review.appeal(session, maas, rejected, "我当时在跑步 / I was running")
    credited = review.first_trip(session, status="credited", mode="bike")
    if credited is not None:
        review.reverse(session, credited, actor=actor, note="demo: the bike share reported a faulty lock")
    ticket = wallet.add_item(
        session, "reward", "公交一日票", "Bus day ticket", cost_points=50, stock=100, partner_id=None, actor=actor
    )
    coffee = wallet.add_item(
        session,
        "reward",
        "共享单车月卡",
        "Bike-share month pass",
        cost_points=200,
        stock=20,
        partner_id=None,
        actor=actor,
    )
    trees = wallet.add_item(session, "project", "花果山植树", "Trees on Huaguo Mountain", actor=actor)
    for u in range(20):
        ref = f"demo-user-{u:04d}"
        try:
            wallet.redeem(session, maas, ref, ticket if u % 3 else coffee, f"demo-redeem-{u}")
            wallet.donate(session, maas, ref, trees, 5, f"demo-donate-{u}")
        except CreditsError:
            continue  # not enough points: the demo goes on
