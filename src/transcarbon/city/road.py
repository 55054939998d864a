"""The city file's ``road`` section: how the bottom-up road inventory meets the city's other data.

- ``reconciliation``: which registered fleets correspond to each sector whose fuel enterprises report
  (``energy_activity``), so that bottom-up fuel and reported fuel are compared per fleet; registered
  vehicles of no listed fleet (private cars, non-operating trucks …) are shown as not reported;
- ``conditions``: the local conditions of the MEE 2014 corrections (defaults: the guideline's reference
  conditions, 10 ppm sulphur fuel);
- ``copert_speed_kmh``: the mean speed at which COPERT Tier 3 factors stand in for the guideline's base
  factors where it has none (China VI vehicles);
- ``official_default``: the figure a sector's road CO2 takes until the city records a choice.

A city without the section gets :data:`DEFAULT_SECTION`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transcarbon.city.config import CityConfig, CityConfigError, RegistryFleet
from transcarbon.domain import Sector

Figure = Literal["reported", "bottom_up"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectorFleets(_Strict):
    """A sector of the inventory and the registered fleets whose fuel it reports."""

    sector: Sector
    fleets: list[RegistryFleet] = Field(min_length=1)


class RoadConditions(_Strict):
    """Local conditions of the MEE 2014 corrections [°C, %, m, ppm, fraction]."""

    temperature_c: float = Field(default=15.0, ge=-40, le=50)
    humidity_pct: float = Field(default=50.0, ge=0, le=100)
    altitude_m: float = Field(default=0.0, ge=-500, le=6000)
    sulphur_ppm: float = Field(default=10.0, ge=0, le=2000)
    load_fraction: float = Field(default=0.5, ge=0, le=1)


class RoadSection(_Strict):
    reconciliation: list[SectorFleets] = Field(default_factory=list)
    conditions: RoadConditions = RoadConditions()
    copert_speed_kmh: float = Field(default=30.0, gt=0, le=130)
    official_default: Figure = "reported"


DEFAULT_SECTION = RoadSection(
    reconciliation=[
        SectorFleets(sector=Sector.URBAN_BUS, fleets=[RegistryFleet(classes=["bus"])]),
        SectorFleets(sector=Sector.TAXI, fleets=[RegistryFleet(classes=["taxi"])]),
        SectorFleets(
            sector=Sector.ROAD_PASSENGER, fleets=[RegistryFleet(classes=["pv_medium", "pv_large"], uses=["operating"])]
        ),
        SectorFleets(
            sector=Sector.ROAD_FREIGHT,
            fleets=[
                RegistryFleet(classes=["truck_mini", "truck_light", "truck_medium", "truck_heavy"], uses=["operating"])
            ],
        ),
    ]
)
"""Buses, taxis, operating coaches and minibuses, operating trucks: the fleets of the road sectors."""


def road_section(city: CityConfig) -> RoadSection:
    """The city's ``road`` section (:data:`DEFAULT_SECTION` when it has none); :class:`CityConfigError` naming
    the place of a mistake otherwise."""
    raw = (city.model_extra or {}).get("road")
    if raw is None:
        return DEFAULT_SECTION
    try:
        return RoadSection.model_validate(raw)
    except ValidationError as exc:
        lines = [f"- road.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise CityConfigError(
            f"{city.city.id}: invalid road section / 道路配置有误（{len(lines)}处）:\n" + "\n".join(lines)
        ) from exc
