"""Shared vocabulary: sectors, fuels, units, data-quality classes, passenger kinds and reporting periods.

Everything here is a plain value type with no I/O, so every layer may import it.
Names of the enum members are the identifiers used in files, the database and the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Sector(StrEnum):
    """Transport sub-sectors (运输子行业) used for inventories and intensities."""

    ROAD_FREIGHT = "road_freight"
    ROAD_PASSENGER = "road_passenger"
    URBAN_BUS = "urban_bus"
    TAXI = "taxi"
    WATERWAY_FREIGHT = "waterway_freight"
    WATERWAY_PASSENGER = "waterway_passenger"
    PORT = "port"
    RAIL = "rail"
    CIVIL_AVIATION = "civil_aviation"
    OTHER = "other"


class Mode(StrEnum):
    """Transport modes, the unit of the converted-turnover coefficients."""

    ROAD = "road"
    RAIL = "rail"
    WATERWAY = "waterway"
    AVIATION = "aviation"
    NONE = "none"


SECTOR_MODE: dict[Sector, Mode] = {
    Sector.ROAD_FREIGHT: Mode.ROAD,
    Sector.ROAD_PASSENGER: Mode.ROAD,
    Sector.URBAN_BUS: Mode.ROAD,
    Sector.TAXI: Mode.ROAD,
    Sector.WATERWAY_FREIGHT: Mode.WATERWAY,
    Sector.WATERWAY_PASSENGER: Mode.WATERWAY,
    Sector.PORT: Mode.NONE,
    Sector.RAIL: Mode.RAIL,
    Sector.CIVIL_AVIATION: Mode.AVIATION,
    Sector.OTHER: Mode.NONE,
}


class Fuel(StrEnum):
    """Energy carriers accepted in activity records."""

    GASOLINE = "gasoline"
    DIESEL = "diesel"
    FUEL_OIL = "fuel_oil"
    KEROSENE = "kerosene"
    JET_KEROSENE = "jet_kerosene"
    LPG = "lpg"
    NATURAL_GAS = "natural_gas"
    LNG = "lng"
    HFO = "hfo"
    MDO = "mdo"
    ELECTRICITY = "electricity"
    UREA_SOLUTION = "urea_solution"
    """Diesel exhaust fluid (AdBlue, AUS32) burnt off in SCR after-treatment: process CO2, not an energy carrier."""


class DataQuality(StrEnum):
    """Where an activity amount comes from: its class sets the activity uncertainty and the quality grade."""

    METERED = "metered"
    REPORTED = "reported"
    ESTIMATED = "estimated"
    DEFAULTED = "defaulted"


class Unit(StrEnum):
    """Units in which an activity record's ``amount`` may be given."""

    T = "t"
    KG = "kg"
    L = "L"
    M3 = "m3"
    TEN_THOUSAND_M3 = "10^4m3"
    KWH = "kWh"
    MWH = "MWh"
    GJ = "GJ"
    TCE = "tce"


class PassengerKind(StrEnum):
    """How a passenger-km is weighted in converted turnover (see ``methods.turnover``)."""

    SEAT = "seat"
    BERTH = "berth"
    DOMESTIC = "domestic"
    INTERNATIONAL = "international"


_PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: a whole year (``month is None``) or one month."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY`` or ``YYYY-MM``; raise ``ValueError`` otherwise."""
        m = _PERIOD_RE.match(text.strip())
        if not m:
            raise ValueError(f"not a period (YYYY or YYYY-MM): {text!r}")
        return cls(int(m.group(1)), int(m.group(2)) if m.group(2) else None)

    def __str__(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


PERIOD_PATTERN = _PERIOD_RE.pattern
