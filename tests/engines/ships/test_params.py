"""Ship parameters from the registry and the IMO4 tables."""

from ship_fixtures import BULK, registry
from transcarbon.engines.ships.params import resolve_ships
from transcarbon.engines.ships.tables import load_tables


def test_size_bins_hold_non_integer_sizes_and_ro_ro_uses_dwt():
    reg = registry(
        {**BULK, "mmsi": "1", "dwt": "9999.5"},  # table 17 bin 1 is 0–9999, bin 2 10000–34999
        {**BULK, "mmsi": "2", "dwt": "34999.6"},  # bin 2, not the top bin
        {**BULK, "mmsi": "3", "dwt": "250000"},  # bin 6 (200000+)
        {**BULK, "mmsi": "4", "ship_type": "ro_ro", "dwt": "12000", "gt": "40000"},
    )
    p = resolve_ships(reg, None, load_tables()).sort("mmsi")
    # 9999.5 dwt → bin 1: aux at berth 110 kW, weather 0.909 (was the top bin: 240 kW, 0.867)
    assert p["imobin"].to_list()[:3] == [1, 2, 6]
    assert p["ae_berth_kw"].to_list()[:3] == [110.0, 110.0, 240.0]
    assert p["eta_w"].to_list()[:3] == [0.909, 0.867, 0.867]
    # Ro-Ro binned by deadweight (12000 dwt → bin 3, 10000–14999), not by GT (40000 → bin 4)
    roro = p.row(3, named=True)
    assert (roro["size_metric"], roro["size"], roro["imobin"]) == ("dwt", 12000.0, 3)
    assert roro["ae_man_kw"] == 2700.0 and roro["ab_berth_kw"] == 390.0 and roro["eta_w"] == 0.867
