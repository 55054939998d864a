"""Every page through the ASGI app without a browser: roles, CSV export, language, lineage, forbidden pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from demo_builds import DemoSite
from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import demo_app


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    app = demo_app(demo_site.data_dir)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text


PAGES = [
    "/cockpit",
    "/indicators/converted_turnover_co2_intensity",
    "/indicators/nev_sales_share",
    "/emissions",
    "/emissions?year_from=2021&year_to=2024",
    "/road",
    "/road?year=2020",
    "/warnings",
    "/scorecards",
    "/reports",
    "/submissions",
    "/completeness?year=2025",
    "/audit",
    "/users",
]


def test_analyst_pages_and_csv(client: TestClient) -> None:
    login(client, "admin")
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert "<h1>" in r.text
    r = client.get("/emissions?csv=by_sector")
    assert r.headers["content-type"].startswith("text/csv")
    assert "CO2 (t)" in r.content.decode("utf-8-sig").splitlines()[0]
    r = client.get("/cockpit?csv=indicators")
    assert "营运交通工具换算周转量碳排放强度较2020年下降" in r.content.decode("utf-8-sig")


def test_targets_and_lmdi_come_from_the_services(client: TestClient) -> None:
    from transcarbon.city.config import load_city
    from transcarbon.i18n import t

    login(client, "analyst")
    header = client.get("/cockpit?csv=indicators").content.decode("utf-8-sig").splitlines()[0]
    assert [h for h in header.split(",") if h.endswith("目标")] == [f"{y}目标" for y in load_city().target_years]
    r = client.get("/emissions?year_from=2023&year_to=2023")  # one year twice: the service's message, no chart
    assert r.status_code == 200 and t("eval.decomp.bad_years", "zh", year=2023) in r.text


def test_lineage_from_a_figure(client: TestClient) -> None:
    login(client, "analyst")
    html = client.get("/emissions").text
    start = html.index('data-testid="emissions-total"')
    href = html[html.rindex('href="', 0, start) + 6 : start].split('"')[0]
    r = client.get(href)
    assert r.status_code == 200 and "tbl-inputs" in r.text and "✓" in r.text
    full = client.get(href + "?csv=inputs").content.decode("utf-8-sig").splitlines()
    assert len(full) > 1000  # every input row of the city total


def test_roles_and_anonymous(client: TestClient) -> None:
    client.cookies.clear()
    r = client.get("/cockpit", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login(client, "reporter")
    assert client.get("/audit").status_code == 403
    assert client.get("/emissions").status_code == 403
    assert client.get("/submissions").status_code == 200
    login(client, "auditor")
    assert client.get("/audit").status_code == 200
    assert client.get("/users").status_code == 403


def test_language_and_assets(client: TestClient) -> None:
    login(client, "analyst")
    r = client.get("/cockpit?lang=en")
    assert 'lang="en"' in r.text and "Cockpit" in r.text
    assert 'lang="en"' in client.get("/warnings").text  # remembered in a cookie
    client.get("/cockpit?lang=zh")
    js = client.get("/static/web/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    page = client.get("/cockpit").text
    for tag in ("src=", "href="):
        for part in page.split(tag)[1:]:
            url = part[1:].split(part[0])[0]
            assert not url.startswith(("http://", "https://", "//")), url


def test_forms_need_csrf(client: TestClient) -> None:
    login(client, "admin")
    r = client.post("/users", data={"username": "x1", "role": "analyst", "password": "long-enough-1"})
    assert r.status_code == 403
    page: Any = client.get("/users").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    r = client.post(
        "/users",
        data={"username": "x1", "role": "analyst", "password": "long-enough-1", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=x1" in r.headers["location"]


def _audit_actions(client: TestClient) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from transcarbon.store.models import AuditEntry

    with client.app.state.tc.factory() as s:  # type: ignore[attr-defined]
        return [(e.actor, e.action, e.object_id) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_reporter_sees_no_warnings_or_lineage(client: TestClient) -> None:
    """Warnings name other enterprises' figures (anomalies, missing reports): internal, as in the API."""
    login(client, "analyst")
    assert '<ul class="warnings">' in client.get("/cockpit").text
    login(client, "reporter")
    for path in ("/cockpit", "/indicators/converted_turnover_co2_intensity", "/indicators/nev_sales_share"):
        r = client.get(path)
        assert r.status_code == 200 and '<ul class="warnings">' not in r.text, path
    assert "/lineage/" not in client.get("/indicators/converted_turnover_co2_intensity").text


