"""Numbers and units as every face shows them."""

import pytest

from transcarbon.i18n.numbers import (
    MISSING,
    format_count,
    format_number,
    format_percent,
    format_quantity,
    format_time,
    unit_label,
)


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (1234567.891, None, "1,234,568"),  # ≥ 1,000: no decimals
        (-2500, None, "-2,500"),
        (12.345, None, "12.3"),  # ≥ 10: one decimal
        (1.2345, None, "1.23"),  # ≥ 1: two
        (0.0123456, None, "0.0123"),  # below 1: four
        (0.0, None, "0.0000"),
        (0, None, "0"),  # an integer is a count: no decimals
        (50_981_999_999, None, "50,981,999,999"),
        (12, 2, "12.00"),  # unless digits are asked for
        (1234.5, 2, "1,234.50"),
        ("5000", None, "5,000"),  # numbers as text
        (12.0, 0, "12"),
        (-0.04, 1, "0.0"),  # a negative number rounding to zero has no sign
        (-0.0, None, "0.0000"),
        (-0.05001, 1, "-0.1"),
        (-1000.4, 0, "-1,000"),
    ],
)
def test_format_number(value: object, digits: int | None, shown: str) -> None:
    assert format_number(value, digits) == shown


def test_missing_and_non_numbers() -> None:
    assert format_number(None) == MISSING == "—"
    assert format_number(float("nan")) == MISSING
    assert format_number("n/a") == "n/a"


def test_format_percent() -> None:
    assert format_percent(0.256) == "26%"
    assert format_percent(1) == "100%"
    assert format_percent(None) == MISSING
    assert format_percent(float("nan")) == MISSING


def test_unit_label() -> None:
    assert unit_label("milestone") == "节点"
    assert unit_label("milestone", "en") == "milestone"
    assert unit_label("%") == "%"


def test_counts_quantities_and_times() -> None:
    assert format_count(1512.0) == "1,512" and format_count(None) == MISSING
    assert format_quantity(2479267.85, "t") == "2,479,268" and format_quantity(9.4049, "%") == "9.4"
    assert format_quantity(0.112723, "kgCO2/t·km") == "0.1127"
    assert format_time("2025-12-31T17:30:00+00:00") == "2026-01-01 01:30"  # UTC+8: the next day in the city
    assert format_time("2025-06-30T16:00:00") == "2025-07-01 00:00"  # naive: stored UTC
    assert format_time("2025-06-30T15:59:00+00:00", date_only=True) == "2025-06-30"
    assert format_time(None) == MISSING
    assert unit_label("projects") == "个" and unit_label("%") == "%"


def test_plan_sections_in_english_are_numbered_in_arabic() -> None:
    from transcarbon.i18n.numbers import chinese_numeral, plan_section

    assert [chinese_numeral(x) for x in ("四", "十", "十四", "二十", "九十九", "百", "四四", "")] == [
        4,
        10,
        14,
        20,
        99,
        None,
        None,
        None,
    ]
    assert plan_section("(十四)", "en") == "(14)" and plan_section("(十四)", "zh") == "(十四)"
    assert plan_section("§2.1", "en") == "§2.1"  # not a numeral: as written
