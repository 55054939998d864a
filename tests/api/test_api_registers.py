"""Registers through the API on the demo: a register as it stood on a date, an asset's history, who reads what,
and a register update filed through the same template, checks and approval as any report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from demo_builds import DemoSite
from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import demo_app

API = "/api/v1"


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    with TestClient(demo_app(demo_site.data_dir), base_url="http://127.0.0.1") as c:
        yield c


def _token(client: TestClient, username: str) -> dict[str, str]:
    client.cookies.clear()
    r = client.post(f"{API}/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def test_registers_are_listed_with_their_keys(client: TestClient) -> None:
    _token(client, "analyst")
    r = client.get(f"{API}/registers")
    assert r.status_code == 200
    ids = {x["id"]: x["key"] for x in r.json()}
    assert ids["berths"] == ["berth_id"] and ids["bus_stops"] == ["stop_id"]
    assert {"ships", "port_areas", "nonroad_machinery", "airport_stands", "service_areas"} <= set(ids)


def test_a_register_as_it_stood_on_two_dates(client: TestClient) -> None:
    _token(client, "analyst")
    old = client.get(f"{API}/registers/airport_stands", params={"as_of": "2021-06-30"}).json()
    new = client.get(f"{API}/registers/airport_stands", params={"as_of": "2025-12-31"}).json()
    assert old["count"] == 6 and {r["stand_id"] for r in old["rows"]} == {f"B{k:02d}" for k in range(1, 7)}
    assert new["count"] == 12 and sum(r["ground_power"] == "yes" for r in new["rows"]) == 9
    assert all(r["report_row_id"] and r["submission_id"] for r in new["rows"])


def test_an_assets_history_shows_each_state_and_the_one_in_force(client: TestClient) -> None:
    _token(client, "analyst")
    r = client.get(f"{API}/registers/airport_stands/assets/105/history", params={"as_of": "2025-12-31"})
    assert r.status_code == 200
    rows = r.json()["rows"]
    states = [(h["fields"]["valid_from"], h["fields"]["ground_power"]) for h in rows]
    assert states == [("2021-12-02", "no"), ("2022-05-20", "yes")]
    assert [h["in_force_on"] for h in rows] == [False, True]
    assert rows[-1]["decided_by"] and len(rows[-1]["periods"]) == 4  # filed again each year 2022 … 2025


def test_unknown_register_and_asset_are_problems(client: TestClient) -> None:
    _token(client, "analyst")
    assert client.get(f"{API}/registers/energy_activity").json()["type"].endswith(":reg.unknown")
    r = client.get(f"{API}/registers/berths/assets/NOPE/history")
    assert r.status_code == 404 and r.json()["type"].endswith(":reg.asset_not_found")


def test_a_reporter_reads_only_its_own_rows_and_the_public_none(client: TestClient) -> None:
    _token(client, "reporter")
    body = client.get(f"{API}/registers/berths").json()
    assert body["count"] == 0  # the demo reporter is a freight company: no berths of its own
    client.cookies.clear()
    assert client.get(f"{API}/registers/berths").status_code == 401


def test_a_register_update_goes_through_the_workflow(client: TestClient) -> None:
    csrf = _token(client, "admin")
    csv = (
        "stop_id,stop_name,stop_lat,stop_lon,valid_from,valid_to\n"
        "S9001,【示例】新站,34.6001,119.2001,2026-01-10,\n"
        "S9002,【示例】坏站,34.60,119.20,2026-02-01,2026-01-01\n"
    )
    files = {"file": ("stops.csv", csv.encode("utf-8"))}
    data = {"report_type": "bus_stops", "org_id": "LYG-BUS-001", "period": "2026"}
    bad = client.post(f"{API}/submissions", headers=csrf, data=data, files=files)
    assert bad.status_code == 422
    assert any(e["column"] == "valid_to" and e["row"] == 3 for e in bad.json()["errors"])
    files = {
        "file": ("stops.csv", csv.splitlines(keepends=True)[0].encode() + csv.splitlines(keepends=True)[1].encode())
    }
    r = client.post(f"{API}/submissions", headers=csrf, data=data, files=files)
    assert r.status_code == 201, r.text
    sid = r.json()["submission"]["id"]
    assert client.post(f"{API}/submissions/{sid}/submit", headers=csrf).status_code == 200
    before = client.get(f"{API}/registers/bus_stops", params={"as_of": "2026-03-01"}).json()["count"]
    assert client.post(f"{API}/submissions/{sid}/approve", headers=csrf, json={}).status_code == 403  # four eyes
    reviewer = _token(client, "analyst")  # another person approves
    assert client.post(f"{API}/submissions/{sid}/approve", headers=reviewer, json={}).status_code == 200
    after = client.get(f"{API}/registers/bus_stops", params={"as_of": "2026-03-01"}).json()
    assert after["count"] == before + 1 and "S9001" in {r["stop_id"] for r in after["rows"]}
