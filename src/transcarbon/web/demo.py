"""Demo accounts (one per role) and the demo web app, for ``start``, tests and benchmarks.

The passwords are public demo values: use them only on the synthetic demo database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.settings import Settings
from transcarbon.store.models import Organisation, User


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    org_kind: str | None = None  # reporters and department users belong to an organisation of this kind
    org_sector: str | None = None
    department_id: str | None = None


DEMO_PASSWORD = "demo-password-2025"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "admin", DEMO_PASSWORD),
    DemoUser("analyst", "analyst", DEMO_PASSWORD),
    DemoUser("auditor", "auditor", DEMO_PASSWORD),
    DemoUser("reporter", "reporter", DEMO_PASSWORD, org_kind="enterprise", org_sector="road_freight"),
    DemoUser("department", "department", DEMO_PASSWORD, org_kind="department", department_id="transport_bureau"),
)


def ensure_demo_users(session: Session, *, actor: str = "demo") -> list[tuple[str, str, str | None]]:
    """Create the demo accounts that are missing; return (username, role, org_id) of all of them.

    Their passwords are public: refused (``RuntimeError``) unless the database holds the synthetic demo
    data set, so that no demo account can appear on a real database.
    """
    from transcarbon.services import users
    from transcarbon.services.demo import demo_present

    if not demo_present(session):
        raise RuntimeError("demo accounts are only created on the synthetic demo database (transcarbon demo build)")

    out = []
    for du in DEMO_USERS:
        existing = session.scalars(select(User).where(User.username == du.username)).first()
        if existing is None:
            org_id = None
            if du.org_kind:
                q = select(Organisation.id).where(Organisation.kind == du.org_kind).order_by(Organisation.id)
                if du.org_sector:
                    q = q.where(Organisation.sector == du.org_sector)
                org_id = session.scalars(q).first() or session.scalars(
                    select(Organisation.id).where(Organisation.kind == du.org_kind).order_by(Organisation.id)).first()
            existing = users.create_user(session, username=du.username, role=du.role, actor=actor,
                                         password=du.password, org_id=org_id, department_id=du.department_id,
                                         display_name=f"{du.username} (demo)")
        out.append((existing.username, existing.role, existing.org_id))
    return out


def build_demo_site(data_dir: Path) -> str:
    """A demo database (synthetic data, one account per role) in ``data_dir``; returns its URL."""
    from transcarbon.services import users
    from transcarbon.services.demo import build_demo, demo_present
    from transcarbon.store import db

    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(data_dir / 'transcarbon.db').as_posix()}"
    db.upgrade(url)
    engine = db.make_engine(url)
    users.configure_hasher(time_cost=1, memory_cost=8192, parallelism=1)
    with db.transaction(db.session_factory(engine)) as session:
        if not demo_present(session):
            build_demo(session, actor="demo")
        ensure_demo_users(session, actor="demo")
    engine.dispose()
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
    from transcarbon.api.app import create_app
    from transcarbon.api.config import PlatformSettings

    url = build_demo_site(data_dir)
    return create_app(Settings(data_dir=data_dir, database_url=url),
                      PlatformSettings(argon2_time_cost=1, argon2_memory_kib=8192, login_max_failures=50))
