"""Summaries of a generated demo data set and the design check: the designed 2025 outcomes (see
:mod:`.generator`) recomputed from the frames under the design factors and plain definitions, for the
documentation and for tests (not the platform's inventory or evaluation)."""

from __future__ import annotations

import polars as pl

from transcarbon.demo.fleets import NEW_ENERGY
from transcarbon.demo.generator import DESIGN_GRID_KG_PER_KWH, DESIGN_TCO2, FUEL_ORDER, FUEL_UNITS, DemoData
from transcarbon.demo.registry import vehicle_registry
from transcarbon.demo.seasons import YEARS
from transcarbon.demo.sectors import road_passenger
from transcarbon.domain import Sector


def _design_co2_expr() -> pl.Expr:
    """CO2 [t] of an activity row under the design factors."""
    grid = (
        pl.col("period")
        .str.slice(0, 4)
        .cast(pl.Int64)
        .replace_strict(dict(zip(YEARS.tolist(), DESIGN_GRID_KG_PER_KWH.tolist(), strict=True)))
    )
    kwh = pl.when(pl.col("unit") == "MWh").then(pl.col("amount") * 1000.0).otherwise(pl.col("amount"))
    return (
        pl.when(pl.col("fuel") == "electricity")
        .then(kwh * grid / 1000.0)
        .otherwise(pl.col("amount") * pl.col("fuel").replace_strict(DESIGN_TCO2, default=None))
        .fill_null(0.0)
    )


def sector_summary(data: DemoData) -> pl.DataFrame:
    """Per sector and year: fuel totals (contract units, electricity in MWh), t·km, p·km, throughput and
    CO2 [t] under the design factors. For documentation and checks; not the platform's inventory."""
    a = data.activity.with_columns(
        year=pl.col("period").str.slice(0, 4).cast(pl.Int64),
        co2_t=_design_co2_expr(),
        mwh=pl.when(pl.col("unit") == "MWh")
        .then(pl.col("amount"))
        .when(pl.col("unit") == "kWh")
        .then(pl.col("amount") / 1000.0),
    )
    aggs = [
        pl.col("amount").filter(pl.col("fuel") == f).sum().alias(f"{f}_{FUEL_UNITS[f]}")
        for f in FUEL_ORDER
        if f != "electricity"
    ]
    return (
        a.group_by("sector", "year")
        .agg(
            *aggs,
            pl.col("mwh").sum().alias("electricity_MWh"),
            pl.col("freight_tkm").sum(),
            pl.col("passenger_pkm").sum(),
            pl.col("throughput_t").sum(),
            pl.col("co2_t").sum(),
        )
        .sort("sector", "year")
    )


_TKM_PER_PKM = {"road": 0.1, "rail": 1.0, "seat": 1 / 3, "berth": 1.0, "domestic": 0.072, "international": 0.075}


