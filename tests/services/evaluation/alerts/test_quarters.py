"""Warnings of the quarters: the newest quarter off the target path warns off_track with its period in words,
unless the year's value already warns (no double count) or it is the base year; a quarter far from the previous
eight warns anomaly (values by hand: history at 100 and 105, the quarter at 300, so the ratio is 300/102.5)."""

from __future__ import annotations

from typing import Any

from transcarbon.city.config import load_city
from transcarbon.services.evaluation import alerts as wn
from transcarbon.services.evaluation.alerts.found import Found

IND = "truck_co2_intensity"


def _q(year: int, quarter: int, measure: float, light: str | None = None, value: float = 2.0) -> dict[str, Any]:
    details = {"path_light": light, "completion_to_date": 0.5} if light else {}
    return {
        "indicator_id": IND,
        "year": year,
        "quarter": quarter,
        "month": None,
        "period": f"{year}-Q{quarter}",
        "measure": measure,
        "value": value,
        "details": details,
    }


def test_the_newest_quarter_off_the_path_warns_once() -> None:
    city = load_city()
    rows = [_q(2025, 1, 0.1, "red"), _q(2025, 2, 0.1, "green"), _q(2025, 3, 0.1, "yellow"), _q(2024, 4, 0.1, "red")]
    found = wn.quarterly_warnings(city, rows, [], 2025)
    assert [(f.kind, f.severity, f.period) for f in found] == [("off_track", "medium", "2025-Q3")]
    f = found[0]
    assert f.message("zh").startswith(city.indicator(IND).name_zh + "：2025年第3季度偏离目标路径（黄灯）")
    assert "Q3 2025" in f.message("en") and "2025-Q3" not in f.message("zh")
    assert f.departments == ["industry_it_bureau", "transport_bureau"]
    annual = Found("off_track", "high", 2025, [], "eval.warn.off_track", {}, {}, indicator_id=IND)
    assert wn.quarterly_warnings(city, rows, [annual], 2025) == []  # the year's light already warns
    back = [*rows, _q(2025, 4, 0.1, "green")]
    assert wn.quarterly_warnings(city, back, [], 2025) == []  # back on the path: the newest quarter decides
    base = [_q(2020, 4, 0.1, "red")]  # the base year: where the path starts, not judged
    assert city.indicator(IND).base_year == 2020 and wn.quarterly_warnings(city, base, [], 2020) == []
    keys = {f.key for f in wn.quarterly_warnings(city, rows, [], 2025)}
    assert keys.isdisjoint({annual.key})


def test_a_quarter_far_from_its_history_is_an_anomaly() -> None:
    city = load_city()
    history = [_q(y, q, 100.0 * (1.05 if (y + q) % 2 else 1.0)) for y in (2023, 2024) for q in (1, 2, 3, 4)]
    rows = [*history, _q(2025, 1, 300.0), _q(2025, 2, 104.0)]
    found = wn.quarterly_warnings(city, rows, [], 2025)
    assert [(f.kind, f.period, f.severity) for f in found] == [("anomaly", "2025-Q1", "high")]
    assert found[0].details["ratio"] == 300.0 / 102.5  # median of four 100s and four 105s
    assert "2025年第1季度的季度测算值为此前 8 个季度中位数的 293%" in found[0].message("zh")
    assert wn.quarterly_warnings(city, [*history[:5], _q(2025, 1, 300.0)], [], 2025) == []  # 5 < 6 quarters
