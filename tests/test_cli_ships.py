"""CLI contract: `transcarbon ships inventory ... --json` on the synthetic demo month (small)."""

import json
from importlib import resources

from typer.testing import CliRunner

from transcarbon.cli_ships import app
from transcarbon.demo.ais import write_synthetic_ais


def test_inventory_json_contract(tmp_path):
    paths = write_synthetic_ais(tmp_path / "in", n_ships=12, days=6, ais_format="csv")
    zones = str(resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson")
    r = CliRunner().invoke(
        app,
        [
            "inventory",
            "--ais",
            str(paths["ais"]),
            "--ships",
            str(paths["ships"]),
            "--zones",
            zones,
            "--shore-power",
            str(paths["shore_power"]),
            "--out",
            str(tmp_path / "out"),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(s) == {"ships", "positions", "interpolated_h", "excluded_h", "total", "by_mode", "shore_power"}
    keys = {"fuel_t", "co2_t", "ch4_t", "n2o_t", "nox_t", "sox_t", "pm10_t", "pm25_t", "co_t", "hc_t"}
    assert set(s["total"]) == keys
    assert set(s["by_mode"]) == {"berth", "anchorage", "manoeuvring", "slow_cruise", "cruise"}
    assert all(set(v) == keys for v in s["by_mode"].values())
    assert set(s["shore_power"]) == {
        "kwh",
        "connected_h",
        "avoided_co2_gross_t",
        "grid_co2_t",
        "avoided_co2_net_t",
        "calls_over_3h_not_connected",
    }
    assert s["ships"] == 12 and s["total"]["co2_t"] > 0
    assert abs(sum(v["co2_t"] for v in s["by_mode"].values()) - s["total"]["co2_t"]) < 1e-6 * s["total"]["co2_t"]
    lineage = json.loads((tmp_path / "out" / "lineage.json").read_text())
    assert set(lineage["inputs_sha256"]) == {"ais", "ships", "zones", "shore_power"}
    assert lineage["method"]["name"] == "ships_imo4" and lineage["tables"]["sha256"]


def test_bad_registry_exits_1_with_bilingual_message(tmp_path):
    paths = write_synthetic_ais(tmp_path / "in", n_ships=3, days=1)
    (tmp_path / "bad.csv").write_text("mmsi,fuel\n1,kerosene\n")
    r = CliRunner().invoke(app, ["inventory", "--ais", str(paths["ais"]), "--ships", str(tmp_path / "bad.csv")])
    assert r.exit_code == 1
    assert "fuel" in r.output and "row 2" in r.output and "第 2 行" in r.output
