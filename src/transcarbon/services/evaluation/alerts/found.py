"""A warning condition that holds now (:class:`Found`: kind, severity, departments, message in Chinese and
English, the key that identifies it), the severities and kinds, and how a warning writes a value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transcarbon.i18n import t
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


def format_value(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    s = f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.3g}" if abs(x) < 1 else f"{x:,.2f}"
    return f"{s}{'' if unit in ('', 'milestone') else ' ' + unit}"
