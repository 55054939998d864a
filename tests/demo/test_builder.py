"""The demo database (the session's build, copied for this module): the same inventory on SQLite and
PostgreSQL; lineage, audit and the CLI against it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from dbutil import sqlite_url
from demo_builds import copy_database
from transcarbon.cli import app
from transcarbon.services.accounting import AccountingOptions, inventory_json
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.services.lineage import lineage
from transcarbon.store import db
from transcarbon.store.models import ActivityRecord, Organisation, Result

runner = CliRunner()


def _inventory(url: str, year: int) -> dict:
    engine = db.make_engine(url)
    with db.transaction(db.session_factory(engine)) as session:
        run = run_inventory(session, year, AccountingOptions(), actor="test")
        payload = inventory_json(run.inventory)
        assert run.reused  # the demo build computed it already
    engine.dispose()
    return payload


@pytest.fixture
def cli_env(demo_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    from transcarbon.settings import get_settings

    monkeypatch.setenv("TRANSCARBON_DATABASE_URL", demo_db_url)
    get_settings.cache_clear()
    yield demo_db_url  # type: ignore[misc]
    get_settings.cache_clear()


def test_demo_is_synthetic_and_covers_every_sector(demo_db_url: str) -> None:
    engine = db.make_engine(demo_db_url)
    with db.session_factory(engine)() as s:
        orgs = s.scalars(select(Organisation)).all()
        assert 50 <= len(orgs) <= 80 and all(o.synthetic for o in orgs)
        assert all("示例" in o.name_zh for o in orgs)
        sectors = set(s.scalars(select(ActivityRecord.sector).distinct()))
        periods = set(s.scalars(select(ActivityRecord.period).distinct()))
    engine.dispose()
    assert len(sectors) == 10
    assert len(periods) == 72 and min(periods) == "2020-01" and max(periods) == "2025-12"


def test_demo_inventory_equals_calc_of_the_same_rows(demo_db_url: str, tmp_path: Path) -> None:
    from transcarbon.demo.generator import generate, write_csv

    paths = write_csv(generate(), tmp_path)
    import polars as pl

    rows = pl.read_csv(paths["activity"], infer_schema_length=0).filter(pl.col("period").str.starts_with("2024"))
    one_year = tmp_path / "a2024.csv"
    rows.write_csv(one_year)
    result = runner.invoke(app, ["calc", str(one_year), "--json"])
    assert result.exit_code == 0, result.stderr
    calc, stored = json.loads(result.stdout), _inventory(demo_db_url, 2024)
    assert calc.keys() == stored.keys() and calc["by_sector"].keys() == stored["by_sector"].keys()
    for got, want in [
        (calc["total"], stored["total"]),
        *[(calc["by_sector"][k], stored["by_sector"][k]) for k in calc["by_sector"]],
    ]:
        assert {k for k, v in got.items() if v is None} == {k for k, v in want.items() if v is None}
        assert {k: v for k, v in got.items() if v is not None} == pytest.approx(
            {k: v for k, v in want.items() if v is not None}, rel=1e-12
        )


@pytest.mark.skipif(not os.environ.get("TRANSCARBON_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_same_inventory_on_sqlite_and_postgresql(demo_db_url: str, demo_sqlite_template: str, tmp_path: Path) -> None:
    on_sqlite = sqlite_url(tmp_path / "other.db")
    copy_database(demo_sqlite_template, on_sqlite)
    for year in (2020, 2025):
        assert _inventory(on_sqlite, year) == _inventory(demo_db_url, year)


def test_lineage_of_a_demo_result_lists_exactly_its_rows(demo_db_url: str) -> None:
    engine = db.make_engine(demo_db_url)
    with db.session_factory(engine)() as s:
        result = s.scalars(
            select(Result).where(Result.year == 2023, Result.sector == "urban_bus", Result.month == 7)
        ).one()
        expected = set(
            s.scalars(
                select(ActivityRecord.id).where(
                    ActivityRecord.period == "2023-07", ActivityRecord.sector == "urban_bus"
                )
            )
        )
        tree = lineage(s, result.id)
    engine.dispose()
    assert {i["record_id"] for i in tree["inputs"]} == expected
    assert tree["check"]["matches"]
    assert any(f["kind"] == "grid" and f["key"]["region"] == "CN-JS" for f in tree["factors"])


@pytest.mark.slow
def test_cli_inventory_lineage_and_audit(cli_env: str) -> None:
    inv = runner.invoke(app, ["inventory", "--year", "2025", "--json"])
    assert inv.exit_code == 0, inv.stderr
    payload = json.loads(inv.stdout)
    assert payload["year"] == 2025 and payload["total"]["co2_t"] > 1e6
    assert set(payload["by_sector"]) >= {"road_freight", "port", "urban_bus", "civil_aviation"}
    engine = db.make_engine(cli_env)
    with db.session_factory(engine)() as s:
        rid = s.scalars(
            select(Result.id).where(
                Result.run_id == payload["run_id"],
                Result.sector == "port",
                Result.month.is_(None),
                Result.org_id.is_(None),
            )
        ).one()
    shown = runner.invoke(app, ["lineage", str(rid)])
    assert shown.exit_code == 0 and "一致 matches" in shown.stdout and "GB/T 2589" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["lineage", str(rid), "--json"]).stdout)
    assert as_json["result"]["sector"] == "port" and as_json["inputs"]
    assert runner.invoke(app, ["lineage", "999999999"]).exit_code == 2
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "verified" in ok.stdout
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET details = '{}' WHERE id = (SELECT MIN(id) FROM audit_log)"))
    engine.dispose()
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and "tampered" in bad.stderr


def test_demo_has_a_ship_run_with_shore_power(demo_db_url: str) -> None:
    from transcarbon.store.models import CalculationRun
    from transcarbon.store.models_ships import ShipResult

    engine = db.make_engine(demo_db_url)
    with db.session_factory(engine)() as s:
        run = s.scalars(select(CalculationRun).where(CalculationRun.kind == "ships")).one()
        total = s.scalars(select(ShipResult).where(ShipResult.run_id == run.id, ShipResult.grain == "total")).one()
    engine.dispose()
    assert run.input_count > 100_000 and len(run.parameters["inputs_sha256"]) == 4
    assert total.co2_t > 1000 and total.shore_kwh and total.shore_kwh > 0
    assert total.avoided_co2_net_t == pytest.approx(total.avoided_co2_gross_t - total.grid_co2_t)


def test_factors_cli() -> None:
    listed = runner.invoke(app, ["factors", "list"])
    assert listed.exit_code == 0 and "energy_statistics" in listed.stdout and "mee_grid" in listed.stdout
    shown = runner.invoke(app, ["factors", "show", "mee_grid"])
    assert shown.exit_code == 0 and "region=CN-JS  year=2023  kgco2_per_kwh=0.5827  [to_check]" in shown.stdout
    assert runner.invoke(app, ["factors", "show", "nope"]).exit_code == 2


def test_inventory_of_a_year_without_data_is_refused(cli_env: str) -> None:
    result = runner.invoke(app, ["inventory", "--year", "2019"])
    assert result.exit_code == 2 and "Years with data: 2020, 2021, 2022, 2023, 2024, 2025" in result.stderr
    shown = runner.invoke(app, ["inventory", "--year", "2024"])
    assert shown.exit_code == 0 and "transcarbon lineage <id> (the total is" in shown.stderr
    ids = json.loads(runner.invoke(app, ["inventory", "--year", "2024", "--json"]).stdout)["result_ids"]
    assert set(ids) >= {"total", "road_freight", "port"}


def test_unexpected_errors_are_one_bilingual_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import transcarbon.cli as cli

    def boom() -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.delenv("TRANSCARBON_DEBUG", raising=False)
    monkeypatch.setattr(cli, "app", boom)
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 70
    err_text = capsys.readouterr().err
    assert "内部错误（RuntimeError）" in err_text and "internal error (RuntimeError): disk on fire" in err_text
    assert "Traceback" not in err_text
