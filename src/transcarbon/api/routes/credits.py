"""Green-trip carbon credits (碳普惠): the partner apps' intake and statements, the public aggregates and the
ledger's verification. Contract and a signing example: ``docs/credits.md``.

Partner routes are signed, not token-authenticated: ``Authorization: Bearer <partner key>``, ``X-Timestamp:
<unix seconds>``, ``X-Signature: <hex HMAC-SHA256(secret, "<timestamp>\\n" + raw body)>`` (401 when wrong or more
than 5 minutes off). ``user_ref`` travels in bodies only (never in a URL, which logs keep).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from transcarbon.api.deps import CityDep, DbId, StateDep, require
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.services.credits import intake, ledger, partners, privacy, review, views, wallet
from transcarbon.services.credits.common import context
from transcarbon.services.credits.partners import CreditPartner
from transcarbon.services.database import transaction
from transcarbon.services.users import Principal

router = APIRouter(tags=["credits"], responses=PROBLEM_RESPONSES)
T = TypeVar("T")
MAX_KM, MAX_H = intake.trip_bounds()
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)]
Staff = Annotated[Principal, Depends(require("credits.read"))]
Reviewer = Annotated[Principal, Depends(require("credits.review"))]


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class TripBody(_Body):
    """One trip: the user (the partner's reference, hashed with the city's secret), mode, distance, times."""

    user_ref: str = Field(min_length=1, max_length=200)
    mode: str = Field(min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    distance_km: float = Field(gt=0, le=MAX_KM)
    started_at: AwareDatetime
    ended_at: AwareDatetime
    evidence: dict[str, bool | int | float | str | None] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _times(self) -> TripBody:
        hours = (self.ended_at - self.started_at).total_seconds() / 3600
        if not 0 < hours <= MAX_H:
            raise ValueError(f"ended_at must be after started_at, by at most {MAX_H:g} h")
        return self

    def input(self, key: str) -> intake.TripInput:
        return intake.TripInput(
            key, self.user_ref, self.mode, self.distance_km, self.started_at, self.ended_at, self.evidence
        )


class BatchTrip(TripBody):
    idempotency_key: str = Field(min_length=1, max_length=200)


class BatchBody(_Body):
    trips: list[BatchTrip] = Field(min_length=1, max_length=intake.MAX_BATCH)


class TripAnswer(BaseModel):
    trip_id: int
    status: str
    reduction_kg: float
    points: int
    reason: str | None = None


class ConsentBody(_Body):
    user_ref: str = Field(min_length=1, max_length=200)
    scene: str = Field(min_length=1, max_length=20)
    granted: bool


class FareBody(_Body):
    fare_ref: str = Field(min_length=1, max_length=200)
    user_ref: str = Field(min_length=1, max_length=200)
    mode: str = Field(min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    tapped_at: AwareDatetime


class FaresBody(_Body):
    fares: list[FareBody] = Field(min_length=1, max_length=intake.MAX_BATCH)


class UserBody(_Body):
    user_ref: str = Field(min_length=1, max_length=200)


class AppealBody(_Body):
    text: str = Field(min_length=1, max_length=2000)


class RedeemBody(_Body):
    user_ref: str = Field(min_length=1, max_length=200)
    item_id: int = Field(ge=1, le=2_147_483_647)


class DonateBody(RedeemBody):
    points: int = Field(ge=1, le=10**9)


def _signed(state: StateDep, request: Request, raw: bytes, use: Callable[[Session, CreditPartner], T]) -> T:
    """Authenticate the partner and run ``use`` in one transaction."""
    with transaction(state.factory) as session:
        partner = partners.authenticate(
            session,
            request.headers.get("authorization"),
            request.headers.get("x-timestamp"),
            request.headers.get("x-signature"),
            raw,
            time.time(),
        )
        return use(session, partner)


def _one(found: dict[str, Any]) -> dict[str, Any]:
    if "error" in found:
        raise Problem(int(found["http_status"]), str(found["error"]))
    return found


@router.post(
    "/credits/trips",
    summary="Submit a green trip (signed; idempotent by Idempotency-Key)",
    response_model=TripAnswer,
    response_model_exclude_none=True,
)
def post_trip(
    body: TripBody, key: IdempotencyKey, raw: RawBody, request: Request, state: StateDep, city: CityDep
) -> dict[str, Any]:
    ctx = context(city)
    return _one(_signed(state, request, raw, lambda s, p: intake.submit_trips(s, ctx, p, [body.input(key)])[0]))


@router.post("/credits/trips/batch", summary="Submit up to 1,000 green trips at once (signed; each with its key)")
def post_trips(body: BatchBody, raw: RawBody, request: Request, state: StateDep, city: CityDep) -> dict[str, Any]:
    ctx = context(city)
    items = [t.input(t.idempotency_key) for t in body.trips]
    return {"results": _signed(state, request, raw, lambda s, p: intake.submit_trips(s, ctx, p, items))}


@router.get("/credits/trips/{trip_id}", summary="A trip's answer explained (signed; the partner's own trips)")
def get_trip(trip_id: DbId, raw: RawBody, request: Request, state: StateDep) -> dict[str, Any]:
    return _signed(state, request, raw, lambda s, p: review.explain(s, trip_id, p.id))


@router.post("/credits/trips/{trip_id}/appeal", summary="Appeal a rejected trip (signed)")
def post_appeal(trip_id: DbId, body: AppealBody, raw: RawBody, request: Request, state: StateDep) -> dict[str, Any]:
    return _signed(state, request, raw, lambda s, p: review.appeal(s, p, trip_id, body.text))


@router.post("/credits/consents", summary="Record a user's consent to a scene (signed)")
def post_consent(body: ConsentBody, raw: RawBody, request: Request, state: StateDep, city: CityDep) -> dict[str, Any]:
    ctx = context(city)
    return _signed(
        state, request, raw, lambda s, p: intake.set_consent(s, ctx, p, body.user_ref, body.scene, body.granted)
    )


@router.post("/credits/fares", summary="Fare-card records (signed; transit-card partners)")
def post_fares(body: FaresBody, raw: RawBody, request: Request, state: StateDep, city: CityDep) -> dict[str, Any]:
    ctx = context(city)
    fares = [intake.FareInput(f.fare_ref, f.user_ref, f.mode, f.tapped_at) for f in body.fares]
    return _signed(state, request, raw, lambda s, p: intake.record_fares(s, ctx, p, fares))


@router.post("/credits/statements", summary="A user's statement: balance and postings (signed)")
def post_statement(body: UserBody, raw: RawBody, request: Request, state: StateDep) -> dict[str, Any]:
    def use(session: Session, _: CreditPartner) -> dict[str, Any]:
        acct = wallet.user_account(session, body.user_ref)
        return ledger.statement(session, acct.id)

    return _signed(state, request, raw, use)


@router.post("/credits/deletions", summary="Delete a user's personal data (signed; the ledger keeps pseudonyms)")
def post_deletion(body: UserBody, raw: RawBody, request: Request, state: StateDep) -> dict[str, Any]:
    return _signed(state, request, raw, lambda s, p: privacy.forget(s, body.user_ref, actor=f"partner:{p.id}"))


@router.get("/credits/catalogue", summary="Rewards and public-good projects (signed)")
def get_catalogue(raw: RawBody, request: Request, state: StateDep) -> dict[str, Any]:
    return {"items": _signed(state, request, raw, lambda s, _: wallet.catalogue(s))}


@router.post("/credits/redemptions", summary="Redeem a reward (signed; idempotent by Idempotency-Key)")
def post_redemption(
    body: RedeemBody, key: IdempotencyKey, raw: RawBody, request: Request, state: StateDep
) -> dict[str, Any]:
    return _signed(state, request, raw, lambda s, p: wallet.redeem(s, p, body.user_ref, body.item_id, key))


@router.post("/credits/donations", summary="Donate points to a project (signed; idempotent by Idempotency-Key)")
def post_donation(
    body: DonateBody, key: IdempotencyKey, raw: RawBody, request: Request, state: StateDep
) -> dict[str, Any]:
    return _signed(state, request, raw, lambda s, p: wallet.donate(s, p, body.user_ref, body.item_id, body.points, key))


@router.get("/credits/summary", summary="Public: credited reductions, participants, by mode and month; methodology")
def get_summary(state: StateDep, city: CityDep) -> dict[str, Any]:
    with state.factory() as session:
        return views.public_summary(session, context(city))


@router.get("/credits/verify", summary="Verify the ledger: chain, head, balances (admins, analysts, auditors)")
def get_verify(_: Staff, state: StateDep) -> dict[str, Any]:
    with state.factory() as session:
        found = ledger.verify(session)
    return {
        "ok": found.ok,
        "postings": found.postings,
        "accounts": found.accounts,
        "problems": [{"id": p.id, "reason": p.reason} for p in found.problems],
    }


class DecisionBody(_Body):
    """A reviewer's decision on a trip in the review queue, with a comment kept in the audit log."""

    decision: Literal["credit", "reject"]
    comment: str = Field(default="", max_length=500)


class QueuedTrip(BaseModel):
    trip_id: int
    mode: str
    day: str | None
    distance_km: float | None
    status: str
    why: str | None
    appeal: str | None
    points: int
    speed_kmh: float | None


class ReviewPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QueuedTrip]


@router.get(
    "/credits/review",
    response_model=ReviewPage,
    summary="The review queue: trips held for review and open appeals, oldest first, paged (admins, analysts)",
)
def get_review(
    _: Reviewer,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    with state.factory() as session:
        return {
            "total": review.queue_size(session),
            "limit": limit,
            "offset": offset,
            "items": review.queue(session, limit=limit, offset=offset),
        }


@router.post(
    "/credits/review/{trip_id}",
    response_model=TripAnswer,
    response_model_exclude_none=True,
    summary="Decide a trip in the review queue: credit or reject, with a comment (admins, analysts; audited)",
)
def post_review(trip_id: DbId, body: DecisionBody, principal: Reviewer, state: StateDep) -> dict[str, Any]:
    with transaction(state.factory) as session:
        return review.decide(session, trip_id, body.decision, actor=principal.username, note=body.comment)
