"""The ship registry reader: bilingual errors naming file, row and column."""

import pytest

from transcarbon.engines.ships import ShipInputError
from transcarbon.engines.ships.registry import read_registry


def test_registry_error_names_row_column_in_both_languages(tmp_path):
    p = tmp_path / "ships.csv"
    p.write_text("mmsi,ship_type,mcr_kw\n1,bulk_carrier,9000\n2,container,lots\n")
    with pytest.raises(ShipInputError) as e:
        read_registry(p)
    msg = str(e.value)
    assert "ships.csv" in msg and "第 3 行" in msg and "row 3" in msg and "mcr_kw" in msg and "Fix:" in msg
    assert e.value.row == 3 and e.value.column == "mcr_kw"
