"""The city configuration (city/config.py and data/cities/lianyungang.yaml)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from transcarbon.city.config import (
    LIGHT_RULE_KINDS,
    PROGRESS_STATUSES,
    CityConfig,
    CityConfigError,
    available_cities,
    load_city,
    parse_city,
)
from transcarbon.domain import Period
from transcarbon.methods import progress

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "docs" / "plan"  # the city's plan and its indicator table, kept with the repository
INDICATORS_MD = PLAN / "INDICATORS.md"
PLAN_ZH = PLAN / "plan-zh.txt"
PACKAGED = REPO / "src" / "transcarbon" / "data" / "cities" / "lianyungang.yaml"


@pytest.fixture(scope="module")
def city() -> CityConfig:
    return load_city()


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))


def _table_rows() -> list[list[str]]:
    rows = []
    for line in INDICATORS_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 9 and re.fullmatch(r"\([一二三四五六七八九十]+\)", cells[1]):
            rows.append(cells)
    return rows


# ------------------------------------------------------------------ the packaged city


def test_packaged_city_loads(city: CityConfig) -> None:
    assert city.city.id == "lianyungang" and city.city.name_zh == "连云港市"
    assert city.city.province == "CN-JS" and city.city.grid_region == "east_china"
    assert city.city.timezone == "Asia/Shanghai"
    assert [d.name_zh for d in city.city.districts] == ["海州区", "连云区", "赣榆区", "东海县", "灌云县", "灌南县"]
    assert city.zones_file == "lianyungang_zones.geojson"
    assert "lianyungang" in available_cities()
    assert all("." not in name for name in available_cities())  # not lianyungang.reports.yaml
    assert len(city.indicators) == 35


def test_every_indicators_md_row_is_in_the_yaml(city: CityConfig) -> None:
    rows = _table_rows()
    assert len(rows) == 35, "INDICATORS.md parse"
    assert [r[0] for r in rows] == [i.id for i in city.indicators]
    names = {d.name_zh: d.id for d in city.departments}
    for r in rows:
        ind = city.indicator(r[0])
        assert ind.section == r[1], ind.id
        assert ind.kind == r[4], ind.id
        # lead departments, in the table's order; * marks our assignment for (三)
        depts = [d.strip() for d in r[8].split(",")]
        assert [names[d.rstrip("*")] for d in depts] == ind.departments, ind.id
        assert ind.departments_assigned == all(d.endswith("*") for d in depts), ind.id
        for year, cell in zip(city.target_years, r[5:8], strict=True):
            t = ind.target(year)
            if cell.startswith("—") and "ongoing" not in cell:
                assert t is None, (ind.id, year)
                continue
            if "ongoing" in cell:
                assert t is None, (ind.id, year)
                continue
            assert t is not None, (ind.id, year)
            assert t.strive == ("strive" in cell), (ind.id, year)
            if ind.kind == "milestone":
                assert t.value == 1, (ind.id, year)
                continue
            number = re.search(r"\d+(?:\.\d+)?", cell)
            if number is None:
                assert t.value is None and t.provincial, (ind.id, year)
                continue
            assert t.value == float(number.group()), (ind.id, year)
            assert t.approximate == ("≈" in cell), (ind.id, year)
            assert t.at_least == ("≥" in cell), (ind.id, year)


def test_every_named_department_is_declared_and_used(city: CityConfig) -> None:
    named = {d.strip().rstrip("*") for r in _table_rows() for d in r[8].split(",")}
    assert named == {d.name_zh for d in city.departments}
    for d in city.departments:
        assert city.indicators_of(d.id), d.id


def test_plan_text_is_quoted_verbatim(city: CityConfig) -> None:
    plan = PLAN_ZH.read_text(encoding="utf-8")
    for ind in city.indicators:
        sentences = [s + "。" for s in ind.plan_text_zh.split("。") if s]
        assert sentences and "".join(sentences) == ind.plan_text_zh, ind.id
        for s in sentences:
            assert s in plan, (ind.id, s[:30])
        assert f"{ind.section}{ind.section_title_zh}" in plan, ind.id


def test_base_years_and_computation(city: CityConfig) -> None:
    by_kind = {i.id: i for i in city.indicators}
    for iid in (
        "converted_turnover_co2_intensity",
        "truck_co2_intensity",
        "ship_co2_intensity",
        "shore_power_use_multiple",
        "container_multimodal_growth",
    ):
        assert by_kind[iid].base_year == 2020
    for ind in city.indicators:
        if ind.kind == "reduction":
            assert ind.direction == "decrease" and ind.computation.source == "inventory"
        if ind.kind == "milestone":
            assert ind.computation.source == "milestone"
        if ind.computation.source == "none":
            assert ind.computation.no_data_reason is not None and not ind.has_data_source
    no_data = [i.id for i in city.indicators if not i.has_data_source]
    assert no_data == []  # registers, surveys and coverage feed the ten indicators that had no data


def test_thresholds_feed_the_methods(city: CityConfig) -> None:
    sdg = progress.BandThresholds(**city.progress.sdg.model_dump())
    free = progress.BandThresholds(**city.progress.no_target_cagr.model_dump())
    assert (sdg.on_track, sdg.needs_acceleration, sdg.limited_progress) == (0.95, 0.60, 0.0)
    assert (free.on_track, free.needs_acceleration, free.limited_progress) == (0.015, 0.005, 0.0)
    rules = city.progress.light_rules
    assert {k: r.rule for k, r in rules.items()} == dict.fromkeys(LIGHT_RULE_KINDS, "weather_chart")
    assert rules["reduction"].judge == ["path", "step"] and rules["ratio"].judge == ["path"]
    assert city.progress.forecast.method == "ols" and city.progress.forecast.min_points == 4
    assert city.progress.forecast.warning_p_meet == 0.5
    lights = progress.status_light(list(PROGRESS_STATUSES), city.progress.lights)
    assert set(lights.tolist()) <= {"green", "yellow", "red", "grey"}
    assert set(PROGRESS_STATUSES) == {s.value for s in progress.Status}
    assert set(city.progress.milestone_lights) == {s.value for s in progress.MilestoneStatus}
    assert np.all(progress.status_light(["late", "no_data"], city.progress.lights) == "grey")


def test_reporting_calendar(city: CityConfig) -> None:
    cal = city.reporting_calendar
    assert cal.due_date(Period(2024, 12)) == date(2025, 1, 15)
    assert cal.due_date(Period(2024, 5)) == date(2024, 6, 15)
    assert cal.due_date(Period(2024)) == date(2025, 3, 31)
    assert cal.is_late(Period(2024, 5), date(2024, 6, 16)) and not cal.is_late(Period(2024, 5), date(2024, 6, 15))
    late_day = cal.model_copy(update={"monthly": cal.monthly.model_copy(update={"due_day": 31})})
    assert late_day.due_date(Period(2024, 1)) == date(2024, 2, 29)  # clamped to the month


def test_scoring_template(city: CityConfig) -> None:
    s = city.scoring
    assert (s.annual_target.points, s.cumulative_progress.points, s.other_measures.points) == (25, 25, 50)
    assert s.annual_target.veto_when_missed
    assert [s.grade(x).id for x in (95, 90, 89.9, 80, 60, 59.9, 0)] == [
        "excellent",
        "excellent",
        "good",
        "good",
        "pass",
        "fail",
        "fail",
    ]


# ------------------------------------------------------------------ another city, and errors


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_another_city_is_another_file(tmp_path: Path, raw: dict) -> None:
    data = dict(
        raw,
        city=dict(raw["city"], id="othercity", name_zh="某市", name_en="Other City"),
        report_types={"energy_activity": {"title_zh": "能源"}},
    )
    path = tmp_path / "othercity.yaml"
    path.write_text(_dump(data), encoding="utf-8")
    other = load_city(path)
    assert other.city.id == "othercity"
    assert other.model_extra == {
        "road": raw["road"],
        "credits": raw["credits"],
        "report_types": {"energy_activity": {"title_zh": "能源"}},
    }
    assert load_city(str(path)).city.name_en == "Other City"


def _broken(raw: dict, **changes: object) -> str:
    data = yaml.safe_load(_dump(raw))
    for dotted, value in changes.items():
        node = data
        keys = dotted.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = keys[-1]
        node[int(last) if last.isdigit() else last] = value
    return _dump(data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"indicators__1__id": "new_energy_vehicle_share_new"}, "indicator ids must be unique"),
        ({"departments__1__id": "transport_bureau"}, "department ids must be unique"),
        (
            {"indicators__14__departments": ["industry_it_bureau", "traffic_police"]},
            r"indicators\[14\] \(truck_co2_intensity\).departments: unknown department\(s\) \['traffic_police'\]",
        ),
        ({"indicators__14__kind": "percentage"}, r"indicators\[14\] \(truck_co2_intensity\)\.kind"),
        ({"indicators__14__direction": "down"}, r"indicators\[14\] \(truck_co2_intensity\)\.direction"),
        ({"indicators__14__id": "Truck CO2"}, "snake_case"),
        ({"indicators__14__base_year": None}, "set base_year"),
        ({"indicators__14__computation__sectors": ["lorries"]}, r"computation\.sectors"),
        ({"indicators__22__computation__source": "none"}, "no_data_reason"),
        ({"progress__sdg__on_track": 0.5}, "thresholds must decrease"),
        ({"progress__lights__late": "purple"}, r"progress\.lights\.late"),
        ({"city__timezone": "Asia/Lianyungang"}, "unknown time zone"),
        ({"scoring__other_measures__points": 40}, "add up to 100"),
    ],
)
def test_invalid_configurations_are_refused_with_a_clear_message(raw: dict, changes: dict, message: str) -> None:
    with pytest.raises(CityConfigError, match=message):
        parse_city(_broken(raw, **changes), origin="test.yaml")


def test_missing_light_and_target_year(raw: dict) -> None:
    data = yaml.safe_load(_dump(raw))
    del data["progress"]["lights"]["late"]
    with pytest.raises(CityConfigError, match=r"missing \['late'\]"):
        parse_city(_dump(data))
    data = yaml.safe_load(_dump(raw))
    del data["indicators"][0]["targets"][2035]
    with pytest.raises(CityConfigError, match="every target year"):
        parse_city(_dump(data))


@pytest.mark.slow
def test_target_years_are_configuration(city: CityConfig, raw: dict) -> None:
    assert city.target_years == [2025, 2030, 2035]
    assert all(sorted(ind.targets) == city.target_years for ind in city.indicators)
    for years, message in (
        ([2030, 2025, 2035], "ascending"),
        ([2025, 2025, 2030, 2035], "once each"),
        ([], "at least 1"),
        ([2025, 2030, 2035, 2500], "1990–2100"),
    ):
        with pytest.raises(CityConfigError, match=message):
            parse_city(_broken(raw, target_years=years))
    with pytest.raises(CityConfigError, match=r"not a target year \[2028\]"):  # a target outside the years
        parse_city(_broken(raw, indicators__0__targets__2028=None))
    # another city sets other years: its indicators list those
    data = yaml.safe_load(_dump(raw))
    data["target_years"] = [2027, 2032]
    for ind in data["indicators"]:
        ind["targets"] = {2027: ind["targets"][2025], 2032: ind["targets"][2030]}
    assert parse_city(_dump(data)).target_years == [2027, 2032]


def test_duplicate_yaml_key_and_bad_yaml() -> None:
    text = PACKAGED.read_text(encoding="utf-8").replace(
        "  timezone: Asia/Shanghai\n", "  timezone: Asia/Shanghai\n  timezone: UTC\n", 1
    )
    with pytest.raises(CityConfigError, match="duplicate key 'timezone'"):
        parse_city(text)
    with pytest.raises(CityConfigError, match="not valid YAML"):
        parse_city("city: [unclosed")
    with pytest.raises(CityConfigError, match="mapping"):
        parse_city("- a list")


def test_unknown_city_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CityConfigError, match="unknown city 'atlantis'"):
        load_city("atlantis")
    with pytest.raises(CityConfigError, match="not found"):
        load_city(tmp_path / "nowhere.yaml")
    with pytest.raises(CityConfigError, match="not a city name"):
        load_city("Lian Yun Gang")


def test_report_types_and_filters_exist_in_the_report_catalog(city: CityConfig) -> None:
    """computation.report_type, categories and qualifying name real report types and allowed values."""
    reports = pytest.importorskip("transcarbon.city.reports")
    catalog = {r.id: r for r in reports.load_report_types(city.city.id).report_types}
    for ind in city.indicators:
        comp = ind.computation
        if comp.report_type is None:
            continue
        assert comp.report_type in catalog, (ind.id, comp.report_type)
        allowed = {v for f in catalog[comp.report_type].fields for v in (f.allowed or [])}
        for value in [*comp.categories, *comp.qualifying]:
            assert value in allowed, (ind.id, value)
