"""The demo web site for ``start``-like runs in tests, benchmarks and screenshots: a demo database with
one account per role (:func:`build_demo_site`), its app (:func:`demo_app`: the composition root's app on
that database) and a background server.

The demo accounts' passwords are public and their password hashing is cheap: use these only on the
synthetic demo database.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi import FastAPI

from transcarbon.app import create_app
from transcarbon.demo.accounts import ensure_demo_users
from transcarbon.demo.builder import build_demo, demo_present
from transcarbon.services import users
from transcarbon.services.database import Database
from transcarbon.settings import Settings


def build_demo_site(data_dir: Path) -> str:
    """A demo database (synthetic data, one account per role) in ``data_dir``; returns its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(data_dir / 'transcarbon.db').as_posix()}"
    users.configure_hasher(time_cost=1, memory_cost=8192, parallelism=1)
    with Database.open(url, create=True) as database, database.transaction() as session:
        if not demo_present(session):
            build_demo(session, actor="demo")
        ensure_demo_users(session, actor="demo")
    return url


class BackgroundServer:
    """The web app served by uvicorn on 127.0.0.1 in a daemon thread (tests, benchmarks, screenshots)."""

    def __init__(self, app: FastAPI, port: int = 0):
        import socket

        import uvicorn

        if port == 0:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.server.started:
            raise RuntimeError("the web server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def demo_app(data_dir: Path) -> FastAPI:
    """The demo site's app (low password-hashing cost: demo accounts only)."""
    url = build_demo_site(data_dir)
    return create_app(Settings(data_dir=data_dir, database_url=url, argon2_time_cost=1, argon2_memory_kib=8192))
