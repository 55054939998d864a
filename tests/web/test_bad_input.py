"""Bad input to the pages is a 4xx HTML error page in both languages, never a 500 nor JSON: huge integers in
paths, queries and forms, years that overflow, a NUL character in an asset's name or a form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from demo_builds import DemoSite
from transcarbon.demo_site import demo_app
from web_session import form_token, sign_in

HUGE = "99999999999999999999"


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    app = demo_app(demo_site.data_dir)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def login(client: TestClient, username: str) -> str:
    sign_in(client, username)
    return form_token(client.get("/users").text)


def _html_problem(r, status: int | None = None) -> None:  # type: ignore[no-untyped-def]
    assert 400 <= r.status_code < 500, (r.request.url, r.status_code, r.text[:300])
    assert status is None or r.status_code == status
    assert r.headers["content-type"].startswith("text/html"), r.headers["content-type"]
    assert "Traceback" not in r.text and "<h1>" in r.text


@pytest.mark.parametrize(
    "path",
    [
        f"/submissions/{HUGE}",
        f"/lineage/{HUGE}",
        f"/audit?page={HUGE}",
        "/audit?verify=2",
        "/cockpit?year=9999",
        "/cockpit?year=10000",
        f"/emissions?year_from={HUGE}&year_to=2025",
        "/reports/stage-10000.pdf",
        "/completeness?year=99999",
        "/static/web/%00",
        "/indicators/nope%00",
    ],
)
def test_bad_addresses_are_html_problems(client: TestClient, path: str) -> None:
    login(client, "admin")
    _html_problem(client.get(path))


def test_bad_forms_are_html_problems(client: TestClient) -> None:
    csrf = login(client, "admin")
    r = client.post("/submissions/1/approve", data={"csrf": csrf, "lock_version": "1e20"})
    _html_problem(r, 422)
    r = client.post("/submissions/1/approve", data={"csrf": csrf, "lock_version": str(10**20)})
    _html_problem(r, 422)
    r = client.post(f"/users/{HUGE}", data={"csrf": csrf, "role": "analyst"})
    _html_problem(r, 422)
    r = client.post("/users", data={"csrf": csrf, "username": "x\x00", "role": "analyst", "password": "p" * 12})
    _html_problem(r, 400)
    assert "NUL" in r.text


def test_the_error_page_speaks_both_languages(client: TestClient) -> None:
    login(client, "admin")
    r = client.get("/cockpit?year=10000")
    assert 'lang="zh-CN"' in r.text and 'lang="en"' in r.text
    r = client.get("/nowhere?lang=en")
    _html_problem(r, 404)
    assert r.text.index('lang="en"') < r.text.index('lang="zh-CN"', r.text.index("<main"))
