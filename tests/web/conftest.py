"""Fixtures of the web tests: the demo web site's app in a test client and its database (``client``, ``factory``:
one per module that asks; a module may define its own); a live demo server for the browser tests (a copy of the
session's demo web site: SQLite, synthetic data, one demo account per role, in a temporary folder, and the platform
app with the web pages, served by uvicorn on 127.0.0.1 in a background thread); and the Playwright fixtures of the
browser tests (Debian's Chromium, headless, every request and CSP violation of a module recorded)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from browser_helpers import CHROMIUM
from demo_builds import DemoSite, copy_site
from transcarbon.demo_site import demo_app
from transcarbon.store import db


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    """The demo site's app (pages and API) in a test client, for one module."""
    with TestClient(demo_app(demo_site.data_dir), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def factory(demo_site: DemoSite) -> Iterator[sessionmaker[Session]]:
    """Sessions on the demo site's database, for one module."""
    engine = db.make_engine(demo_site.url)
    yield db.session_factory(engine)
    engine.dispose()


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path


@pytest.fixture(scope="session")
def live_server(demo_site_template: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from transcarbon.demo_site import BackgroundServer, demo_app

    site = copy_site(demo_site_template, tmp_path_factory.mktemp("web") / "data")
    with BackgroundServer(demo_app(site.data_dir)) as server:
        yield LiveServer(server.url, site.data_dir)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def requests_seen() -> list[str]:
    return []


@pytest.fixture(scope="module")
def csp_violations() -> list[str]:
    return []


@pytest.fixture
def new_page(browser: Any, requests_seen: list[str], csp_violations: list[str]) -> Iterator[Any]:
    contexts = []

    def make(lang: str | None = None) -> Any:
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("request", lambda req: requests_seen.append(req.url))
        page.on(
            "console",
            lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        # generous: on a loaded 2-core CI machine a sign-in (password KDF) or a scenario run can take tens of seconds
        page.set_default_timeout(60000)
        page.set_default_navigation_timeout(90000)
        return page

    yield make
    for c in contexts:
        c.close()
