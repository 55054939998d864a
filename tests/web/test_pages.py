"""Every page through the ASGI app without a browser: roles, CSV export, language, lineage, forbidden pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from transcarbon.web.demo import DEMO_PASSWORD, demo_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = demo_app(Path(tmp_path_factory.mktemp("pages")))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text


PAGES = ["/cockpit", "/indicators/converted_turnover_co2_intensity", "/indicators/nev_sales_share", "/emissions",
         "/emissions?year_from=2021&year_to=2024", "/warnings", "/scorecards", "/reports", "/submissions",
         "/completeness?year=2025", "/audit", "/users"]


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


def test_lineage_from_a_figure(client: TestClient) -> None:
    login(client, "analyst")
    html = client.get("/emissions").text
    start = html.index('data-testid="emissions-total"')
    href = html[html.rindex('href="', 0, start) + 6:start].split('"')[0]
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
    r = client.post("/users", data={"username": "x1", "role": "analyst", "password": "long-enough-1", "csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303 and "done=x1" in r.headers["location"]
