"""The evaluation commands on the demo database: every INDICATORS.md id in ``evaluate --json``, the
decomposition adding up, scorecards and warnings."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from evaluation_fixtures import INDICATOR_IDS
from transcarbon.cli_evaluation import register
from transcarbon.methods.lmdi import EFFECTS
from transcarbon.settings import get_settings

runner = CliRunner()
app = typer.Typer()
register(app)


@pytest.fixture(scope="module")
def demo_env(demo_db_url: str) -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("TRANSCARBON_DATABASE_URL", demo_db_url)
    get_settings.cache_clear()
    yield
    mp.undo()
    get_settings.cache_clear()


def _json(args: list[str]) -> object:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_evaluate_json_lists_every_indicator(demo_env: None) -> None:
    p = _json(["evaluate", "--year", "2025", "--json"])
    assert isinstance(p, dict) and p["year"] == 2025
    ids = [i["id"] for i in p["indicators"]]
    assert sorted(ids) == sorted(INDICATOR_IDS)
    keys = {"id", "name_zh", "name_en", "value", "unit", "target_2025", "target_2030", "target_2035", "status",
            "sdg_status", "light", "completion_to_date", "forecast", "departments"}
    for i in p["indicators"]:
        assert keys <= set(i)
        if i["forecast"] is not None:
            assert set(i["forecast"]) == {"year", "value", "low", "high", "p_meet"}
    assert {i["light"] for i in p["indicators"]} >= {"green", "red", "grey"}
    assert p["warnings"]
    for w in p["warnings"]:
        assert {"id", "kind", "severity", "indicator", "departments", "message_zh", "message_en"} <= set(w)
        assert w["departments"]


def test_decompose_json_adds_up(demo_env: None) -> None:
    p = _json(["decompose", "--from", "2020", "--to", "2025", "--json"])
    assert isinstance(p, dict)
    assert sum(p["total"][e] for e in EFFECTS) == pytest.approx(p["total"]["delta_co2_t"], rel=1e-9)
    res = runner.invoke(app, ["decompose", "--from", "2019", "--to", "2025"])
    assert res.exit_code == 2


def test_scorecards_and_warnings(demo_env: None) -> None:
    p = _json(["scorecards", "--year", "2025", "--json"])
    assert isinstance(p, dict) and len(p["scorecards"]) == 14
    assert {c["grade"] for c in p["scorecards"]} - {None} <= {"excellent", "good", "pass", "fail"}
    rows = _json(["warnings", "--year", "2025", "--json"])
    assert isinstance(rows, list) and rows
    res = runner.invoke(app, ["scorecards", "--year", "2025"])
    assert res.exit_code == 0 and "市交通局" in res.stdout
    res = runner.invoke(app, ["evaluate", "--year", "2025"])
    assert res.exit_code == 0
