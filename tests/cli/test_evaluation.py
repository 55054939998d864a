"""The evaluation commands on the demo database: every INDICATORS.md id in ``evaluate --json``, the
decomposition adding up, scorecards and warnings; tables readable at 80 columns, Chinese first; and
mistakes (a year without data, a bad date, an unknown department) answered with what to fix."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from evaluation_fixtures import INDICATOR_IDS
from transcarbon.cli import app
from transcarbon.methods.lmdi import EFFECTS

runner = CliRunner()


def _json(args: list[str]) -> object:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _width(text: str) -> int:
    from rich.cells import cell_len

    return max(cell_len(line.rstrip()) for line in text.splitlines())


@pytest.mark.slow
def test_evaluate_json_lists_every_indicator(demo_env: str) -> None:
    p = _json(["evaluate", "--year", "2025", "--json"])
    assert isinstance(p, dict) and p["year"] == 2025
    ids = [i["id"] for i in p["indicators"]]
    assert sorted(ids) == sorted(INDICATOR_IDS)
    keys = {
        "id",
        "name_zh",
        "name_en",
        "value",
        "unit",
        "target_2025",
        "target_2030",
        "target_2035",
        "status",
        "sdg_status",
        "light",
        "completion_to_date",
        "forecast",
        "value_low",
        "value_high",
        "quality_grade",
        "departments",
    }
    for i in p["indicators"]:
        assert keys <= set(i)
        if i["forecast"] is not None:
            assert set(i["forecast"]) == {"year", "value", "low", "high", "p_meet", "method", "indicative"}
            # 2025 is a target year: judged on the observed value, not forecast
            assert i["forecast"]["year"] != 2025 or (
                i["forecast"]["method"] == "observed" and not i["forecast"]["indicative"]
            )
    lights = {i["light"] for i in p["indicators"]}
    assert lights >= {"green", "red"} and "grey" not in lights  # every indicator has data in 2025
    assert p["warnings"]
    for w in p["warnings"]:
        assert {"id", "kind", "severity", "indicator", "departments", "message_zh", "message_en"} <= set(w)
        assert w["departments"]


def test_decompose_json_adds_up(demo_env: str) -> None:
    p = _json(["decompose", "--from", "2020", "--to", "2025", "--json"])
    assert isinstance(p, dict)
    assert sum(p["total"][e] for e in EFFECTS) == pytest.approx(p["total"]["delta_co2_t"], rel=1e-9)
    res = runner.invoke(app, ["decompose", "--from", "2019", "--to", "2025"])
    assert res.exit_code == 2


def test_scorecards_and_warnings(demo_env: str) -> None:
    p = _json(["scorecards", "--year", "2025", "--json"])
    assert isinstance(p, dict) and len(p["scorecards"]) == 14
    assert {c["grade"] for c in p["scorecards"]} - {None} <= {"excellent", "good", "pass", "fail"}
    rows = _json(["warnings", "--year", "2025", "--json"])
    assert isinstance(rows, list) and rows
    res = runner.invoke(app, ["scorecards", "--year", "2025"])
    assert res.exit_code == 0 and "市交通局" in res.stdout
    res = runner.invoke(app, ["evaluate", "--year", "2025"])
    assert res.exit_code == 0


def test_evaluate_table_fits_80_columns_chinese_first(demo_env: str, narrow: None) -> None:
    res = runner.invoke(app, ["evaluate", "--year", "2025"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout, "a cell was cut short"
    assert _width(res.stdout) <= 80
    assert "已实现" in res.stdout and "nev_sales_share" in res.stdout
    # warnings as a list: severity and kind in Chinese, departments by name, both messages in full
    assert "市交通局" in res.stdout and "责任单位" in res.stdout
    payload = json.loads(runner.invoke(app, ["evaluate", "--year", "2025", "--json"]).stdout)
    first = payload["warnings"][0]["message_en"].split()[0]
    assert first in res.stdout


def test_decompose_and_scorecards_fit_80_columns(demo_env: str, narrow: None) -> None:
    res = runner.invoke(app, ["decompose", "--from", "2020", "--to", "2025"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout and _width(res.stdout) <= 80
    assert "道路货运" in res.stdout and "活动水平" in res.stdout and "万吨" in res.stdout
    res = runner.invoke(app, ["scorecards", "--year", "2025"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout and _width(res.stdout) <= 80
    assert "市交通局" in res.stdout and "transport_bureau" in res.stdout


def test_years_without_data_are_refused_with_the_years_there_are(
    demo_env: str, narrow: None, clean_failure: Callable[[Result, int], None]
) -> None:
    from transcarbon.services.accounting import AccountingOptions
    from transcarbon.services.inventory_runs import run_inventory
    from transcarbon.store import db

    # an inventory of a year without data stores an empty run; the decomposition must not trip over it
    engine = db.make_engine(demo_env)
    with db.transaction(db.session_factory(engine)) as session:
        run_inventory(session, 2019, AccountingOptions(), actor="test")
    engine.dispose()
    for args in (
        ["decompose", "--from", "2019", "--to", "2025"],
        ["evaluate", "--year", "2031"],
        ["scorecards", "--year", "2031"],
    ):
        res = runner.invoke(app, args)
        clean_failure(res, 2)
        flat = " ".join(res.output.split())
        assert "2020, 2021, 2022, 2023, 2024, 2025" in flat
        assert "transcarbon inventory --year" in flat


def test_bad_options_say_what_to_fix(demo_env: str, narrow: None, clean_failure: Callable[[Result, int], None]) -> None:
    res = runner.invoke(app, ["evaluate", "--year", "2025", "--as-of", "2025-13-01"])
    clean_failure(res, 2)
    assert "YYYY-MM-DD" in res.output and "2025-13-01" in res.output
    res = runner.invoke(app, ["warnings", "--department", "no_such_bureau"])
    clean_failure(res, 2)
    assert "no_such_bureau" in res.output and "transport_bureau" in res.output
