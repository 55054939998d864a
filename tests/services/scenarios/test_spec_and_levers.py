"""Scenario files: validation naming the key and the fix, levers applied at their levels (hold, paths, numbers),
unknown levers and targets refused, files extending a shared part, and the city's own scenarios all valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from transcarbon.city.config import load_city
from transcarbon.services.scenarios.levers import Lever, Levers, LeverSet, apply_levers
from transcarbon.services.scenarios.prepare import city_levers, city_scenarios, prepare
from transcarbon.services.scenarios.spec import Names, SpecError, load_raw, parse_spec, validate

BASE = """
base_year: 2020
end_year: 2035
observed_until: 2025
fleet:
  classes:
    - id: cars
      survival: {weibull: {scale: 14.46, shape: 4.79}}
      sales: {constant: 1000}
      sales_shares: {bev: {2020: 0.05, 2025: 0.30}}
      efficiency_gain: {gasoline: 0.01}
grid: {kg_per_kwh: {2020: 0.64, 2023: 0.58}}
"""


def _levers() -> Levers:
    return Levers(
        levers=[
            Lever(
                id="ev",
                name=Names(zh="电动化", en="EVs"),
                sets=[
                    LeverSet(
                        target="fleet.classes[cars].sales_shares.bev",
                        levels={1: "hold", 2: {2030: 0.6}, 3: {2030: 0.8}, 4: {2030: 1.0}},
                    ),
                    LeverSet(
                        target="fleet.classes[cars].efficiency_gain.gasoline",
                        levels={1: 0.0, 2: 0.01, 3: 0.02, 4: 0.03},
                    ),
                ],
            ),
            Lever(
                id="grid",
                name=Names(zh="电网", en="grid"),
                sets=[
                    LeverSet(
                        target="grid.kg_per_kwh", levels={1: "hold", 2: {2035: 0.4}, 3: {2035: 0.3}, 4: {2035: 0.2}}
                    )
                ],
            ),
        ]
    )


def test_levels_replace_what_follows_the_last_observed_year() -> None:
    raw = load_raw(BASE, "b.yaml")
    out = apply_levers(raw, _levers(), {"ev": 3, "grid": 1}, 2025)
    spec = validate(out, "b.yaml")
    cars = spec.fleet.classes[0]
    assert cars.sales_shares["bev"] == {2020: 0.05, 2025: 0.30, 2030: 0.8}
    assert cars.efficiency_gain["gasoline"] == 0.02
    assert spec.grid is not None and spec.grid.kg_per_kwh == {2020: 0.64, 2023: 0.58, 2025: 0.58}  # held
    assert raw["fleet"]["classes"][0]["sales_shares"]["bev"] == {2020: 0.05, 2025: 0.30}  # the input is untouched


def test_unknown_levers_and_targets_are_refused() -> None:
    raw = load_raw(BASE, "b.yaml")
    with pytest.raises(SpecError) as exc:
        apply_levers(raw, _levers(), {"nope": 2}, 2025)
    assert "未知杠杆 nope" in str(exc.value) and "unknown lever nope" in str(exc.value)
    bad = Levers(
        levers=[
            Lever(
                id="x",
                name=Names(zh="x", en="x"),
                sets=[LeverSet(target="fleet.classes[ghost].sales", levels={1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0})],
            )
        ]
    )
    with pytest.raises(SpecError, match=r"fleet\.classes\[ghost\]\.sales"):
        apply_levers(raw, bad, {"x": 2}, 2025)
    with pytest.raises(SpecError, match="杠杆档位只能是"):
        parse_spec(BASE + "levers: {ev: 5}\n", "b.yaml")


@pytest.mark.parametrize(
    ("patch", "key", "fix"),
    [
        (("scale: 14.46", "scale: -3"), "fleet.classes[cars].survival.weibull.scale", "out of range"),
        (
            ("sales: {constant: 1000}", "sales: {constant: 1000, by_year: {2020: 1}}"),
            "fleet.classes[cars].sales",
            "exactly one way",
        ),
        (("bev: {2020", "hydrogen_car: {2020"), "fleet.classes[cars].sales_shares.hydrogen_car", "use one of"),
        (("end_year: 2035", "end_year: 2010"), "end_year", "after the base year"),
        (("base_year: 2020\n", "base_year: 2020\ncolour: red\n"), "colour", "remove it or check its spelling"),
    ],
)
def test_errors_name_the_key_and_the_fix(patch: tuple[str, str], key: str, fix: str) -> None:
    with pytest.raises(SpecError) as exc:
        parse_spec(BASE.replace(*patch), "b.yaml")
    text = str(exc.value)
    assert f"b.yaml，键 {key}：" in text and f"b.yaml, key {key}: " in text and fix in text


def test_not_yaml() -> None:
    with pytest.raises(SpecError, match="不是有效的 YAML"):
        parse_spec("base_year: [2020", "b.yaml")


def test_a_file_extends_a_shared_part(tmp_path: Path) -> None:
    (tmp_path / "_base.yaml").write_text(BASE, encoding="utf-8")
    child = "extends: _base.yaml\nid: mine\nend_year: 2030\nfleet: {reference_model_year: 2021}\n"
    spec = prepare(child, "mine.yaml", city=load_city(), base_dir=tmp_path).spec
    assert spec.id == "mine" and spec.end_year == 2030 and spec.fleet.reference_model_year == 2021
    assert spec.fleet.classes[0].id == "cars"  # mappings merge key by key
    with pytest.raises(SpecError, match="extends"):
        prepare("extends: none.yaml\n", "x.yaml", city=load_city(), base_dir=tmp_path)


def test_the_citys_scenarios_and_levers_are_valid() -> None:
    city = load_city()
    files = city_scenarios(city)
    assert set(files) == {"baseline", "policy"}
    levers = city_levers(city)
    assert levers is not None and len(levers.levers) >= 10
    for path in files.values():
        assert "extends: _base.yaml" in path.read_text(encoding="utf-8")
    policy = parse_spec((files["policy"].parent / "_base.yaml").read_text(encoding="utf-8"), "_base.yaml")
    assert len(policy.fleet.classes) == 10 and policy.calibration is not None
