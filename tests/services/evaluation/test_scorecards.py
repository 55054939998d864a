"""Department scorecards under the 2014 template, from hand-made annual rows."""

from __future__ import annotations

import pytest

from transcarbon.city.config import load_city
from transcarbon.services.evaluation.scorecards import compute_scorecards

CITY = load_city()


def _row(
    ind: str,
    status: str,
    *,
    light: str = "green",
    measure: float | None = None,
    c: float | None = None,
    base: float | None = None,
    target: float | None = None,
    path_light: str = "green",
) -> dict:
    return {
        "indicator_id": ind,
        "year": 2025,
        "status": status,
        "light": light,
        "value": measure,
        "measure": measure,
        "completion_to_date": c,
        "target_measure": target,
        "details": {"base_measure": base, "path_light": path_light},
    }


def _card(rows: list[dict], dept: str) -> dict:
    return next(c for c in compute_scorecards(CITY, 2025, rows) if c["department_id"] == dept)


def test_airport_company_scores() -> None:
    # airport_company is named on three indicators: the electric ground-equipment share (second-named) and the
    # two APU rates (second-named); only the first has data.
    rows = [
        _row(
            "airport_electric_ground_equipment_share",
            "needs_acceleration",
            light="yellow",
            measure=22.0,
            c=0.8,
            base=10.0,
            target=25.0,
        )
    ]
    card = _card(rows, "airport_company")
    assert card["annual_completion"] == pytest.approx(0.8)
    assert card["cumulative_completion"] == pytest.approx(0.8)  # (22 − 10)/(25 − 10)
    assert card["measures_share"] == pytest.approx(0.0)  # no milestone; no green indicator
    assert card["score"] == pytest.approx(25 * 0.8 + 25 * 0.8)
    assert not card["vetoed"] and card["grade"] == "fail"
    assert card["details"]["no_data"] == 2


def test_veto_when_a_led_indicator_is_red() -> None:
    rows = [
        _row(
            "truck_co2_intensity",
            "needs_acceleration",
            light="red",
            measure=0.0977,
            c=0.77,
            base=0.1,
            target=0.097,
            path_light="red",
        ),
        _row("repair_emission_systems_linked", "done"),
        _row("inland_ship_green_smart_tech", "in_progress"),
    ]
    card = _card(rows, "industry_it_bureau")
    assert card["vetoed"] and card["grade"] == "fail"
    assert card["details"]["vetoed_by"] == ["truck_co2_intensity"]  # the led indicator red on its path
    assert card["measures_share"] == pytest.approx(0.75)  # done 1, in progress ½
    achieved = [
        _row("truck_co2_intensity", "achieved", measure=0.096, c=1.3, base=0.1, target=0.097),
        _row("repair_emission_systems_linked", "done"),
        _row("inland_ship_green_smart_tech", "done"),
    ]
    card = _card(achieved, "industry_it_bureau")
    assert not card["vetoed"] and card["score"] == pytest.approx(100.0) and card["grade"] == "excellent"
    assert card["details"]["vetoed_by"] == []


def test_department_without_data_is_not_scored() -> None:
    card = _card([], "housing_construction_bureau")
    assert card["score"] is None and card["grade"] is None
