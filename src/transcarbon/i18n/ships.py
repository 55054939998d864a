"""Names of ship codes shown to people (operating modes, ship types, zones, shore-power reasons, record and job
states: ``name.ships.<kind>.<code>``), shared by every face. An unknown code is named by its kind's ``other``
entry, never shown raw."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from transcarbon.i18n import Lang, catalog, t

SHIP_KINDS = ("mode", "type", "zone", "zone_kind", "reason", "state", "job")
CITY_TZ = ZoneInfo("Asia/Shanghai")


def ship_name(kind: str, code: str | None, lang: Lang = "zh") -> str:
    """The name of a ship code of ``kind`` (one of :data:`SHIP_KINDS`); an unknown one as the kind's ``other``."""
    key = f"name.ships.{kind}.{code}"
    return t(key if key in catalog() else f"name.ships.{kind}.other", lang)


def zone_label(zone_id: str, kind: str | None, lang: Lang = "zh") -> str:
    """A zone in words: a berth by its berth code (泊位 LYG-B01), other zones by name where the catalog has one."""
    if kind == "berth" or (kind is None and f"name.ships.zone.{zone_id}" not in catalog() and "-" in zone_id):
        return t("name.ships.berth", lang, berth=zone_id)
    return ship_name("zone", zone_id, lang)


def local_time(value: datetime | str | None) -> str:
    """A point in time as the city reads it: ``YYYY-MM-DD HH:MM`` in Asia/Shanghai (— when absent)."""
    if value is None:
        return "—"
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    return when.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")
