"""``transcarbon calc``: the JSON contract, and bad input refused row by row with nothing on stdout."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from transcarbon.cli import app
from transcarbon.methods.inventory import MEASURES

runner = CliRunner()


def test_calc_json_contract(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        "A,2023-01,road_freight,diesel,1000,t,25000000,,,CN-JS,",
        "P,2023-01,port,electricity,2,MWh,,,,,1000000",
        "P,2023-01,port,,,,,,,,5000",
    )
    result = runner.invoke(app, ["calc", str(path), "--json", "--gwp", "AR4"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"factor_set", "gwp", "total", "by_sector", "quality"}
    assert list(out["quality"]["by_sector"]) == ["road_freight", "port"]
    assert set(out["quality"]["total"]) == {"co2_u_t", "quality_score", "quality_grade"}
    assert out["gwp"] == "AR4" and out["factor_set"] == "energy_statistics"
    assert list(out["by_sector"]) == ["road_freight", "port"]
    for block in [out["total"], *out["by_sector"].values()]:
        assert tuple(block) == MEASURES
    assert out["by_sector"]["port"]["freight_tkm"] is None
    assert out["by_sector"]["port"]["intensity_kgco2_per_converted_tkm"] is None
    assert out["by_sector"]["port"]["scope2_co2_t"] == pytest.approx(2000 * 0.5827 / 1000)
    assert out["total"]["co2_t"] == pytest.approx(out["total"]["scope1_co2_t"] + out["total"]["scope2_co2_t"])


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("A,2023-13,road_freight,diesel,1,t,,,,,", "period", "YYYY-MM"),
        (",2023-01,road_freight,diesel,1,t,,,,,", "org_id", "required"),
        ("A,2023-01,trucks,diesel,1,t,,,,,", "sector", "road_freight"),
        ("A,2023-01,road_freight,petrol,1,t,,,,,", "fuel", "gasoline"),
        ("A,2023-01,road_freight,diesel,1 t,t,,,,,", "amount", "number"),
        ("A,2023-01,road_freight,diesel,-5,t,,,,,", "amount", "negative"),
        ("A,2023-01,road_freight,diesel,5,,,,,,", "unit", "required"),
        ("A,2023-01,road_freight,diesel,5,kWh,,,,,", "unit", "cannot be used for fuel diesel"),
        ("A,2023-01,road_freight,,5,t,,,,,", "fuel", "without a fuel"),
        ("A,2023-01,road_freight,,,,,,,,", "fuel", "neither fuel nor activity"),
        ("A,2023-01,waterway_passenger,,,,,1000,,,", "passenger_kind", "seat, berth"),
        ("A,2023-01,civil_aviation,,,,,1000,seat,,", "passenger_kind", "domestic, international"),
        ("A,2023-01,rail,,,,,1000,seat,,", "passenger_kind", "takes no passenger_kind"),
        ("A,2023-01,port,,,,,1000,,,", "passenger_pkm", "no passenger mode"),
        ("A,2023-01,road_freight,diesel,5,t,,,,CN-XX,", "region", "unknown region"),
        ("A,2023-01,road_freight,diesel,5,t,1e,,,,", "freight_tkm", "number"),
    ],
)
def test_each_rule_refuses_its_bad_row(write_csv, row: str, column: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("OK,2023-01,road_freight,diesel,1,t,10,,,,", row)
    result = runner.invoke(app, ["calc", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if "row 3" in ln]
    assert lines, result.stderr
    assert f"column {column}" in lines[0] and fragment in lines[0]
    assert "第3行" in lines[0]  # Chinese first
    assert "row 2" not in result.stderr  # the good row is not blamed


def test_every_bad_row_is_reported(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        "A,2023-01,road_freight,diesel,x,t,,,,,",
        "B,2023-01,road_freight,diesel,1,t,,,,,",
        "C,20231,bus,diesel,1,t,,,,,",
    )
    result = runner.invoke(app, ["calc", str(path), "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "row 2, column amount" in result.stderr
    assert "row 4, column period" in result.stderr and "row 4, column sector" in result.stderr
    assert "3 problems found" in result.stderr


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region", "missing columns"),
        (
            "org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t,x",
            "unknown columns x",
        ),
    ],
)
def test_header_must_be_exact(write_csv, header: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("A,2023,road_freight,diesel,1,t,,,,", header=header)
    result = runner.invoke(app, ["calc", str(path), "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert message in result.stderr and "row 1" in result.stderr


def test_unknown_factor_set_and_gwp(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("A,2023,road_freight,diesel,1,t,,,,,")
    bad_set = runner.invoke(app, ["calc", str(path), "--json", "--factor-set", "nope"])
    assert bad_set.exit_code == 2 and bad_set.stdout == "" and "energy_statistics" in bad_set.stderr
    bad_gwp = runner.invoke(app, ["calc", str(path), "--json", "--gwp", "AR9"])
    assert bad_gwp.exit_code == 2 and "AR5" in bad_gwp.stderr


def test_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["calc", str(tmp_path / "nope.csv"), "--json"])
    assert result.exit_code == 2 and result.stdout == "" and "nope.csv" in result.stderr
