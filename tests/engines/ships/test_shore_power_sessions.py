"""The shore-power sessions reader: bilingual errors naming file, row and column."""

import pytest

from transcarbon.engines.ships import ShipInputError
from transcarbon.engines.ships.shore_power_sessions import read_shore_power


def test_sessions_error_names_row_and_column(tmp_path):
    q = tmp_path / "sp.csv"
    q.write_text("mmsi,berth_id,connect_time,disconnect_time,kwh\n1,B,2024-05-01T05:00:00Z,2024-05-01T01:00:00Z,10\n")
    with pytest.raises(ShipInputError, match="断开时间") as e:
        read_shore_power(q)
    assert e.value.row == 2 and e.value.column == "disconnect_time"


@pytest.mark.parametrize("kwh", ["inf", "nan", "1e12"])
def test_non_finite_or_impossible_kwh_refused(tmp_path, kwh):
    q = tmp_path / "sp.csv"
    q.write_text(
        f"mmsi,berth_id,connect_time,disconnect_time,kwh\n1,B,2024-05-01T01:00:00Z,2024-05-01T05:00:00Z,{kwh}\n"
    )
    with pytest.raises(ShipInputError, match="physical range") as e:
        read_shore_power(q)
    assert e.value.row == 2 and e.value.column == "kwh"
