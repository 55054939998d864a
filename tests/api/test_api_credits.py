"""The signed partner API of green-trip credits: signatures and stale timestamps (401), a trip and its replay
(200, the same answer), the same key with another body (409), validation (422), a batch, consents, fares,
explanation, appeal, statement, deletion, catalogue; the public summary and the ledger's verification by role."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_fixtures import Platform, make_platform
from transcarbon.services.credits import partners
from transcarbon.services.credits.common import CreditsError
from transcarbon.services.database import Database

API = "/api/v1/credits"


def now_s() -> int:
    """The clock in Unix seconds (to sign with a stale or a future timestamp)."""
    return int(time.time())


class Partner:
    def __init__(self, platform: Platform, key: str, secret: str):
        self.p, self.key, self.secret = platform, key, secret

    def headers(self, body: bytes, *, ts: int | None = None, secret: str | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if ts is None else ts)
        return {
            "Authorization": f"Bearer {self.key}",
            "X-Timestamp": stamp,
            "X-Signature": partners.sign(secret or self.secret, stamp, body),
            "Content-Type": "application/json",
        }

    def post(self, path: str, payload: object, key: str | None = None, **kw: object) -> object:
        body = json.dumps(payload).encode()
        headers = self.headers(body, **kw)  # type: ignore[arg-type]
        if key:
            headers["Idempotency-Key"] = key
        return self.p.client.post(f"{API}{path}", content=body, headers=headers)

    def get(self, path: str) -> object:
        return self.p.client.get(f"{API}{path}", headers=self.headers(b""))


@pytest.fixture
def api(migrated_db_url: str, tmp_path: Path) -> Iterator[tuple[Platform, Partner, Partner]]:
    platform = make_platform(migrated_db_url, tmp_path)
    with Database.open(migrated_db_url) as database, database.transaction() as s:
        maas = partners.add_partner(s, "MaaS", "maas", actor="t")
        card = partners.add_partner(s, "Card", "transit_card", actor="t")
    yield (
        platform,
        Partner(platform, str(maas["key"]), str(maas["secret"])),
        Partner(platform, str(card["key"]), str(card["secret"])),
    )


WALK = {
    "user_ref": "app-user-1",
    "mode": "walk",
    "distance_km": 2.0,
    "started_at": "2026-05-04T08:00:00+08:00",
    "ended_at": "2026-05-04T08:30:00+08:00",
    "evidence": {"navigated": True},
}


def test_signed_trip_replay_and_conflict(api: tuple[Platform, Partner, Partner]) -> None:
    platform, maas, _ = api
    assert maas.post("/consents", {"user_ref": "app-user-1", "scene": "walking", "granted": True}).status_code == 200
    first = maas.post("/trips", WALK, "t-1")
    assert first.status_code == 200, first.text
    assert first.json() == {"trip_id": 1, "status": "credited", "reduction_kg": 0.544, "points": 5}
    again = maas.post("/trips", WALK, "t-1")
    assert again.status_code == 200 and again.json() == first.json()
    other = maas.post("/trips", {**WALK, "distance_km": 2.5}, "t-1")
    assert other.status_code == 409 and other.json()["type"].endswith("credits.key_reused")
    explained = maas.get("/trips/1").json()
    assert explained["baseline_ef_kgco2_per_pkm"] == 0.272 and explained["verdicts"]["speed"] == "pass"
    statement = maas.post("/statements", {"user_ref": "app-user-1"}).json()
    assert statement["balance_points"] == 5 and statement["entries"][0]["points"] == 5
    summary = platform.client.get(f"{API}/summary").json()  # public, no credentials
    assert summary["trips"] == 1 and summary["reduction_kg"] == 0.544 and summary["by_mode"] == []  # < 5 people


def test_authentication_refusals(api: tuple[Platform, Partner, Partner]) -> None:
    platform, maas, _ = api
    wrong = maas.post("/trips", WALK, "t-1", secret="0" * 64)
    assert wrong.status_code == 401 and wrong.json()["type"].endswith("credits.bad_signature")
    stale = maas.post("/trips", WALK, "t-1", ts=now_s() - 301)
    assert stale.status_code == 401 and stale.json()["type"].endswith("credits.stale_timestamp")
    future = maas.post("/trips", WALK, "t-1", ts=now_s() + 301)
    assert future.status_code == 401
    body = json.dumps(WALK).encode()
    tampered = maas.headers(body)
    tampered["Idempotency-Key"] = "t-1"
    assert (
        platform.client.post(f"{API}/trips", content=body.replace(b"2.0", b"9.0"), headers=tampered).status_code == 401
    )
    unknown = platform.client.post(f"{API}/trips", content=body, headers={**tampered, "Authorization": "Bearer pk_x"})
    assert unknown.status_code == 401
    assert platform.client.post(f"{API}/trips", content=body).status_code in (401, 422)  # no key header at all


def test_validation(api: tuple[Platform, Partner, Partner]) -> None:
    _, maas, _ = api
    for bad in (
        {**WALK, "distance_km": -1},
        {**WALK, "distance_km": 5000},
        {**WALK, "ended_at": WALK["started_at"]},
        {**WALK, "started_at": "2026-05-04T08:00:00"},  # no time zone
        {**WALK, "surprise": 1},
    ):
        assert maas.post("/trips", bad, "t-x").status_code == 422, bad
    assert maas.post("/trips", {**WALK, "distance_km": float("nan")}, "t-y").status_code in (400, 422)
    assert maas.post("/trips", {**WALK, "mode": "rocket"}, "t-z").status_code == 422


def test_batch_fares_appeal_deletion(api: tuple[Platform, Partner, Partner]) -> None:
    platform, maas, card = api
    for scene in ("walking", "transit"):
        maas.post("/consents", {"user_ref": "u2", "scene": scene, "granted": True})
    bus = {**WALK, "user_ref": "u2", "mode": "bus", "distance_km": 10.0, "evidence": None}
    fast = {
        **WALK,
        "user_ref": "u2",
        "started_at": "2026-05-04T12:00:00+08:00",
        "ended_at": "2026-05-04T12:10:00+08:00",
    }
    batch = maas.post("/trips/batch", {"trips": [{**bus, "idempotency_key": "b1"}, {**fast, "idempotency_key": "b2"}]})
    assert batch.status_code == 200, batch.text
    results = batch.json()["results"]
    assert [r["status"] for r in results] == ["pending", "rejected"] and results[1]["reason"] == "speed"
    assert (
        maas.post(
            "/fares",
            {"fares": [{"fare_ref": "x", "user_ref": "u2", "mode": "bus", "tapped_at": "2026-05-04T08:01:00+08:00"}]},
        ).status_code
        == 403
    )
    done = card.post(
        "/fares",
        {"fares": [{"fare_ref": "x", "user_ref": "u2", "mode": "bus", "tapped_at": "2026-05-04T08:01:00+08:00"}]},
    )
    assert done.json() == {"stored": 1, "skipped": 0, "trips_credited": 1}
    appeal = maas.post(f"/trips/{results[1]['trip_id']}/appeal", {"text": "running"})
    assert appeal.json()["appeal_status"] == "open"
    assert card.get(f"/trips/{results[0]['trip_id']}").status_code == 404  # another partner's trip
    assert maas.get("/catalogue").json() == {"items": []}
    gone = maas.post("/deletions", {"user_ref": "u2"})
    assert gone.status_code == 200 and gone.json()["trips"] == 2
    assert maas.post("/statements", {"user_ref": "u2"}).status_code == 404
    verify = platform.client.get(f"{API}/verify", headers=platform.h("auditor"))
    assert verify.json()["ok"] is True and verify.json()["postings"] == 1
    assert platform.client.get(f"{API}/verify", headers=platform.h("reporter")).status_code == 403
    assert platform.client.get(f"{API}/verify").status_code == 401


def test_review_queue_through_the_json_api(api: tuple[Platform, Partner, Partner]) -> None:
    platform, maas, _ = api
    maas.post("/consents", {"user_ref": "u3", "scene": "walking", "granted": True})
    long_walk = {**WALK, "user_ref": "u3", "distance_km": 13.0, "ended_at": "2026-05-04T10:00:00+08:00"}
    held = maas.post("/trips", long_walk, "r-1").json()  # 13 km > the walk's 12 km review distance, 6.5 km/h
    assert held["status"] == "pending" and held["reason"] == "review"
    fast = {
        **WALK,
        "user_ref": "u3",
        "started_at": "2026-05-04T12:00:00+08:00",
        "ended_at": "2026-05-04T12:10:00+08:00",
    }
    rejected = maas.post("/trips", fast, "r-2").json()
    assert maas.post(f"/trips/{rejected['trip_id']}/appeal", {"text": "GPS drift"}).status_code == 200
    url = f"{API}/review"
    assert platform.client.get(url).status_code == 401
    assert platform.client.get(url, headers=platform.h("auditor")).status_code == 403  # reads, does not review
    page = platform.client.get(url, params={"limit": 1}, headers=platform.h("analyst")).json()
    assert page["total"] == 2 and [t["trip_id"] for t in page["items"]] == [held["trip_id"]]
    assert page["items"][0]["why"] == "review" and page["items"][0]["distance_km"] == 13.0
    second = platform.client.get(url, params={"limit": 1, "offset": 1}, headers=platform.h("analyst")).json()
    assert [t["trip_id"] for t in second["items"]] == [rejected["trip_id"]] and second["items"][0][
        "appeal"
    ] == "GPS drift"
    decide = f"{url}/{held['trip_id']}"
    assert platform.client.post(decide, json={"decision": "credit"}, headers=platform.h("auditor")).status_code == 403
    assert platform.client.post(decide, json={"decision": "maybe"}, headers=platform.h("analyst")).status_code == 422
    done = platform.client.post(
        decide, json={"decision": "credit", "comment": "route checked"}, headers=platform.h("analyst")
    )
    assert done.status_code == 200, done.text
    # 13 km walk, high-carbon baseline 0.272 kg/p·km: 3.536 kg, 35 points
    assert done.json() == {"trip_id": held["trip_id"], "status": "credited", "reduction_kg": 3.536, "points": 35}
    again = platform.client.post(decide, json={"decision": "reject"}, headers=platform.h("analyst"))
    assert again.status_code == 409 and again.json()["type"].endswith("credits.not_in_queue")
    upheld = platform.client.post(
        f"{url}/{rejected['trip_id']}", json={"decision": "reject", "comment": "too fast"}, headers=platform.h("admin")
    )
    assert upheld.json()["status"] == "rejected" and upheld.json()["reason"] == "speed"
    assert platform.client.get(url, headers=platform.h("admin")).json() == {
        "total": 0,
        "limit": 100,
        "offset": 0,
        "items": [],
    }
    audit = platform.client.get(
        "/api/v1/audit", params={"action": "credits.trip_decided"}, headers=platform.h("admin")
    ).json()
    assert audit["total"] == 2 and {e["actor"] for e in audit["items"]} == {"ana", "root"}  # the analyst, the admin
    schema = platform.client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/credits/review", "/api/v1/credits/review/{trip_id}"} <= set(schema["paths"])


def test_partner_key_rotation_with_a_grace_period(api: tuple[Platform, Partner, Partner]) -> None:
    platform, maas, _ = api
    consent = {"user_ref": "u4", "scene": "walking", "granted": True}
    with Database.open(platform.url) as database, database.transaction() as s:
        new = partners.rotate(s, 1, grace_hours=72, actor="root")
    assert new["key"] != maas.key and len(new["secret"]) == 64
    fresh = Partner(platform, str(new["key"]), str(new["secret"]))
    assert maas.post("/consents", consent).status_code == 200  # the old key, within its grace period
    assert fresh.post("/consents", consent).status_code == 200
    crossed = Partner(platform, maas.key, str(new["secret"]))  # old key, new secret: refused
    assert crossed.post("/consents", consent).status_code == 401
    with Database.open(platform.url) as database, database.transaction() as s:
        newest = partners.rotate(s, 1, grace_hours=0, actor="root")  # no grace: the previous key is refused at once
        with pytest.raises(CreditsError) as bad:
            partners.rotate(s, 1, grace_hours=-1, actor="root")
        assert bad.value.status == 422
    retired = fresh.post("/consents", consent)
    assert retired.status_code == 401 and retired.json()["type"].endswith("credits.key_retired")
    assert maas.post("/consents", consent).json()["type"].endswith("credits.bad_key")  # two rotations ago
    assert Partner(platform, str(newest["key"]), str(newest["secret"])).post("/consents", consent).status_code == 200
    audit = platform.client.get(
        "/api/v1/audit", params={"action": "credits.partner_key_rotated"}, headers=platform.h("admin")
    ).json()
    assert audit["total"] == 2