def registry_shares(additions: pl.DataFrame) -> dict[str, dict[int, float]]:
    """The NEV and clean-vehicle shares of the register (:mod:`.registry`), by year: the evaluated values of the
    indicators whose city file declares ``computation.registry``. ``additions``: the generator's vehicle
    additions with ``year`` (vessels and airport equipment join the new- and clean-energy share of additions)."""
    reg = vehicle_registry().with_columns(year=pl.col("period").cast(pl.Int64))
    clean = NEW_ENERGY | {"cng", "lng"}
    not_motorcycle = pl.col("vehicle_class") != "motorcycle"
    short_haul = (pl.col("vehicle_class") == "truck_heavy") & pl.col("service").is_in(
        ["short_haul", "muck", "port_container"]
    )
    port = (pl.col("vehicle_class") == "truck_heavy") & (pl.col("service") == "port_container")
    public = pl.col("vehicle_class").is_in(["bus", "taxi"]) | pl.col("service").is_in(
        ["official", "sanitation", "urban_delivery", "postal"]
    )

    def counts(mask: pl.Expr, powers: frozenset[str], count: str) -> pl.DataFrame:
        return (
            reg.filter(mask)
            .group_by("year")
            .agg(
                pl.col(count).filter(pl.col("powertrain").is_in(list(powers))).sum().alias("n"),
                pl.col(count).sum().alias("d"),
            )
        )

    def share(frame: pl.DataFrame) -> dict[int, float]:
        g = frame.group_by("year").agg(pl.col("n").sum(), pl.col("d").sum()).sort("year")
        return dict(zip(g["year"].to_list(), (g["n"] / g["d"]).to_list(), strict=True))

    others = (
        additions.filter(pl.col("category").is_in(["vessel", "airport_equipment"]))
        .select(
            "year",
            pl.col("count").filter(pl.col("power_type").is_in(list(clean))).sum().over("year").alias("n"),
            pl.col("count").sum().over("year").alias("d"),
        )
        .unique()
    )
    return {
        "new_energy_bus_share": share(counts(pl.col("vehicle_class") == "bus", NEW_ENERGY, "stock")),
        "short_haul_heavy_truck_nev_share": share(counts(short_haul, NEW_ENERGY, "new_registrations")),
        "public_service_ev_share": share(counts(public, NEW_ENERGY, "new_registrations")),
        "nev_sales_share": share(counts(not_motorcycle, NEW_ENERGY, "new_registrations")),
        "port_container_truck_clean_share": share(counts(port, clean, "stock")),
        "new_energy_vehicle_share_new": share(
            pl.concat([counts(not_motorcycle, clean, "new_registrations"), others], how="vertical_relaxed")
        ),
    }


