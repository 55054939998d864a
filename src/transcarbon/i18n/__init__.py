"""The message catalog: every text shown to people, in Simplified Chinese first and English second.

Messages live in ``messages.yaml`` beside this module as ``key: {zh: ..., en: ...}`` with
``str.format`` placeholders. ``t(key, lang, **values)`` renders one language; ``both`` renders
``"中文 / English"`` on one line (row errors, logs); ``lines`` renders the two on two lines (terminal
messages). ``sector_name`` and ``fuel_name`` name the codes of sectors and fuels (``name.sector.*``,
``name.fuel.*``); :mod:`.road` names the codes of road transport.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """The whole catalog, loaded once."""
    text = (resources.files("transcarbon.i18n") / "messages.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data


def t(key: str, lang: Lang = "zh", **values: object) -> str:
    """Render message ``key`` in ``lang``; a missing key raises ``KeyError`` (caught by tests)."""
    return catalog()[key][lang].format(**values)


def both(key: str, **values: object) -> str:
    """Render ``key`` as ``"中文 / English"``."""
    return f"{t(key, 'zh', **values)} / {t(key, 'en', **values)}"


def lines(key: str, **values: object) -> str:
    """Render ``key`` as two lines, Chinese then English (terminal output: no mid-sentence wrap)."""
    return f"{t(key, 'zh', **values)}\n{t(key, 'en', **values)}"


def sector_name(sector: str | None, lang: Lang = "zh") -> str:
    """The name of a sector code (``None``: the total of all sectors); an unknown code as it is."""
    key = "name.sector.total" if sector is None else f"name.sector.{sector}"
    return t(key, lang) if key in catalog() else str(sector)


def fuel_name(fuel: str | None, lang: Lang = "zh") -> str:
    """The name of a fuel code (``None``: no fuel, e.g. a turnover-only line); an unknown code as it is."""
    key = "name.fuel.none" if fuel is None else f"name.fuel.{fuel}"
    return t(key, lang) if key in catalog() else str(fuel)
