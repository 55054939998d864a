"""Accounts through the REST API: what an admin sends is checked before it reaches the database (an unknown
organisation or department is a 422, never a 500), and timestamps carry their time zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_fixtures import Platform, make_platform

API = "/api/v1"


@pytest.fixture
def p(migrated_db_url: str, tmp_path: Path) -> Platform:
    return make_platform(migrated_db_url, tmp_path)


def test_unknown_organisation_or_department_is_a_problem_not_a_crash(p: Platform) -> None:
    body = {"username": "newbie", "role": "analyst", "password": "long enough password", "org_id": "NOPE"}
    r = p.client.post(f"{API}/users", headers=p.h("admin"), json=body)
    assert r.status_code == 422 and r.json()["type"].endswith("wf.unknown_org"), r.text
    r = p.client.post(f"{API}/users", headers=p.h("admin"), json={**body, "org_id": None, "department_id": "nope"})
    assert r.status_code == 422 and r.json()["type"].endswith("user.unknown_department"), r.text
    dept = next(u for u in p.client.get(f"{API}/users", headers=p.h("admin")).json() if u["username"] == "dept")
    r = p.client.patch(f"{API}/users/{dept['id']}", headers=p.h("admin"), json={"department_id": "no_such"})
    assert r.status_code == 422 and r.json()["type"].endswith("user.unknown_department"), r.text


def test_timestamps_carry_their_time_zone(p: Platform) -> None:
    from platform_fixtures import csv_bytes, example_row
    from transcarbon.city.reports import load_report_types

    rt = load_report_types().get("energy_activity")
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("a.csv", csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")]))},
    )
    assert r.status_code == 201, r.text
    created = p.client.get(f"{API}/submissions", headers=p.h("analyst")).json()["items"][0]["created_at"]
    assert created.endswith(("Z", "+00:00")), created


def _login(p: Platform, username: str, password: str = "correct horse battery") -> str:
    r = p.client.post(f"{API}/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def test_logout_ends_the_session_on_the_server_whatever_is_sent(p: Platform) -> None:
    _login(p, "frt")
    cookie = p.client.cookies.get("tc_session")
    assert cookie
    r = p.client.post(f"{API}/auth/logout")  # no CSRF header
    assert r.status_code == 204
    p.client.cookies.set("tc_session", cookie)  # the old cookie, replayed
    assert p.client.get(f"{API}/auth/me").status_code == 401


def test_tokens_expire_and_are_listed_and_revoked_one_by_one(p: Platform) -> None:
    uid = next(u["id"] for u in p.client.get(f"{API}/users", headers=p.h("admin")).json() if u["username"] == "ana")
    one = p.client.post(f"{API}/users/{uid}/tokens", headers=p.h("admin"), json={"name": "etl", "days": 1}).json()
    two = p.client.post(f"{API}/users/{uid}/tokens", headers=p.h("admin"), json={"name": "bi"}).json()
    assert one["expires_at"] < two["expires_at"]
    bearer = {"Authorization": f"Bearer {one['token']}"}
    assert p.client.get(f"{API}/auth/me", headers=bearer).json()["username"] == "ana"
    listed = p.client.get(f"{API}/users/{uid}/tokens", headers=p.h("admin")).json()
    assert [t["name"] for t in listed][:2] == ["bi", "etl"] and all("token" not in t for t in listed)
    etl = next(t for t in listed if t["name"] == "etl")
    mine = p.client.get(f"{API}/auth/tokens", headers=bearer).json()
    assert {t["id"] for t in mine} == {t["id"] for t in listed}
    r = p.client.delete(f"{API}/users/{uid}/tokens/{etl['id']}", headers=p.h("admin"))
    assert r.status_code == 200 and r.json()["revoked"]
    assert p.client.get(f"{API}/auth/me", headers=bearer).status_code == 401
    bi = {"Authorization": f"Bearer {two['token']}"}
    assert p.client.get(f"{API}/auth/me", headers=bi).status_code == 200  # the other one still works
    other = next(t for t in listed if t["name"] == "bi")
    assert p.client.delete(f"{API}/auth/tokens/{other['id']}", headers=bi).status_code == 200  # revoke one's own
    assert p.client.get(f"{API}/auth/me", headers=bi).status_code == 401
    assert p.client.delete(f"{API}/auth/tokens/1", headers=p.h("auditor")).status_code == 404  # not the auditor's


def test_an_expired_token_is_refused(p: Platform) -> None:
    from datetime import UTC, datetime, timedelta

    from transcarbon.services import users
    from transcarbon.store import db

    engine = db.make_engine(p.url)
    with db.transaction(db.session_factory(engine)) as s:
        old = users.issue_token(
            s, users.get_user(s, "aud"), name="old", actor="t", days=1, now=datetime.now(UTC) - timedelta(days=2)
        )
    engine.dispose()
    assert p.client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {old.token}"}).status_code == 401


def test_password_change_and_admin_reset(p: Platform) -> None:
    csrf = _login(p, "frt")
    body = {"current_password": "not it", "new_password": "a brand new password"}
    r = p.client.post(f"{API}/auth/password", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and r.json()["type"].endswith("user.wrong_password")
    body["current_password"] = "correct horse battery"
    r = p.client.post(f"{API}/auth/password", json={**body, "new_password": "short"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and r.json()["type"].endswith("user.password_short")
    assert p.client.post(f"{API}/auth/password", json=body, headers={"X-CSRF-Token": csrf}).status_code == 204
    assert p.client.get(f"{API}/auth/me").status_code == 401  # every session ended
    r = p.client.post(f"{API}/auth/login", json={"username": "frt", "password": "correct horse battery"})
    assert r.status_code == 401
    _login(p, "frt", "a brand new password")
    p.client.cookies.clear()
    uid = next(u["id"] for u in p.client.get(f"{API}/users", headers=p.h("admin")).json() if u["username"] == "frt")
    r = p.client.post(f"{API}/users/{uid}/password", json={"new_password": "set by the admin"}, headers=p.h("admin"))
    assert r.status_code == 204
    _login(p, "frt", "set by the admin")
    actions = [e["action"] for e in p.client.get(f"{API}/audit", headers=p.h("auditor")).json()["items"]]
    assert {"user.password_change", "user.password_reset"} <= set(actions)


def test_admin_unlocks_a_throttled_login(migrated_db_url: str, tmp_path: Path) -> None:
    p = make_platform(migrated_db_url, tmp_path, login_max_failures=2, login_backoff_seconds=600)
    for _ in range(2):
        p.client.post(f"{API}/auth/login", json={"username": "ana", "password": "wrong password"})
    r = p.client.post(f"{API}/auth/login", json={"username": "ana", "password": "correct horse battery"})
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 600
    uid = next(u["id"] for u in p.client.get(f"{API}/users", headers=p.h("admin")).json() if u["username"] == "ana")
    assert p.client.post(f"{API}/users/{uid}/unlock", headers=p.h("admin")).status_code == 204
    _login(p, "ana")


def test_cookies_secure_over_https_or_when_configured(migrated_db_url: str, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from platform_fixtures import fast_settings
    from transcarbon.app import create_app

    p = make_platform(migrated_db_url, tmp_path)
    body = {"username": "frt", "password": "correct horse battery"}
    plain = p.client.post(f"{API}/auth/login", json=body)
    assert "secure" not in plain.headers["set-cookie"].lower()
    https = TestClient(p.app, base_url="https://platform.example")
    assert all("Secure" in c for c in https.post(f"{API}/auth/login", json=body).headers.get_list("set-cookie"))
    forced = TestClient(create_app(fast_settings(tmp_path / "data", migrated_db_url, cookie_secure=True)))
    assert "Secure" in forced.post(f"{API}/auth/login", json=body).headers["set-cookie"]
