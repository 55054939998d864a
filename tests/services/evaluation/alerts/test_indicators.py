"""The rules of the indicator warnings: off_track, worsening, target_at_risk. (The robust z-score against
an organisation's own history: ``tests/methods/test_anomaly.py``.)"""

from __future__ import annotations

from transcarbon.city.config import load_city
from transcarbon.services.evaluation import alerts as wn


def test_indicator_warning_rules() -> None:
    city = load_city()
    ind = city.indicator("truck_co2_intensity")
    base = {"indicator_id": ind.id, "unit": "%", "target_year": 2025, "target_value": 3.0, "details": {}}
    rows = [
        {
            **base,
            "year": 2024,
            "measure": 0.095,
            "value": 5.0,
            "status": "on_track",
            "light": "green",
            "completion_to_date": 1.2,
            "forecast": None,
        },
        {
            **base,
            "year": 2025,
            "measure": 0.097,
            "value": 3.0,
            "status": "achieved",
            "light": "green",
            "completion_to_date": 1.0,
            "forecast": {
                "year": 2025,
                "value": 3.0,
                "low": None,
                "high": None,
                "p_meet": 1.0,
                "method": "observed",
                "indicative": False,
            },
        },
    ]
    found = wn.indicator_warnings(city, rows, 2025)
    # achieved this year (judged on the facts): neither an at-risk warning for this year's target nor "worsening"
    assert found == []
    rows[1].update(
        status="needs_acceleration",
        light="red",
        forecast={"year": 2030, "value": 4.0, "low": 2, "high": 6, "p_meet": 0.3, "indicative": True},
    )
    kinds = {f.kind: f for f in wn.indicator_warnings(city, rows, 2025)}
    assert set(kinds) == {"off_track", "worsening", "target_at_risk"}
    assert kinds["off_track"].severity == "high" and kinds["target_at_risk"].severity == "medium"
    assert kinds["worsening"].severity == "low"
    assert kinds["off_track"].departments == ["industry_it_bureau", "transport_bureau"]


def test_a_missed_target_year_is_off_track_and_the_next_target_at_risk() -> None:
    city = load_city()
    ind = city.indicator("truck_co2_intensity")
    judged = {"year": 2025, "value": 2.3, "low": None, "high": None, "p_meet": 0.0, "indicative": False}
    later = {"year": 2030, "value": 4.5, "low": 3.0, "high": 6.0, "p_meet": 0.2, "indicative": True}
    row = {
        "indicator_id": ind.id,
        "unit": "%",
        "year": 2025,
        "measure": 0.977,
        "value": 2.3,
        "status": "missed",
        "light": "yellow",
        "target_year": 2025,
        "target_value": 3.0,
        "completion_to_date": 0.77,
        "forecast": judged,
        "details": {"forecasts": [judged, later]},
    }
    kinds = {f.kind: f for f in wn.indicator_warnings(city, [row], 2025)}
    assert set(kinds) == {"off_track", "target_at_risk"}
    assert kinds["off_track"].severity == "medium"  # yellow
    assert kinds["target_at_risk"].details["forecast"]["year"] == 2030


def test_a_warning_writes_percentages_with_one_decimal_and_no_space() -> None:
    """``4.38`` % reads ``4.4%`` and ``6`` % reads ``6.0%`` (not ``4.38 %``, ``6.00 %``), in both languages."""
    from transcarbon.services.evaluation.alerts.found import format_value

    assert [format_value(4.38, "%"), format_value(6.0, "%"), format_value(12, "%")] == ["4.4%", "6.0%", "12.0%"]
    assert format_value(1.25, "×") == "1.25×" and format_value(12_345.6, "tce") == "12,346 tce"
    assert format_value(1.0, "milestone") == "1" and format_value(None, "%") == "—"
    city = load_city()
    ind = city.indicator("truck_co2_intensity")
    row = {
        "indicator_id": ind.id,
        "unit": "%",
        "year": 2025,
        "measure": 0.956,
        "value": 4.38,
        "status": "needs_acceleration",
        "light": "red",
        "target_year": 2025,
        "target_value": 6.0,
        "completion_to_date": 0.73,
        "forecast": None,
        "details": {},
    }
    (found,) = wn.indicator_warnings(city, [row], 2025)
    for lang in ("zh", "en"):
        text = found.message(lang)
        assert "4.4%" in text and "6.0%" in text and " %" not in text, text
