"""A live demo server for the browser tests: the demo database (SQLite, synthetic data) in a temporary
folder, one demo account per role, and the platform app with the web pages, served by uvicorn on
127.0.0.1 in a background thread."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from transcarbon.demo_site import BackgroundServer, demo_app

    data_dir = tmp_path_factory.mktemp("web")
    with BackgroundServer(demo_app(data_dir)) as server:
        yield LiveServer(server.url, data_dir)
