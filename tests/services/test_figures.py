"""What the faces show (services/figures.py): inventory figures from the newest run of each year, each with
its result id, adding up across sectors, months, organisations and fuels; answers cached per data version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dbutil import sqlite_url
from transcarbon.city.config import load_city
from transcarbon.factors.library import FactorLibrary
from transcarbon.services import figures
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.activity_csv import COLUMNS, activity_limits, read_activity_csv
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.services.records import store_activity
from transcarbon.store import db
from transcarbon.store.models import CalculationLine, Organisation, Result

LIMITS = activity_limits(load_city())

ROWS = [
    "FRT,2023-01,road_freight,diesel,100,t,2000000,,,,",
    "FRT,2023-02,road_freight,diesel,120,t,2500000,,,,",
    "BUS,2023-01,urban_bus,electricity,300,MWh,,4000000,,,",
    "BUS,2023-01,urban_bus,lng,40,t,,,,,",
    "FRT,2022-12,road_freight,diesel,90,t,1800000,,,,",
]


@pytest.fixture
def session(migrated_db_url: str, library: FactorLibrary) -> Iterator[Session]:
    engine = db.make_engine(migrated_db_url)
    factory = db.session_factory(engine)
    with db.transaction(factory) as s:
        s.add_all(
            [
                Organisation(id=o, name_zh=f"{o}公司", name_en=f"{o} Ltd", kind="enterprise", sector=sec)
                for o, sec in (("FRT", "road_freight"), ("BUS", "urban_bus"))
            ]
        )
        regions = library.default("regions").table["code"].to_list()
        frame = read_activity_csv(
            ("\n".join([",".join(COLUMNS), *ROWS]) + "\n").encode(), "t.csv", regions=regions, limits=LIMITS
        )
        store_activity(s, frame, kind="file", label="test", actor="tester", file_name="t.csv", file_sha256="ab" * 32)
        for year in (2022, 2023):
            run_inventory(s, year, AccountingOptions(), actor="tester")
    figures.clear_cache()
    with factory() as s:
        yield s
    engine.dispose()


def test_years_and_city_series(session: Session) -> None:
    runs = figures.latest_runs(session)
    assert figures.years(session) == [2022, 2023] == sorted(runs)
    series = figures.city_series(session)
    assert [s["year"] for s in series] == [2022, 2023]
    for s in series:
        stored = session.get(Result, s["result_id"])
        assert stored is not None and stored.run_id == runs[s["year"]]
        assert (stored.sector, stored.month, stored.org_id) == (None, None, None) and stored.co2_t == s["co2_t"]


def test_emissions_add_up(session: Session) -> None:
    em = figures.emissions(session, 2023)
    total = em["total"]["co2_t"]
    assert total > 0 and em["run_id"] == figures.latest_runs(session)[2023]
    co2 = [r["co2_t"] for r in em["by_sector"]]
    assert {r["sector"] for r in em["by_sector"]} == {"road_freight", "urban_bus"} and co2 == sorted(co2, reverse=True)
    assert sum(r["co2_t"] for r in em["by_sector"]) == pytest.approx(total)
    assert [m["month"] for m in em["by_month"]] == [1, 2]
    assert sum(m["co2_t"] for m in em["by_month"]) == pytest.approx(total)
    assert sum(r["co2_t"] for r in em["by_sector_month"]) == pytest.approx(total)
    assert {(r["org_id"], r["name_zh"], r["name_en"]) for r in em["by_org"]} == {
        ("FRT", "FRT公司", "FRT Ltd"),
        ("BUS", "BUS公司", "BUS Ltd"),
    }
    assert sum(r["co2_t"] for r in em["by_org"]) == pytest.approx(total)
    assert {r["fuel"] for r in em["by_fuel"]} == {"diesel", "electricity", "lng"}
    assert sum(r["co2_t"] for r in em["by_fuel"]) == pytest.approx(total)
    lines = session.scalars(select(CalculationLine).where(CalculationLine.run_id == em["run_id"])).all()
    assert sum(r["lines"] for r in em["by_fuel"]) == len(lines) == 4
    assert all(session.get(Result, r["result_id"]) is not None for r in em["by_sector"] + em["by_org"])


def test_a_year_without_inventory(session: Session) -> None:
    em = figures.emissions(session, 2019)
    assert em["run_id"] is None and em["total"] is None
    assert em["by_sector"] == em["by_month"] == em["by_org"] == em["by_fuel"] == em["by_sector_month"] == []


def test_cached_per_data_version(session: Session) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert figures.cached(session, ("test",), compute) == 1
    assert figures.cached(session, ("test",), compute) == 1  # same data: kept
    assert figures.cached(session, ("other",), compute) == 2
    before = figures.data_version(session)
    run_inventory(session, 2021, AccountingOptions(), actor="tester")  # a run without data is still a run
    session.commit()
    assert figures.data_version(session) != before
    assert figures.cached(session, ("test",), compute) == 3  # new data version: computed again
    figures.clear_cache()
    assert figures.cached(session, ("test",), compute) == 4


def test_two_databases_with_one_data_version_never_share_an_answer(tmp_path: Path) -> None:
    """A copy of a database has its original's data version; the cache still tells them apart by their URL
    (a process serving two databases, or a test copying the demo database, must not read the other's answer)."""
    answers = iter(("first", "second"))
    seen = []
    for name in ("a.db", "b.db"):
        url = sqlite_url(tmp_path / name)
        db.upgrade(url)
        engine = db.make_engine(url)
        with db.session_factory(engine)() as s:
            assert figures.data_version(s) == (None, None, 0)  # both empty: one data version
            seen.append(figures.cached(s, ("same key",), lambda: next(answers)))
        engine.dispose()
    assert seen == ["first", "second"]
