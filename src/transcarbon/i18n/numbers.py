"""Numbers and units as people read them, the same on every face (web pages, PDF/XLSX reports, CLI).

- :func:`format_number`: thousands separators and decimals by magnitude (0 from 1,000, 1 from 10, 2 from
  1, else 4) unless ``digits`` is given, an integer (a count) as an integer; an em dash for a missing value (None
  or NaN);
- :func:`format_percent`: a share (0.25) as a whole percentage (``25%``);
- :func:`unit_label`: an indicator's unit, with the catalog's word for milestones;
- :func:`format_count`: a count as an integer with thousands separators;
- :func:`format_quantity`: a value in a unit with the decimals that unit deserves (:data:`UNIT_DIGITS`);
- :func:`format_time`: a stored time (UTC) in the city's time zone (:data:`CITY_TZ`, Asia/Shanghai).
"""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from transcarbon.i18n import Lang, catalog, t

MISSING = "—"
"""What a missing number shows."""


def format_number(value: object, digits: int | None = None) -> str:
    """Numbers for people: thousands separators, sensible decimals, an em dash for none; a negative number that
    rounds to zero is shown as zero (``0.0``, not ``-0.0``).

    ``value`` may be a number or its text; other text is shown as it is.
    """
    if value is None:
        return MISSING
    if isinstance(value, int) and not isinstance(value, bool) and digits is None:
        return f"{value:,}"  # a count stays an integer
    try:
        x = float(str(value))
    except ValueError:
        return str(value)
    if math.isnan(x):
        return MISSING
    if digits is None:
        digits = 0 if abs(x) >= 1000 else (1 if abs(x) >= 10 else (2 if abs(x) >= 1 else 4))
    shown = f"{x:,.{digits}f}"
    return shown[1:] if shown.startswith("-") and not shown.strip("-0.,") else shown  # no "-0.0"


def format_percent(share: float | None) -> str:
    """A share [0–1] as a whole percentage (0.256 → ``26%``); an em dash for none."""
    if share is None or math.isnan(float(share)):
        return MISSING
    return f"{100 * float(share):.0f}%"


def unit_label(unit: str, lang: Lang = "zh") -> str:
    """An indicator's unit as shown: a unit written as a word (``milestone``, ``projects``) in the reader's
    language, a symbol (``%``, ``×``) as it is."""
    key = f"name.unit.{unit}"
    if unit == "milestone":
        return t("report.unit_milestone", lang)
    return t(key, lang) if key in catalog() else unit


CITY_TZ = ZoneInfo("Asia/Shanghai")
"""The time zone times are shown in (China Standard Time, UTC+8)."""

UNIT_DIGITS: dict[str, int] = {
    "t": 0,
    "tCO2": 0,
    "万吨": 1,
    "万吨CO2": 1,
    "tce": 0,
    "GJ": 0,
    "kWh": 0,
    "MWh": 1,
    "%": 1,
    "%/yr": 1,
    "×": 2,
    "projects": 0,
    "kgCO2/t·km": 4,
    "gCO2/t·km": 1,
    "kgCO2/吨公里": 4,
    "倍": 2,
}
"""Decimals per unit: whole tonnes and counts (projects), one decimal of 万吨 and of percentages, two of a
multiple (×), four of kg per t·km."""


def format_count(value: object) -> str:
    """A count (vehicles, rows, organisations) as an integer with thousands separators; an em dash for none."""
    return format_number(value, 0)


def format_quantity(value: object, unit: str) -> str:
    """``value`` with the decimals :data:`UNIT_DIGITS` gives ``unit`` (by magnitude for another unit)."""
    return format_number(value, UNIT_DIGITS.get(unit))


def format_time(value: datetime | str | None, *, date_only: bool = False) -> str:
    """A stored time (aware, or ISO text; naive means UTC) as ``YYYY-MM-DD HH:MM`` in :data:`CITY_TZ`."""
    if value is None or value == "":
        return MISSING
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    local = when.astimezone(CITY_TZ)
    return local.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M")


_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral(text: str) -> int | None:
    """The number written in Chinese numerals from 一 to 九十九 (``十四`` → 14, ``二十`` → 20), None otherwise."""
    if not text or any(c not in _DIGITS and c != "十" for c in text) or text.count("十") > 1:
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def plan_section(section: str, lang: Lang = "zh") -> str:
    """A section of the plan as cited: ``(四)`` in Chinese, ``(4)`` in English (as written when not a numeral)."""
    if lang == "zh":
        return section
    inner = section.strip().strip("()（）")
    number = chinese_numeral(inner)
    return section if number is None else f"({number})"
