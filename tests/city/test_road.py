"""The city file's road section: Lianyungang's as declared, the default for a city without one, and a mistake
refused with its place named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from transcarbon.city.config import CityConfigError, load_city
from transcarbon.city.road import DEFAULT_SECTION, road_section
from transcarbon.domain import Sector


def _city_with(tmp_path: Path, road: object | None) -> Path:
    data = yaml.safe_load((Path(load_city().reports_path).parent / "lianyungang.yaml").read_text(encoding="utf-8"))
    if road is None:
        data.pop("road")
    else:
        data["road"] = road
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_lianyungang_and_the_default(tmp_path: Path) -> None:
    section = road_section(load_city())
    assert [s.sector for s in section.reconciliation] == [
        Sector.URBAN_BUS,
        Sector.TAXI,
        Sector.ROAD_PASSENGER,
        Sector.ROAD_FREIGHT,
    ]
    assert section.conditions.sulphur_ppm == 10 and section.official_default == "reported"
    assert road_section(load_city(_city_with(tmp_path, None))) == DEFAULT_SECTION


def test_a_mistake_names_its_place(tmp_path: Path) -> None:
    city = load_city(
        _city_with(tmp_path, {"reconciliation": [{"sector": "lorries", "fleets": [{}]}], "copert_speed_kmh": 0})
    )
    with pytest.raises(CityConfigError) as err:
        road_section(city)
    assert "road.reconciliation.0.sector" in str(err.value) and "road.copert_speed_kmh" in str(err.value)
