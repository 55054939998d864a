"""The report's texts: catalog texts in Chinese, and every ``report.*`` text (for the font subset)."""

from __future__ import annotations

from transcarbon.i18n import catalog, t


def zh(key: str, **values: object) -> str:
    """A catalog text in Chinese, the report's language."""
    return t(key, "zh", **values)


def report_texts() -> str:
    """Every report.* catalog text (Chinese), for the font subset."""
    return "".join(v["zh"] for k, v in catalog().items() if k.startswith("report."))
