"""``transcarbon scenario run FILE.yaml [--draws N] [--json]``: the contract on the issue's YAML example (stock and
new-energy stock share by class and year, checked by hand), Monte Carlo draws, and refused files naming the key and
the fix in Chinese and English."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from transcarbon.cli import app

runner = CliRunner()

ISSUE_EXAMPLE = """\
base_year: 2020
end_year: 2035
fleet:
  classes:
    - id: private_car
      survival: {weibull: {scale: 14.46, shape: 4.79}}   # S(age) = exp(-(age/scale)^shape)
      sales: {constant: 100000}                          # or {by_year: {2015: 90000, ...}}
      nev_sales_share: {2020: 0.05, 2025: 0.20, 2030: 0.40}
"""


def _write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_example_json_contract(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "run", str(_write(tmp_path, ISSUE_EXAMPLE)), "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["years"] == list(range(2020, 2036))
    car = out["fleet"]["private_car"]
    assert set(car) >= {"stock", "nev_stock_share"}
    assert list(car["stock"]) == [str(y) for y in range(2020, 2036)]
    steady = 100_000 * np.exp(-((np.arange(0, 41) / 14.46) ** 4.79)).sum()  # constant sales from 1980
    assert car["stock"]["2030"] == pytest.approx(steady, rel=1e-6)
    # the stock share lags the sales share by about a decade (reference/scenarios.md)
    assert car["nev_stock_share"]["2025"] == pytest.approx(0.05, abs=0.006)
    assert car["nev_stock_share"]["2030"] == pytest.approx(0.17, abs=0.006)
    assert car["nev_stock_share"]["2020"] < 0.005
    assert 0 <= car["nev_stock_share"]["2035"] <= 1
    assert out["oil_peak"]["modelled"] is False  # no energy given: stock only


def test_draws_give_percentiles(tmp_path: Path) -> None:
    text = ISSUE_EXAMPLE + (
        "uncertainty:\n  inputs:\n"
        "    - {input: 'fleet.classes[private_car].survival', dist: triangular, params: [0.9, 1.0, 1.1]}\n"
    )
    result = runner.invoke(app, ["scenario", "run", str(_write(tmp_path, text)), "--draws", "400", "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    p = out["uncertainty"]["nev_stock_share"]["private_car"]
    assert out["uncertainty"]["draws"] == 400
    assert p["p10"]["2030"] < p["p50"]["2030"] < p["p90"]["2030"]
    assert p["p50"]["2030"] == pytest.approx(out["fleet"]["private_car"]["nev_stock_share"]["2030"], abs=0.005)


def test_table_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "run", str(_write(tmp_path, ISSUE_EXAMPLE))])
    assert result.exit_code == 0, result.stderr
    assert "private_car" in result.stdout


@pytest.mark.parametrize(
    ("text", "key", "zh", "en"),
    [
        (
            ISSUE_EXAMPLE.replace("shape: 4.79", "shap: 4.79"),
            "fleet.classes[private_car].survival.weibull.shap",
            "未知的键",
            "unknown key",
        ),
        (
            ISSUE_EXAMPLE.replace("2030: 0.40", "2030: 40"),
            "fleet.classes[private_car].sales_shares.bev.2030",
            "0 到 1",
            "write 40% as 0.40",
        ),
        (ISSUE_EXAMPLE.replace("end_year: 2035\n", ""), "end_year", "缺少此键", "this key is missing"),
        (
            ISSUE_EXAMPLE.replace("{constant: 100000}", "{constant: lots}"),
            "fleet.classes[private_car].sales.constant",
            "不是数字",
            "not a number",
        ),
    ],
)
def test_refused_files_name_the_key_and_the_fix(tmp_path: Path, text: str, key: str, zh: str, en: str) -> None:
    result = runner.invoke(app, ["scenario", "run", str(_write(tmp_path, text)), "--json"])
    assert result.exit_code == 1
    assert f"键 {key}" in result.stderr and f"key {key}" in result.stderr
    assert zh in result.stderr and en in result.stderr
    assert result.stdout == ""


def test_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "run", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
