"""Shore-power supervision on constructed stays: a capable ship 3 h at a shore-power berth without a session is
warned about; 1.5 h, a session, a declared reason, a ship without receiving equipment or a berth without shore
power are not."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from transcarbon.engines.ships.supervision import supervise_berth_stays

T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)


def stays(*rows: tuple[int, float, bool, bool, float]) -> pl.DataFrame:
    """(mmsi, hours at berth, capable, berth has shore power, hours connected by the run's file) per stay."""
    return pl.DataFrame(
        {
            "stay_id": list(range(1, len(rows) + 1)),
            "mmsi": [r[0] for r in rows],
            "berth_id": ["B1"] * len(rows),
            "arrival": [T0] * len(rows),
            "departure": [T0 + timedelta(hours=r[1]) for r in rows],
            "berth_h": [r[1] for r in rows],
            "shore_power_capable": [r[2] for r in rows],
            "berth_has_shore_power": [r[3] for r in rows],
            "connected_h": [r[4] for r in rows],
        }
    )


def sessions(*rows: tuple[int, str | None, float, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "berth_id": [r[1] for r in rows],
            "connect_time": [T0 + timedelta(hours=r[2]) for r in rows],
            "disconnect_time": [T0 + timedelta(hours=r[3]) for r in rows],
        },
        schema_overrides={"berth_id": pl.String},
    )


def test_the_four_constructed_cases() -> None:
    s = stays(
        (1, 3.0, True, True, 0.0),  # 3 h, no session → warning
        (2, 1.5, True, True, 0.0),  # 1.5 h → none
        (3, 3.0, True, True, 0.0),  # a recorded session → none
        (4, 3.0, False, True, 0.0),  # no receiving equipment → none
        (5, 3.0, True, False, 0.0),  # the berth has no shore power → none
        (6, 3.0, True, True, 2.5),  # connected in the run's session file → none
    )
    out = supervise_berth_stays(s, sessions((3, "B1", 0.5, 2.5)), None, 2.0).sort("stay_id")
    assert out["warning"].to_list() == [True, False, False, False, False, False]
    assert out["recorded_h"].to_list() == pytest.approx([0, 0, 2.0, 0, 0, 0])


def test_sessions_count_only_for_the_same_ship_and_berth_and_overlapping_time() -> None:
    s = stays((1, 3.0, True, True, 0.0), (2, 3.0, True, True, 0.0), (3, 3.0, True, True, 0.0))
    recorded = sessions(
        (1, "B2", 0.5, 2.5),  # another berth
        (2, None, 4.0, 6.0),  # after the stay
        (3, None, -1.0, 0.5),  # any berth, overlapping 0.5 h
        (9, "B1", 0.0, 3.0),  # another ship
    )
    out = supervise_berth_stays(s, recorded, None, 2.0).sort("stay_id")
    assert out["recorded_h"].to_list() == pytest.approx([0.0, 0.0, 0.5])
    assert out["warning"].to_list() == [True, True, False]


def test_a_declared_reason_explains_the_stay() -> None:
    reasons = pl.DataFrame({"mmsi": [1, 2], "berth_id": ["B1", "B1"], "berth_arrival": [T0, T0 + timedelta(days=2)]})
    out = supervise_berth_stays(stays((1, 3.0, True, True, 0.0), (2, 3.0, True, True, 0.0)), None, reasons, 2.0)
    assert out.sort("stay_id").select("explained", "warning").rows() == [(True, False), (False, True)]


def test_the_threshold_is_configurable_and_checked() -> None:
    s = stays((1, 3.0, True, True, 0.0))
    assert not supervise_berth_stays(s, None, None, 3.0)["warning"][0]  # not longer than 3 h
    with pytest.raises(ValueError, match="threshold_h"):
        supervise_berth_stays(s, None, None, float("nan"))
