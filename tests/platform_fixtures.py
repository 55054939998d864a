"""Shared set-up for the data-collection tests: organisations, one user and API token per role, an app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from transcarbon.app import create_app
from transcarbon.city.reports import ReportType, load_report_types
from transcarbon.factors.library import FactorLibrary
from transcarbon.services import users
from transcarbon.services.submissions import Context
from transcarbon.services.users import Principal
from transcarbon.settings import Settings
from transcarbon.store import db
from transcarbon.store.models import Organisation

ORGS = [
    ("FRT", "enterprise", "road_freight"),
    ("OTH", "enterprise", "road_freight"),
    ("PRT", "enterprise", "port"),
    ("BUS", "enterprise", "urban_bus"),
    ("GOV", "department", None),
]
# role -> (username, org, department)
ACCOUNTS = {
    "admin": ("root", None, None),
    "analyst": ("ana", None, None),
    "department": ("dept", "GOV", "transport_bureau"),
    "reporter": ("frt", "FRT", None),
    "auditor": ("aud", None, None),
    "public": ("pub", None, None),
}
PASSWORD = "correct horse battery"


def fast_settings(data_dir: Path, url: str, **kw: object) -> Settings:
    """Settings for a test app on ``url``: cheap password hashing, and ``kw`` (login throttling, upload limit …)."""
    return Settings(data_dir=data_dir, database_url=url, argon2_time_cost=1, argon2_memory_kib=64, **kw)  # type: ignore[arg-type]


def seed(url: str) -> dict[str, str]:
    """Organisations and users (one per role plus a reporter of OTH and of PRT); returns role → API token."""
    users.configure_hasher(time_cost=1, memory_cost=64, parallelism=1)
    engine = db.make_engine(url)
    tokens: dict[str, str] = {}
    with db.transaction(db.session_factory(engine)) as s:
        s.add_all(
            [
                Organisation(id=o, name_zh=f"{o}（测试）", name_en=f"{o} (test)", kind=k, sector=sec)
                for o, k, sec in ORGS
            ]
        )
        s.flush()
        accounts = {
            **ACCOUNTS,
            "reporter_oth": ("oth", "OTH", None),
            "reporter_prt": ("prt", "PRT", None),
            "reporter_bus": ("bus", "BUS", None),
        }
        for key, (name, org, dept) in accounts.items():
            role = key.split("_")[0]
            u = users.create_user(
                s, username=name, role=role, actor="setup", password=PASSWORD, org_id=org, department_id=dept
            )
            tokens[key] = users.issue_token(s, u, name="test", actor="setup", days=30).token
    engine.dispose()
    return tokens


@dataclass
class Platform:
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]
    url: str
    data_dir: Path

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def make_platform(url: str, tmp_path: Path, **settings_kw: object) -> Platform:
    db.upgrade(url)
    tokens = seed(url)
    app = create_app(fast_settings(tmp_path / "data", url, **settings_kw))
    return Platform(app, TestClient(app, raise_server_exceptions=False), tokens, url, tmp_path / "data")


def service_context(tmp_path: Path) -> Context:
    regions = tuple(FactorLibrary.load().default("regions").table["code"].to_list())
    return Context(catalog=load_report_types(), data_dir=tmp_path / "data", regions=regions)


def principal(role: str) -> Principal:
    name, org, dept = ACCOUNTS[role]
    return Principal(1, name, role, org, dept)


def example_row(rt: ReportType, **over: object) -> dict[str, object]:
    row: dict[str, object] = {f.id: f.example for f in rt.fields}
    row.update(over)
    return row


def csv_bytes(rt: ReportType, rows: list[dict[str, object]]) -> bytes:
    lines = [",".join(rt.columns)]
    for r in rows:
        lines.append(",".join("" if r.get(c) is None else str(r.get(c)) for c in rt.columns))
    return ("\n".join(lines) + "\n").encode("utf-8")
