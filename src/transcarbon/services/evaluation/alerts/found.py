"""A warning condition that holds now (:class:`Found`: kind, severity, departments, message in Chinese and
English, the key that identifies it), the severities and kinds, and how a warning writes a value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transcarbon.i18n import t
from transcarbon.i18n.numbers import MISSING, UNIT_DIGITS, format_number
from transcarbon.services import audit

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
"""The severities of a warning, most severe first (the order of lists)."""
KINDS = ("off_track", "worsening", "target_at_risk", "data_late", "anomaly", "peer_outlier")


@dataclass(frozen=True)
class Found:
    """A warning condition that holds now."""

    kind: str
    severity: str
    year: int
    departments: list[str]
    message_key: str
    values_zh: dict[str, Any]
    values_en: dict[str, Any]
    indicator_id: str | None = None
    org_id: str | None = None
    report_type: str | None = None
    period: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    extra_key: str = ""

    @property
    def key(self) -> str:
        return audit.content_hash(
            [self.kind, self.year, self.indicator_id, self.org_id, self.report_type, self.period, self.extra_key]
        )[:40]

    def message(self, lang: str) -> str:
        return t(
            self.message_key, "zh" if lang == "zh" else "en", **(self.values_zh if lang == "zh" else self.values_en)
        )


SYMBOL_UNITS = frozenset({"%", "%/yr", "×"})
"""Units written straight after the number (``4.4%``, ``1.25×``); a word unit follows a space."""


def format_value(x: float | None, unit: str = "", digits: int | None = None) -> str:
    """A value as a warning states it: ``digits`` decimals when given, else those :data:`UNIT_DIGITS` gives ``unit``
    (one of a percentage: ``4.4%``, ``6.0%``; by magnitude for another unit), a milestone as a whole number, a
    symbol unit without a space, a word unit after one; an em dash for none."""
    s = format_number(x, 0 if unit == "milestone" else digits if digits is not None else UNIT_DIGITS.get(unit))
    if s == MISSING or unit in ("", "milestone"):
        return s
    return f"{s}{unit}" if unit in SYMBOL_UNITS else f"{s} {unit}"