def design_check(data: DemoData) -> dict[str, dict[int, float]]:
    """The designed indicators recomputed from ``data`` (design factors, plain definitions), by year."""
    a = data.activity.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64), co2_t=_design_co2_expr())
    road = [Sector.ROAD_PASSENGER, Sector.URBAN_BUS, Sector.TAXI]
    coef = (
        pl.when(pl.col("sector").is_in([s.value for s in road]))
        .then(_TKM_PER_PKM["road"])
        .when(pl.col("sector") == Sector.RAIL.value)
        .then(_TKM_PER_PKM["rail"])
        .otherwise(pl.col("passenger_kind").replace_strict(_TKM_PER_PKM, default=0.0))
    )
    a = a.with_columns(conv=pl.col("freight_tkm").fill_null(0) + pl.col("passenger_pkm").fill_null(0) * coef)
    operating = [s.value for s in Sector if s not in (Sector.PORT, Sector.OTHER)]

    def per_year(frame: pl.DataFrame, num: str, den: str) -> dict[int, float]:
        g = frame.group_by("year").agg(pl.col(num).sum(), pl.col(den).sum()).sort("year")
        return dict(zip(g["year"].to_list(), (g[num] / g[den]).to_list(), strict=True))

    def index(d: dict[int, float]) -> dict[int, float]:
        return {y: v / d[2020] - 1.0 for y, v in d.items()}

    out: dict[str, dict[int, float]] = {
        "converted_turnover_co2_intensity_change": index(
            per_year(a.filter(pl.col("sector").is_in(operating)), "co2_t", "conv")
        ),
        "truck_co2_intensity_change": index(
            per_year(a.filter(pl.col("sector") == "road_freight"), "co2_t", "freight_tkm")
        ),
        "ship_co2_intensity_change": index(
            per_year(a.filter(pl.col("sector") == "waterway_freight"), "co2_t", "freight_tkm")
        ),
        "port_co2_per_t_change": index(per_year(a.filter(pl.col("sector") == "port"), "co2_t", "throughput_t")),
    }
    st = data.fleet_stock
    bus = (
        st.filter(pl.col("category") == "bus")
        .group_by("year")
        .agg(
            (pl.col("count").filter(pl.col("power_type").is_in(list(NEW_ENERGY))).sum() / pl.col("count").sum()).alias(
                "share"
            )
        )
        .sort("year")
    )
    out["new_energy_bus_share"] = dict(zip(bus["year"].to_list(), bus["share"].to_list(), strict=True))

    def stock_share(category: str, num: pl.Expr, den_category: str | None = None) -> dict[int, float]:
        n = st.filter(pl.col("category") == category).group_by("year").agg(num.sum().alias("n"))
        d = (
            st.filter(pl.col("category") == (den_category or category))
            .group_by("year")
            .agg(pl.col("count").sum().alias("d"))
        )
        j = n.join(d, on="year").sort("year")
        return dict(zip(j["year"].to_list(), (j["n"] / j["d"]).to_list(), strict=True))

    out["airport_electric_ground_equipment_share"] = stock_share(
        "airport_equipment", pl.col("count").filter(pl.col("power_type") == "bev")
    )
    out["ship_shore_power_retrofit_600gt"] = stock_share("vessel_shore_power_ready", pl.col("count"), "vessel")
    out["port_container_truck_clean_share"] = stock_share(
        "truck_container_port", pl.col("count").filter(pl.col("power_type") != "diesel")
    )

    add = data.vehicle_additions.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))

    def add_share(cats: list[str], powers: frozenset[str]) -> dict[int, float]:
        g = (
            add.filter(pl.col("category").is_in(cats))
            .group_by("year")
            .agg(
                (pl.col("count").filter(pl.col("power_type").is_in(list(powers))).sum() / pl.col("count").sum()).alias(
                    "s"
                )
            )
            .sort("year")
        )
        return dict(zip(g["year"].to_list(), g["s"].to_list(), strict=True))

    out["short_haul_heavy_truck_nev_share"] = add_share(["truck_heavy_short_haul"], NEW_ENERGY)
    out["public_service_ev_share"] = add_share(["bus", "taxi", "car_public_service"], frozenset({"bev", "fcev"}))
    out["new_energy_vehicle_share_new"] = add_share(
        ["bus", "taxi", "truck_heavy_short_haul", "truck", "car_public_service", "vessel", "airport_equipment"],
        NEW_ENERGY | {"lng", "cng"},
    )
    out["nev_sales_share"] = add_share(["car_private"], NEW_ENERGY)

    out.update(registry_shares(add))

    sp = (
        data.shore_power.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))
        .group_by("year")
        .agg(pl.col("kwh").sum())
        .sort("year")
    )
    out["shore_power_use_multiple"] = dict(zip(sp["year"].to_list(), (sp["kwh"] / sp["kwh"][0]).to_list(), strict=True))
    pt = (
        data.port_throughput.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))
        .group_by("year")
        .agg(
            pl.col("bulk_by_rail_t", "bulk_by_water_t", "bulk_cargo_t", "cargo_t").sum(),
            (pl.col("sea_rail_teu") + pl.col("sea_river_teu")).sum().alias("multimodal_teu"),
        )
        .sort("year")
    )
    out["rail_water_bulk_share"] = dict(
        zip(
            pt["year"].to_list(),
            ((pt["bulk_by_rail_t"] + pt["bulk_by_water_t"]) / pt["bulk_cargo_t"]).to_list(),
            strict=True,
        )
    )
    out["port_cargo_mt"] = dict(zip(pt["year"].to_list(), (pt["cargo_t"] / 1e6).to_list(), strict=True))
    mm = pt["multimodal_teu"].to_list()
    out["container_multimodal_cagr"] = {
        int(y): (mm[i] / mm[0]) ** (1.0 / i) - 1.0 for i, y in enumerate(pt["year"].to_list()) if i > 0
    }
    r = data.ridership.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))
    rs = (
        r.group_by("year")
        .agg(
            (
                pl.col("trips").filter(pl.col("mode").is_in(list(road_passenger.PUBLIC_TRANSPORT_MODES))).sum()
                / pl.col("trips").filter(pl.col("motorised")).sum()
            ).alias("pt"),
            (
                pl.col("trips").filter(pl.col("mode").is_in(list(road_passenger.GREEN_MODES))).sum()
                / pl.col("trips").sum()
            ).alias("green"),
        )
        .sort("year")
    )
    out["public_transport_mode_share"] = dict(zip(rs["year"].to_list(), rs["pt"].to_list(), strict=True))
    out["green_travel_share_core"] = dict(zip(rs["year"].to_list(), rs["green"].to_list(), strict=True))
    return out
