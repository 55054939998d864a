"""Two-party shore-power records for the demo (synthetic): for the two longest stays the supervision warns about in
the demo's ship run, one session declared for the ship and confirmed for the terminal, and one stay whose ship
declares why it did not connect, awaiting the terminal. Made through the service, so checked and audited like any."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.services import shore_power


def record_demo_shore_power(session: Session, city: CityConfig, *, actor: str) -> int:
    """Record the demo's shore-power records (see the module docstring); return how many."""
    warned = [r for r in shore_power.supervision(session, city)["stays"] if r["warning"]][:2]
    for i, stay in enumerate(warned):
        connected = i == 0
        on = stay["arrival"] + timedelta(hours=1)
        off = stay["departure"] - timedelta(hours=1)
        declaration = shore_power.Declaration(
            berth_id=stay["berth_id"],
            mmsi=stay["mmsi"],
            ship_name=stay["name"] or str(stay["mmsi"]),
            berth_arrival=stay["arrival"],
            berth_departure=stay["departure"],
            connected=connected,
            connect_time=on if connected else None,
            disconnect_time=off if connected else None,
            kwh=round(450.0 * (off - on).total_seconds() / 3600) if connected else None,
            fault=None,
            not_connected_reason=None if connected else "berth_equipment_fault",
            reason_note=None if connected else "示例：岸电箱检修（合成数据）",
            ship_party="示例船长（合成数据）",
        )
        when = stay["departure"] + timedelta(hours=2)
        rec = shore_power.declare(session, city, declaration, actor=f"{actor}-ship-agent", now=when)
        if connected:
            shore_power.confirm(
                session, rec.id, actor=f"{actor}-terminal", terminal_party="示例码头值班员（合成数据）", now=when
            )
    return len(warned)
