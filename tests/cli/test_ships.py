"""``transcarbon ships inventory``: the ``--json`` contract on the synthetic demo month (small), a bilingual
summary, bad options and files refused with what to fix, and ``--store`` recording the run."""

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner, Result

from transcarbon.cli import app
from transcarbon.demo.ais import write_synthetic_ais

runner = CliRunner()
ZONES = str(resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson")


def test_inventory_json_contract(tmp_path):
    paths = write_synthetic_ais(tmp_path / "in", n_ships=12, days=6, ais_format="csv")
    r = runner.invoke(
        app,
        [
            "ships",
            "inventory",
            "--ais",
            str(paths["ais"]),
            "--ships",
            str(paths["ships"]),
            "--zones",
            ZONES,
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
        "kwh_metered",
        "kwh_modelled",
        "kwh_modelled_used",
        "kwh_basis",
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
    r = runner.invoke(app, ["ships", "inventory", "--ais", str(paths["ais"]), "--ships", str(tmp_path / "bad.csv")])
    assert r.exit_code == 1
    assert "fuel" in r.output and "row 2" in r.output and "第 2 行" in r.output


def test_ships_summary_is_bilingual_and_bad_options_are_refused(
    tmp_path: Path, clean_failure: Callable[[Result, int], None]
) -> None:
    paths = write_synthetic_ais(tmp_path / "in", n_ships=6, days=2, ais_format="csv")
    base = [
        "ships",
        "inventory",
        "--ais",
        str(paths["ais"]),
        "--ships",
        str(paths["ships"]),
        "--zones",
        ZONES,
        "--shore-power",
        str(paths["shore_power"]),
    ]
    res = runner.invoke(app, base)
    assert res.exit_code == 0, res.output
    for text in ("靠泊", "锚泊", "合计 total", "岸电", "shore power", "剔除", "excluded"):
        assert text in res.stdout, text
    assert "{'kwh'" not in res.output
    res = runner.invoke(app, [*base, "--grid-region", "XX"])
    clean_failure(res, 2)
    assert "CN-JS" in res.output and "--grid-region" in res.output
    res = runner.invoke(app, [*base, "--method", "poeminv"])
    clean_failure(res, 2)
    assert "imo4" in res.output and "poeminv" in res.output
    blocker = tmp_path / "out.txt"
    blocker.write_text("")
    res = runner.invoke(app, [*base, "--out", str(blocker)])
    clean_failure(res, 2)


def test_store_flag_records_the_run(tmp_path: Path, migrated_db_url: str, use_database: Callable[[str], None]) -> None:
    paths = write_synthetic_ais(tmp_path / "in", n_ships=8, days=4)
    use_database(migrated_db_url)  # --store needs a database that is there (db init), it does not make one
    result = runner.invoke(
        app,
        [
            "ships",
            "inventory",
            "--ais",
            str(paths["ais"]),
            "--ships",
            str(paths["ships"]),
            "--shore-power",
            str(paths["shore_power"]),
            "--json",
            "--store",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ships"] == 8
    assert "stored in the database" in result.stderr
    supervised = runner.invoke(app, ["ships", "supervise", "--all", "--json"])
    assert supervised.exit_code == 0, supervised.output
    out = json.loads(supervised.stdout)
    assert out["run_id"] and out["threshold_h"] == 2.0 and out["stays"]  # the city's zones: stays at berths
    assert out["warnings"] == sum(r["warning"] for r in out["stays"])
    assert all(r["warning"] <= (r["shore_power_capable"] and r["berth_h"] > 2.0) for r in out["stays"])
    listed = runner.invoke(app, ["ships", "supervise"])
    assert listed.exit_code == 0 and "预警" in listed.stdout and "warnings" in listed.stdout


def test_without_zones_the_citys_default_zones_are_used(tmp_path: Path) -> None:
    """Before, no --zones meant no berth: berth CO2 and shore power silently fell to 0."""
    paths = write_synthetic_ais(tmp_path / "in", n_ships=6, days=3, ais_format="csv")
    base = ["ships", "inventory", "--ais", str(paths["ais"]), "--ships", str(paths["ships"]), "--json"]
    base += ["--shore-power", str(paths["shore_power"])]
    default = runner.invoke(app, base)
    explicit = runner.invoke(app, [*base, "--zones", ZONES])
    assert default.exit_code == 0 and explicit.exit_code == 0, default.output
    assert "lianyungang_zones.geojson" in default.stderr and "城市配置的港区区域" in default.stderr
    got, want = json.loads(default.stdout.splitlines()[-1]), json.loads(explicit.stdout.splitlines()[-1])
    assert got["by_mode"]["berth"]["co2_t"] > 0
    assert got == want
