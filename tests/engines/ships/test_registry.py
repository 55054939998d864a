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


@pytest.mark.parametrize(("column", "value"), [("gt", "inf"), ("gt", "NaN"), ("mcr_kw", "1e309"), ("dwt", "1e29")])
def test_non_finite_or_impossible_values_refused_with_the_bound(tmp_path, column, value):
    p = tmp_path / "ships.csv"
    p.write_text(f"mmsi,ship_type,{column}\n1,bulk_carrier,100\n2,container,{value}\n")
    with pytest.raises(ShipInputError) as e:
        read_registry(p)
    assert e.value.row == 3 and e.value.column == column
    assert "outside the physical range" in str(e.value) and "超出物理范围" in str(e.value)
