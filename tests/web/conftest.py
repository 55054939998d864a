"""A live demo server for the browser tests: a copy of the session's demo web site (SQLite, synthetic data,
one demo account per role) in a temporary folder, and the platform app with the web pages, served by uvicorn on
127.0.0.1 in a background thread."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo_builds import DemoSite, copy_site


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
