"""Stored inventory runs: lineage lists exactly the input rows; runs are reproducible. Runs on SQLite, and on
PostgreSQL when TRANSCARBON_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.factors.library import FactorLibrary
from transcarbon.services import audit
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.activity_csv import COLUMNS, activity_limits, read_activity_csv
from transcarbon.services.inventory_runs import run_inventory, year_inventory
from transcarbon.services.lineage import LineageNotFound, lineage, result_org
from transcarbon.services.records import UnknownOrganisation, has_batch, store_activity
from transcarbon.store import db
from transcarbon.store.models import CalculationLine, CalculationRun, ImportBatch, Organisation, Result

LIMITS = activity_limits(load_city())

ROWS = [
    "FRT,2023-01,road_freight,diesel,100,t,2000000,,,,",
    "FRT,2023-02,road_freight,diesel,120,t,2500000,,,,",
    "BUS,2023-01,urban_bus,electricity,300,MWh,,4000000,,,",
    "BUS,2023-01,urban_bus,lng,40,t,,,,,",
    "PRT,2023-01,port,electricity,800,MWh,,,,,2500000",
    "FRT,2022-12,road_freight,diesel,90,t,1800000,,,,",
]


@pytest.fixture
def session(migrated_db_url: str, library: FactorLibrary) -> Iterator[Session]:
    engine = db.make_engine(migrated_db_url)
    factory = db.session_factory(engine)
    with db.transaction(factory) as s:
        s.add_all(
            [
                Organisation(id=o, name_zh=o, name_en=o, kind="enterprise", sector=sec)
                for o, sec in (("FRT", "road_freight"), ("BUS", "urban_bus"), ("PRT", "port"))
            ]
        )
        regions = library.default("regions").table["code"].to_list()
        frame = read_activity_csv(
            ("\n".join([",".join(COLUMNS), *ROWS]) + "\n").encode(), "t.csv", regions=regions, limits=LIMITS
        )
        store_activity(s, frame, kind="file", label="test", actor="tester", file_name="t.csv", file_sha256="ab" * 32)
    with factory() as s:
        yield s
    engine.dispose()


def test_run_results_and_lineage_list_exactly_the_inputs(session: Session) -> None:
    with session.begin():
        run = run_inventory(session, 2023, AccountingOptions(), actor="tester")
    assert not run.reused
    stored = session.get(CalculationRun, run.run_id)
    assert stored is not None and stored.input_count == 5  # the 2022 row is not in 2023
    assert stored.factor_sets["fuel_properties"]["name"] == "energy_statistics"
    assert len(stored.factor_sets["grid"]["sha256"]) == 64
    road = session.scalars(
        select(Result).where(
            Result.run_id == run.run_id,
            Result.sector == "road_freight",
            Result.month.is_(None),
            Result.org_id.is_(None),
        )
    ).one()
    tree = lineage(session, road.id)
    assert [i["row_number"] for i in tree["inputs"]] == [2, 3]
    assert {i["record"]["period"] for i in tree["inputs"]} == {"2023-01", "2023-02"}
    assert tree["check"]["matches"]
    assert road.co2_t == pytest.approx(220 * 42.652 * 0.0202 * 0.98 * 44 / 12)
    assert any(
        f["kind"] == "fuel_properties" and f["key"]["fuel"] == "diesel" and "Yearbook" in f["source"]
        for f in tree["factors"]
    )
    total = session.scalars(
        select(Result).where(
            Result.run_id == run.run_id, Result.sector.is_(None), Result.month.is_(None), Result.org_id.is_(None)
        )
    ).one()
    total_tree = lineage(session, total.id)
    assert sorted(i["row_number"] for i in total_tree["inputs"]) == [2, 3, 4, 5, 6]
    grid = [f for f in total_tree["factors"] if f["kind"] == "grid"]
    assert grid == [g for g in grid if g["key"] == {"region": "CN-JS", "year": 2023}] and grid
    jan = session.scalars(
        select(Result).where(Result.run_id == run.run_id, Result.month == 1, Result.sector == "road_freight")
    ).one()
    assert [i["row_number"] for i in lineage(session, jan.id)["inputs"]] == [2]
    bus = session.scalars(select(Result).where(Result.run_id == run.run_id, Result.org_id == "BUS")).one()
    assert [i["row_number"] for i in lineage(session, bus.id)["inputs"]] == [4, 5]
    with pytest.raises(LineageNotFound):
        lineage(session, 10**9)


def test_results_sum_to_total_at_every_grain(session: Session) -> None:
    with session.begin():
        run = run_inventory(session, 2023, AccountingOptions(), actor="tester")
    results = session.scalars(select(Result).where(Result.run_id == run.run_id)).all()
    total = next(r for r in results if r.sector is None and r.month is None and r.org_id is None)
    by_sector = [r for r in results if r.sector and r.month is None and r.org_id is None]
    by_month = [r for r in results if r.month is not None]
    by_org = [r for r in results if r.org_id is not None]
    for grain in (by_sector, by_month, by_org):
        assert sum(r.co2e_t for r in grain) == pytest.approx(total.co2e_t, rel=1e-12)
        assert sum(r.line_count for r in grain) == total.line_count == 5


def test_same_inputs_same_run_and_numbers(session: Session) -> None:
    with session.begin():
        first = run_inventory(session, 2023, AccountingOptions(), actor="tester")
    with session.begin():
        again = run_inventory(session, 2023, AccountingOptions(), actor="someone else")
    assert again.reused and again.run_id == first.run_id
    assert again.inventory.total == first.inventory.total
    with session.begin():
        other = run_inventory(session, 2023, AccountingOptions(gwp="SAR"), actor="tester")
    assert not other.reused and other.run_id != first.run_id
    assert other.inventory.total["co2_t"] == first.inventory.total["co2_t"]
    assert other.inventory.total["co2e_t"] != first.inventory.total["co2e_t"]
    assert session.scalar(select(func.count()).select_from(CalculationRun)) == 2


def test_year_inventory_is_the_newest_run_by_sector_for_the_city_or_one_organisation(session: Session) -> None:
    assert year_inventory(session, 2023) is None
    session.rollback()
    with session.begin():
        run_inventory(session, 2023, AccountingOptions(gwp="SAR"), actor="tester")
        run = run_inventory(session, 2023, AccountingOptions(), actor="tester")
    city = year_inventory(session, 2023)
    assert city is not None and city["run_id"] == run.run_id
    assert set(city["by_sector"]) == {"road_freight", "urban_bus", "port"}  # type: ignore[call-overload]
    total = city["total"]
    assert isinstance(total, dict) and total["co2e_t"] == pytest.approx(run.inventory.total["co2e_t"])
    assert session.get(Result, total["result_id"]) is not None
    bus = year_inventory(session, 2023, org_id="BUS")
    assert bus is not None and bus["total"] is None and list(bus["by_sector"]) == ["urban_bus"]  # type: ignore[call-overload]
    assert year_inventory(session, 2023, org_id="NOBODY") == {"run_id": run.run_id, "total": None, "by_sector": {}}


def test_result_org_names_whose_rows_a_result_comes_from(session: Session) -> None:
    with session.begin():
        run = run_inventory(session, 2023, AccountingOptions(), actor="tester")
    bus = session.scalars(select(Result).where(Result.run_id == run.run_id, Result.org_id == "BUS")).one()
    total = session.scalars(
        select(Result).where(
            Result.run_id == run.run_id, Result.sector.is_(None), Result.month.is_(None), Result.org_id.is_(None)
        )
    ).one()
    assert result_org(session, bus.id) == "BUS"
    assert result_org(session, total.id) is None
    with pytest.raises(LineageNotFound):
        result_org(session, 10**9)


def test_has_batch_by_kind(session: Session) -> None:
    assert has_batch(session, "file")
    assert not has_batch(session, "demo")


def test_audit_entries_page_newest_first_by_action_and_object_type(session: Session) -> None:
    with session.begin():
        run_inventory(session, 2023, AccountingOptions(), actor="tester")
        audit.append(session, actor="tester", action="records.import", object_type="other", object_id="x")
    total, entries = audit.entries(session)
    assert total == 3 and [e["id"] for e in entries] == [3, 2, 1]
    assert set(entries[0]) == set(audit.ENTRY_FIELDS) and entries[0]["prev_hash"] == entries[1]["hash"]
    total, entries = audit.entries(session, action="records.import")
    assert total == 2 and [e["object_type"] for e in entries] == ["other", "import_batch"]
    total, entries = audit.entries(session, action="records.import", object_type="import_batch", limit=1)
    assert total == 1 and [e["id"] for e in entries] == [1]
    total, entries = audit.entries(session, limit=1, offset=1)
    assert total == 3 and [e["id"] for e in entries] == [2]


def test_only_approved_batches_feed_calculations(session: Session) -> None:
    with session.begin():
        session.execute(update(ImportBatch).values(status="submitted"))
        run = run_inventory(session, 2023, AccountingOptions(), actor="tester")
    assert run.inventory.total["co2_t"] == 0
    assert (
        session.scalar(select(func.count()).select_from(CalculationLine).where(CalculationLine.run_id == run.run_id))
        == 0
    )


def test_unknown_organisation_refuses_the_whole_batch(session: Session, library: FactorLibrary) -> None:
    regions = library.default("regions").table["code"].to_list()
    frame = read_activity_csv(
        (
            ",".join(COLUMNS) + "\nFRT,2023-03,road_freight,diesel,1,t,,,,,\n"
            "NOPE,2023-03,road_freight,diesel,1,t,,,,,\n"
        ).encode(),
        "u.csv",
        regions=regions,
        limits=LIMITS,
    )
    before = session.scalar(select(func.count()).select_from(ImportBatch))
    session.rollback()
    with pytest.raises(UnknownOrganisation, match="NOPE"), session.begin():
        store_activity(session, frame, kind="file", label="bad", actor="tester")
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == before