def test_department_outside_its_area(client: TestClient) -> None:
    """A department that supervises no activity report type sees no enterprise's emissions nor rows."""
    from sqlalchemy import select

    from transcarbon.services import users
    from transcarbon.store.db import transaction
    from transcarbon.store.models import Organisation

    factory = client.app.state.tc.factory  # type: ignore[attr-defined]
    with transaction(factory) as s:
        gov = s.scalars(select(Organisation.id).where(Organisation.kind == "department")).first()
        users.create_user(
            s,
            username="police",
            role="department",
            actor="test",
            password=DEMO_PASSWORD,
            org_id=gov,
            department_id="public_security_bureau",
        )
    login(client, "department")  # the transport bureau supervises energy reports: every organisation
    html = client.get("/emissions").text
    href = html[html.rindex('href="', 0, html.index('data-testid="emissions-total"')) + 6 :].split('"')[0]
    assert client.get(href).status_code == 200
    org_csv = client.get("/emissions?csv=by_org").content.decode("utf-8-sig").splitlines()
    assert len(org_csv) > 2
    login(client, "police")
    assert client.get(href).status_code == 403
    assert client.get(href + "?csv=inputs").status_code == 403
    assert client.get("/emissions?csv=by_org").content.decode("utf-8-sig").splitlines()[1:] == []


def test_csv_export_is_audited_and_formula_safe(client: TestClient) -> None:
    from transcarbon.web.common import Table

    login(client, "analyst")
    r = client.get("/emissions?csv=by_sector&year=2024")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert _audit_actions(client)[-1] == ("analyst", "export.csv", "/emissions")
    tb = Table(
        "t",
        [("a", "A")],
        [
            {"a": '=HYPERLINK("http://x")'},
            {"a": "+1+cmd"},
            {"a": "@SUM(A1)"},
            {"a": "-2+3"},
            {"a": "-2.5"},
            {"a": -4},
            {"a": "plain"},
        ],
    )
    cells = tb.csv().decode("utf-8-sig").splitlines()[1:]
    assert cells == ['"\'=HYPERLINK(""http://x"")"', "'+1+cmd", "'@SUM(A1)", "'-2+3", "-2.5", "-4", "plain"]


def test_static_cache_is_bounded(client: TestClient) -> None:
    from transcarbon.web.static import _asset

    for i in range(100):
        assert client.get(f"/static/web/nope-{i}.js").status_code == 404
    assert _asset.cache_info().currsize <= 32


def test_road_page_tables_and_the_official_choice_form(client: TestClient) -> None:
    login(client, "department")
    r = client.get("/road")
    assert r.status_code == 200 and "tbl-reconciliation" in r.text and "tbl-official" not in r.text  # reads only
    assert (
        client.post("/road/official", data={"year": 2025, "sector": "taxi", "figure": "bottom_up"}).status_code == 403
    )
    login(client, "analyst")
    html = client.get("/road").text
    assert "tbl-official" in html
    assert (
        client.post("/road/official", data={"year": 2025, "sector": "taxi", "figure": "bottom_up"}).status_code == 403
    )
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    r = client.post(
        "/road/official",
        data={"year": 2025, "sector": "taxi", "figure": "bottom_up", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=taxi" in r.headers["location"]
    r = client.post(
        "/road/official",
        data={"year": 2025, "sector": "rail", "figure": "bottom_up", "csrf": csrf},
        follow_redirects=True,
    )
    assert "rail" in r.text and "notice error" in r.text
    rows = client.get("/road?csv=reconciliation").content.decode("utf-8-sig").splitlines()
    assert len(rows) == 5 and "自下而上" in rows[2]  # taxi is the second sector; its official figure changed
