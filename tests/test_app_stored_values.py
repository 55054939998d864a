"""No page or route answers 500 because of a stored value: the demo site with non-finite numbers written straight
into the database (results, calculation lines, activity records, report rows, ship results), then every page and
every API read route visited as an admin and anonymously."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from demo_builds import DemoSite
from transcarbon.demo_site import demo_app
from transcarbon.store import db
from web_session import sign_in

API = "/api/v1"
INF = 9e999  # SQLite keeps infinities (NaN it stores as NULL); PostgreSQL keeps both


def _poison(url: str) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE results SET co2_t = :v, co2e_t = :w WHERE id % 3 = 0"), {"v": INF, "w": -INF})
        conn.execute(text("UPDATE results SET energy_tce = :v WHERE id % 5 = 0"), {"v": INF})
        conn.execute(
            text("UPDATE results SET co2_t = :v, converted_tkm = :v WHERE sector IS NULL AND org_id IS NULL"),
            {"v": INF},
        )
        conn.execute(text("UPDATE calculation_lines SET co2_t = :v WHERE id % 7 = 0"), {"v": INF})
        conn.execute(text("UPDATE activity_records SET amount = :v WHERE id % 11 = 0"), {"v": INF})
        conn.execute(text("UPDATE ship_results SET co2_t = :v WHERE id % 2 = 0"), {"v": INF})
        rows = conn.execute(text("SELECT id, data FROM report_rows WHERE id % 4 = 0")).all()
        for rid, data in rows:
            d = json.loads(data) if isinstance(data, str) else dict(data)
            for k, v in d.items():
                if isinstance(v, int | float) and not isinstance(v, bool):
                    d[k] = float("nan") if rid % 8 == 0 else float("inf")
            conn.execute(text("UPDATE report_rows SET data = :d WHERE id = :i"), {"d": json.dumps(d), "i": rid})
    engine.dispose()


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    _poison(demo_site.url)
    app = demo_app(demo_site.data_dir)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def _ids(client: TestClient) -> dict[str, str]:
    subs = client.get(f"{API}/submissions", params={"limit": 5}).json()["items"]
    indicators = client.get(f"{API}/indicators/2025").json()
    html = client.get("/emissions").text
    lineage = html.split('href="/lineage/')[1].split('"')[0] if 'href="/lineage/' in html else "1"
    return {
        "sid": str(subs[0]["id"]),
        "indicator": indicators["indicators"][0]["id"] if "indicators" in indicators else "nev_sales_share",
        "rid": lineage.split("?")[0],
    }


PAGES = [
    "/cockpit",
    "/cockpit?year=2024",
    "/indicators/{indicator}",
    "/indicators/converted_turnover_co2_intensity",
    "/emissions",
    "/emissions?year_from=2021&year_to=2025",
    "/emissions?csv=by_sector",
    "/lineage/{rid}",
    "/warnings",
    "/scorecards",
    "/reports",
    "/reports/stage-2025.xlsx",
    "/submissions",
    "/submissions/{sid}",
    "/completeness?year=2025",
    "/audit",
    "/audit?verify=1",
    "/users",
]
ROUTES = [
    "/public/aggregates",
    "/indicators/2025",
    "/indicators/2024",
    "/scorecards/2025",
    "/warnings",
    "/decomposition?from=2021&to=2025",
    "/inventory/2025",
    "/inventory/2024",
    "/results/{rid}/lineage",
    "/submissions",
    "/submissions/{sid}",
    "/submissions/{sid}/rows",
    "/organisations",
    "/completeness?report_type=shore_power&period=2024-03",
    "/audit",
    "/audit/verify",
]


@pytest.mark.slow
def test_every_page_and_route_survives_non_finite_stored_values(client: TestClient) -> None:
    sign_in(client, "admin")
    ids = _ids(client)
    failures = []
    for path in PAGES:
        r = client.get(path.format(**ids))
        if r.status_code >= 500 or (
            r.status_code == 200 and "Infinity" in r.text and "json" in r.headers["content-type"]
        ):
            failures.append((path, r.status_code))
    for path in ROUTES:
        r = client.get(API + path.format(**ids))
        if r.status_code >= 500:
            failures.append((path, r.status_code))
    client.cookies.clear()
    for path in ("/public/aggregates", "/indicators/2025"):
        if client.get(API + path).status_code >= 500:
            failures.append(("anonymous " + path, 500))
    assert failures == [], failures
