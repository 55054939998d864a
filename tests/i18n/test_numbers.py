"""Numbers and units as every face shows them."""

import pytest

from transcarbon.i18n.numbers import MISSING, format_number, format_percent, unit_label


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (1234567.891, None, "1,234,568"),  # ≥ 1,000: no decimals
        (-2500, None, "-2,500"),
        (12.345, None, "12.3"),  # ≥ 10: one decimal
        (1.2345, None, "1.23"),  # ≥ 1: two
        (0.0123456, None, "0.0123"),  # below 1: four
        (0, None, "0.0000"),
        (1234.5, 2, "1,234.50"),
        ("5000", None, "5,000"),  # numbers as text
        (12.0, 0, "12"),
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
