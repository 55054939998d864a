"""Saved scenario runs in the IAMC exchange format: one row per model × scenario × region × variable × unit, the
years as columns — the layout pyam (package ``pyam-iamc``) reads from CSV and from the ``data`` sheet of an XLSX.

Variables are pipe-separated paths (reference/scenarios.md):

- ``Emissions|CO2|Transportation`` (direct and grid electricity) and by mode (``|Road``, ``|Rail``,
  ``|Domestic Shipping``, ``|Domestic Aviation``, ``|Port``); the direct part
  ``Emissions|CO2|Energy|Demand|Transportation`` and the electricity part
  ``Emissions|CO2|Indirect|Electricity|Transportation`` [Mt CO2/yr];
- ``Final Energy|Transportation|<carrier group>`` [PJ/yr], ``Final Energy|Transportation|Land|Oil`` [kt ce/yr];
- ``Stock|Transportation|<class>|<powertrain>`` [vehicles], ``Emissions|NOx|…|Road`` [t/yr];
- the plan's indicators as ``Indicator|<id>`` and, for runs with draws, ``…|p10`` / ``…|p50`` / ``…|p90`` of the
  main series.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from transcarbon import __version__
from transcarbon.city.config import CityConfig

COLUMNS = ("model", "scenario", "region", "variable", "unit")
MODE_OF_SECTOR = {
    "road_freight": "Road",
    "road_passenger": "Road",
    "urban_bus": "Road",
    "taxi": "Road",
    "road_private": "Road",
    "rail": "Rail",
    "waterway_freight": "Domestic Shipping",
    "waterway_passenger": "Domestic Shipping",
    "civil_aviation": "Domestic Aviation",
    "port": "Port",
}
CARRIER_GROUP = {
    "gasoline": "Liquids|Oil",
    "diesel": "Liquids|Oil",
    "lpg": "Liquids|Oil",
    "fuel_oil": "Liquids|Oil",
    "jet_kerosene": "Liquids|Oil",
    "natural_gas": "Gases",
    "lng": "Gases",
    "electricity": "Electricity",
    "hydrogen": "Hydrogen",
}
PERCENTILE_VARIABLES = {
    "co2_total_t": ("Emissions|CO2|Transportation", "Mt CO2/yr", 1e-6),
    "oil_land_tce": ("Final Energy|Transportation|Land|Oil", "kt ce/yr", 1e-3),
}


def _label(text: str) -> str:
    return text.replace("|", "/").strip()


def _add(
    acc: dict[tuple[str, str], dict[str, float]], variable: str, unit: str, series: dict[str, Any], k: float
) -> None:
    row = acc.setdefault((variable, unit), {})
    for year, v in series.items():
        if v is not None:
            row[year] = row.get(year, 0.0) + float(v) * k


def rows(saved: list[dict[str, Any]], city: CityConfig) -> list[dict[str, Any]]:
    """IAMC rows of saved runs (:func:`transcarbon.services.scenarios.saved.saved_run` dicts)."""
    model = f"transcarbon {__version__}"
    region = city.city.name_en
    out: list[dict[str, Any]] = []
    for s in saved:
        p = s["payload"]
        scenario = f"{_label(s['name_en'])} #{s['id']}"
        years = [str(y) for y in p["years"]]
        acc: dict[tuple[str, str], dict[str, float]] = {}
        for sector, series in p["co2_t"]["by_sector"].items():
            mode = MODE_OF_SECTOR.get(sector, "Other")
            _add(acc, "Emissions|CO2|Transportation", "Mt CO2/yr", series, 1e-6)
            _add(acc, f"Emissions|CO2|Transportation|{mode}", "Mt CO2/yr", series, 1e-6)
        _add(acc, "Emissions|CO2|Energy|Demand|Transportation", "Mt CO2/yr", p["co2_t"]["direct"], 1e-6)
        _add(acc, "Emissions|CO2|Indirect|Electricity|Transportation", "Mt CO2/yr", p["co2_t"]["electricity"], 1e-6)
        for carrier, series in p["energy_gj"].items():
            _add(acc, "Final Energy|Transportation", "PJ/yr", series, 1e-6)
            _add(acc, f"Final Energy|Transportation|{CARRIER_GROUP.get(carrier, 'Other')}", "PJ/yr", series, 1e-6)
        _add(acc, "Final Energy|Transportation|Land|Oil", "kt ce/yr", p["oil_land_tce"], 1e-3)
        for q, series in p["pollutants_t"].items():
            _add(
                acc,
                f"Emissions|{q.upper().replace('PM25', 'PM2.5')}|Energy|Demand|Transportation|Road",
                "t/yr",
                series,
                1,
            )
        for cid, f in p["fleet"].items():
            _add(acc, f"Stock|Transportation|{cid}", "vehicles", f["stock"], 1)
            _add(acc, f"Sales|Transportation|{cid}", "vehicles/yr", f["sales"], 1)
            for powertrain, series in f["stock_by_powertrain"].items():
                _add(acc, f"Stock|Transportation|{cid}|{powertrain}", "vehicles", series, 1)
            _add(acc, f"Stock Share|Transportation|{cid}|New Energy", "%", f["nev_stock_share"], 100)
        known = {i.id: i for i in city.indicators}
        for ind_id, series in p["indicators"].items():
            unit = known[ind_id].unit if ind_id in known else ""
            _add(acc, f"Indicator|{ind_id}", unit or "-", series, 1)
        for name, bands in (p.get("uncertainty") or {}).get("percentiles", {}).items():
            if name in PERCENTILE_VARIABLES:
                variable, unit, k = PERCENTILE_VARIABLES[name]
                for band, series in bands.items():
                    _add(acc, f"{variable}|{band}", unit, series, k)
        for (variable, unit), values in acc.items():
            out.append(
                {"model": model, "scenario": scenario, "region": region, "variable": variable, "unit": unit}
                | {y: values.get(y) for y in years}
            )
    return out


def _years(table: list[dict[str, Any]]) -> list[str]:
    return sorted({k for r in table for k in r if k not in COLUMNS})


def to_csv(table: list[dict[str, Any]]) -> bytes:
    """The rows as UTF-8 CSV: ``model, scenario, region, variable, unit`` and one column per year."""
    years = _years(table)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([*COLUMNS, *years])
    for r in table:
        w.writerow([*(r[c] for c in COLUMNS), *("" if r.get(y) is None else r[y] for y in years)])
    return buf.getvalue().encode("utf-8")


def to_xlsx(table: list[dict[str, Any]], meta: list[dict[str, Any]]) -> bytes:
    """The rows as an XLSX with the sheets ``data`` (pyam's default) and ``meta`` (one row per scenario)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    years = _years(table)
    ws.append([*COLUMNS, *(int(y) for y in years)])
    for r in table:
        ws.append([*(r[c] for c in COLUMNS), *(r.get(y) for y in years)])
    ms = wb.create_sheet("meta")
    keys = sorted({k for m in meta for k in m})
    ms.append(keys)
    for m in meta:
        ms.append([str(m.get(k)) if isinstance(m.get(k), dict | list) else m.get(k) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
