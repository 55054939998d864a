"""Road transport through the API on the demo: the bottom-up inventory and the reconciliation of a year, a year
without a run as a problem, and the official figure recorded by an analyst."""

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
        r = c.post(f"{API}/auth/login", json={"username": "analyst", "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield c


def test_inventory_and_reconciliation(client: TestClient) -> None:
    body = client.get(f"{API}/road/2025").json()
    assert body["total"]["vehicles"] == pytest.approx(1_215_968)
    assert {r["vehicle_class"] for r in body["by_class"]} >= {"pv_small", "bus", "truck_heavy", "motorcycle"}
    assert {i["report_type"] for i in body["inputs"]} == {
        "vehicle_registry",
        "vehicle_annual_km",
        "vehicle_energy_economy",
    }
    assert body["run"]["kind"] == "road" and body["run"]["factor_sets"]["mee2014_bef"]["sha256"]
    rec = client.get(f"{API}/road/2025/reconciliation").json()
    assert [s["sector"] for s in rec["sectors"]] == ["urban_bus", "taxi", "road_passenger", "road_freight"]
    missing = client.get(f"{API}/road/2019")
    assert missing.status_code == 404 and missing.json()["type"].endswith("road.no_run")


def test_official_figure(client: TestClient) -> None:
    r = client.post(f"{API}/road/2025/official", json={"sector": "taxi", "figure": "bottom_up"})
    assert r.status_code == 200, r.text
    assert r.json()["figure"] == "bottom_up" and r.json()["actor"] == "analyst"
    bad = client.post(f"{API}/road/2025/official", json={"sector": "rail", "figure": "bottom_up"})
    assert bad.status_code == 422 and bad.json()["type"].endswith("road.choice.bad_sector")
