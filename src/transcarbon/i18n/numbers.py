"""Numbers and units as people read them, the same on every face (web pages, PDF/XLSX reports, CLI).

- :func:`format_number`: thousands separators and decimals by magnitude (0 from 1,000, 1 from 10, 2 from
  1, else 4) unless ``digits`` is given; an em dash for a missing value (None or NaN);
- :func:`format_percent`: a share (0.25) as a whole percentage (``25%``);
- :func:`unit_label`: an indicator's unit, with the catalog's word for milestones.
"""

from __future__ import annotations

import math

from transcarbon.i18n import Lang, t

MISSING = "—"
"""What a missing number shows."""


def format_number(value: object, digits: int | None = None) -> str:
    """Numbers for people: thousands separators, sensible decimals, an em dash for none.

    ``value`` may be a number or its text; other text is shown as it is.
    """
    if value is None:
        return MISSING
    try:
        x = float(str(value))
    except ValueError:
        return str(value)
    if math.isnan(x):
        return MISSING
    if digits is None:
        digits = 0 if abs(x) >= 1000 else (1 if abs(x) >= 10 else (2 if abs(x) >= 1 else 4))
    return f"{x:,.{digits}f}"


def format_percent(share: float | None) -> str:
    """A share [0–1] as a whole percentage (0.256 → ``26%``); an em dash for none."""
    if share is None or math.isnan(float(share)):
        return MISSING
    return f"{100 * float(share):.0f}%"


def unit_label(unit: str, lang: Lang = "zh") -> str:
    """An indicator's unit as shown: ``milestone`` in the reader's language, any other unit as it is."""
    return t("report.unit_milestone", lang) if unit == "milestone" else unit
