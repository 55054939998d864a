"""The report's texts: catalog texts in Chinese, and every ``report.*`` text (for the font subset)."""

from __future__ import annotations

from transcarbon.i18n import catalog, t


def zh(key: str, **values: object) -> str:
    """A catalog text in Chinese, the report's language."""
    return t(key, "zh", **values)


FONT_PREFIXES = ("report.", "name.", "eval.", "web.lmdi.", "web.light.", "web.severity.", "web.scope.")
"""Catalog texts the report may show: their characters go into the font subset."""


def report_texts() -> str:
    """Every catalog text (Chinese) the report may show, for the font subset."""
    return "".join(v["zh"] for k, v in catalog().items() if k.startswith(FONT_PREFIXES))
