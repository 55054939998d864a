"""Inventory and lineage through the API: analysts see the city, a reporter only its own organisation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platform_fixtures import Platform, make_platform
from transcarbon.city.config import load_city
from transcarbon.factors.library import FactorLibrary
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.activity_csv import COLUMNS, activity_limits, read_activity_csv
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.services.records import store_activity
from transcarbon.store import db

LIMITS = activity_limits(load_city())

API = "/api/v1"
ROWS = [
    "FRT,2024-01,road_freight,diesel,100,t,2000000,,,,",
    "OTH,2024-01,road_freight,diesel,50,t,900000,,,,",
    "BUS,2024-02,urban_bus,electricity,300,MWh,,4000000,,,",
]


@pytest.fixture(scope="module")
def p(tmp_path_factory: pytest.TempPathFactory, pg_base_url: str | None) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("inv")
    if pg_base_url:
        from dbutil import reset_postgres

        reset_postgres(pg_base_url)
    url = pg_base_url or f"sqlite:///{(tmp / 'inv.db').as_posix()}"
    platform = make_platform(url, tmp)
    regions = FactorLibrary.load().default("regions").table["code"].to_list()
    frame = read_activity_csv(
        ("\n".join([",".join(COLUMNS), *ROWS]) + "\n").encode(), "a.csv", regions=regions, limits=LIMITS
    )
    engine = db.make_engine(url)
    with db.transaction(db.session_factory(engine)) as s:
        store_activity(s, frame, kind="file", label="test", actor="test")
        run_inventory(s, 2024, AccountingOptions(), actor="test")
    engine.dispose()
    yield platform


def test_analyst_reads_the_city_inventory(p: Platform) -> None:
    r = p.client.get(f"{API}/inventory/2024", headers=p.h("analyst"))
    assert r.status_code == 200
    body = r.json()
    diesel = 150 * 42.652 * 0.0202 * 0.98 * 44 / 12
    assert body["by_sector"]["road_freight"]["co2_t"] == pytest.approx(diesel)
    assert body["total"]["co2_t"] == pytest.approx(diesel + 300_000 * 0.5827 / 1000)
    assert body["org_id"] is None


def test_reporter_sees_only_its_own_figures_and_lineage(p: Platform) -> None:
    mine = p.client.get(f"{API}/inventory/2024", headers=p.h("reporter")).json()
    assert mine["org_id"] == "FRT" and mine["total"] is None
    assert mine["by_sector"]["road_freight"]["co2_t"] == pytest.approx(100 * 42.652 * 0.0202 * 0.98 * 44 / 12)
    own = mine["by_sector"]["road_freight"]["result_id"]
    tree = p.client.get(f"{API}/results/{own}/lineage", headers=p.h("reporter")).json()
    assert [i["record"]["org_id"] for i in tree["inputs"]] == ["FRT"]
    city = p.client.get(f"{API}/inventory/2024", headers=p.h("analyst")).json()
    other = city["by_sector"]["road_freight"]["result_id"]
    refused = p.client.get(f"{API}/results/{other}/lineage", headers=p.h("reporter"))
    assert refused.status_code == 403 and refused.json()["type"].endswith("auth.org_forbidden")
    full = p.client.get(f"{API}/results/{other}/lineage", headers=p.h("analyst")).json()
    assert sorted(i["record"]["org_id"] for i in full["inputs"]) == ["FRT", "OTH"] and full["check"]["matches"]


def test_errors_are_problem_details(p: Platform) -> None:
    missing = p.client.get(f"{API}/inventory/2031", headers=p.h("analyst"))
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    assert "transcarbon inventory --year 2031" in missing.json()["detail_en"]
    assert p.client.get(f"{API}/results/999999/lineage", headers=p.h("analyst")).status_code == 404
    assert p.client.get(f"{API}/inventory/2024").status_code == 401
    assert p.client.get(f"{API}/inventory/2024", headers=p.h("public")).status_code == 403


def test_department_lineage_only_within_its_area(p: Platform) -> None:
    """A department user whose department supervises no activity report type (the police bureau) may not
    walk a result back to enterprises' activity rows; the transport bureau (which supervises them) may."""
    from transcarbon.services import users

    engine = db.make_engine(p.url)
    with db.transaction(db.session_factory(engine)) as s:
        u = users.create_user(
            s, username="police", role="department", actor="test", org_id="GOV", department_id="public_security_bureau"
        )
        token = users.issue_token(s, u, name="test", actor="test", days=30).token
    engine.dispose()
    police = {"Authorization": f"Bearer {token}"}
    city = p.client.get(f"{API}/inventory/2024", headers=p.h("analyst")).json()
    for rid in (city["total"]["result_id"], city["by_sector"]["road_freight"]["result_id"]):
        refused = p.client.get(f"{API}/results/{rid}/lineage", headers=police)
        assert refused.status_code == 403 and refused.json()["type"].endswith("auth.org_forbidden")
        assert p.client.get(f"{API}/results/{rid}/lineage", headers=p.h("department")).status_code == 200
