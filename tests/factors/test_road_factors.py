"""The packaged road factor sets: validation, hashes, provenance, and a city replacing a set."""

import hashlib
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose

from transcarbon.factors.library import FactorError
from transcarbon.factors.road import COPERT_PARAMS, RoadFactors, _data_dir
from transcarbon.methods.road.copert import hot_factor


@pytest.fixture(scope="module")
def road() -> RoadFactors:
    return RoadFactors.load()


def test_every_kind_has_one_default_with_sources_and_hash(road):
    kinds = {s.kind for s in road.sets()}
    assert kinds == {
        "copert_hot",
        "mee2014_bef",
        "mee2014_corrections",
        "stage_map",
        "vehicle_classes",
        "powertrains",
        "survival",
        "annual_km",
        "energy_economy",
    }
    for s in road.sets():
        assert s.content_hash == hashlib.sha256((_data_dir() / s.file).read_bytes()).hexdigest()
        assert s.table["source"].null_count() == 0
        assert set(s.table["status"].unique()) <= {"verified", "to_check"}


def test_copert_formula_reproduces_the_sheet_ef_column(road):
    # EF_at_ref_speed is the guidebook spreadsheet's own EF (15 or 20 km/h): RF as a fraction reproduces it
    t = road.table("copert_hot").filter(pl.col("ef_at_ref_speed").is_not_null())
    assert t.height > 900
    got = hot_factor(t["ef_ref_speed_kmh"].to_numpy(), *[t[c].to_numpy() for c in (*COPERT_PARAMS, "vmin", "vmax")])
    assert_allclose(got, t["ef_at_ref_speed"].to_numpy(), rtol=1e-4, atol=1e-12)


def test_copert_set_is_compact_and_clean(road):
    t = road.table("copert_hot")
    assert set(t["pollutant"].unique()) == {"EC", "CO", "NOx", "PM", "VOC"}  # no FC or the bus file's CO2 rows
    heavy = t.filter(pl.col("category").is_in(["Buses", "Heavy Duty Trucks"]) & pl.col("slope").is_not_null())
    assert set(heavy["slope"].unique()) == {0.0}
    assert set(heavy["load"].unique()) == {0.0, 0.5, 1.0}
    # negative reduction factors are kept (never clipped)
    assert t["rf"].min() < -4.0


def test_mee2014_base_factors_are_flagged_with_known_errors(road):
    bef = road.table("mee2014_bef")
    assert set(bef["status"].unique()) == {"to_check"}
    typo = bef.filter(
        (pl.col("pollutant") == "NOx")
        & (pl.col("standard") == "IV")
        & (pl.col("fuel") == "ALL")
        & pl.col("mee_class").is_in(["PV Bus", "PV Largebus"])
    )
    assert typo["bef_g_per_km"].to_list() == [652.4, 652.4]
    assert all("typo" in n for n in typo["note"].to_list())
    heavy = bef.filter(
        (pl.col("mee_class") == "Trucks Heavy") & (pl.col("fuel") == "D") & (pl.col("pollutant") == "NOx")
    )
    assert dict(zip(heavy["standard"], heavy["bef_g_per_km"], strict=True)) == {
        "PRE": 13.823,
        "I": 9.589,
        "II": 7.934,
        "III": 7.934,
        "IV": 5.554,
        "V": 4.721,
    }


def test_corrections_cross_checked_rows_are_verified(road):
    c = road.table("mee2014_corrections")
    petrol_speed = c.filter(
        (pl.col("factor") == "speed")
        & (pl.col("fuel") == "G")
        & (pl.col("pollutant") == "CO")
        & (pl.col("standard") == "IV")
    ).sort("low", nulls_last=False)
    assert petrol_speed["value"].to_list() == [1.69, 1.26, 0.79, 0.39, 0.62]
    assert set(petrol_speed["status"]) == {"verified"}
    assert set(c.filter(pl.col("factor") == "sulphur")["status"]) == {"to_check"}


def test_survival_and_energy_tables(road):
    s = road.table("survival").filter((pl.col("class_id") == "pv_small") & (pl.col("use") == "non_operating"))
    assert (s["scale_yr"][0], s["shape"][0]) == (14.46, 4.79)
    e = road.table("energy_economy")
    phev = e.filter((pl.col("class_id") == "pv_small") & (pl.col("powertrain") == "phev"))
    assert np.isclose(phev["km_share"].sum(), 1.0)


def test_city_set_replaces_the_default_of_its_kind(tmp_path: Path, road):
    bef = (
        road.table("mee2014_bef")
        .head(3)
        .with_columns(
            pl.lit(1.0).alias("bef_g_per_km"),
            pl.lit("verified").alias("status"),
            pl.lit("guideline appendix table, read from the PDF").alias("source"),
        )
    )
    bef.write_csv(tmp_path / "bef_appendix.csv")
    (tmp_path / "sets.yaml").write_text(
        "sets:\n  - name: mee2014_appendix\n    kind: mee2014_bef\n    version: '2014.1'\n    default: true\n"
        "    file: bef_appendix.csv\n",
        encoding="utf-8",
    )
    both = RoadFactors.load(extra=tmp_path)
    assert both.default("mee2014_bef").name == "mee2014_appendix"
    assert both.get("mee2014_vein").kind == "mee2014_bef"  # the packaged set stays available by name
    assert both.default("copert_hot").name == "copert_2019"


def test_a_malformed_set_is_refused(tmp_path: Path):
    shutil.copytree(_data_dir(), tmp_path / "road")
    f = tmp_path / "road" / "annual_km.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",to_check,", ",maybe,", 1), encoding="utf-8")
    with pytest.raises(FactorError, match="status must be one of"):
        RoadFactors.load(tmp_path / "road")
