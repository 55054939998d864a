"""Names of codes as people read them, shared by every face (web pages, reports, templates, CLI).

A code (a status, a warning's category, a severity, a light, a sector, a fuel, a data-quality class, a factor's
review status, a milestone's state, a kind of factor) is never shown as it is: :func:`label` names it from the
catalog (``KINDS`` maps each kind of code to its catalog prefix). An unknown code comes back as it is, so a test
that crawls the pages for raw codes finds it. Names that a city declares (indicators, report types, departments,
values of a report's fields) live in the city's configuration and are named there.
"""

from __future__ import annotations

from transcarbon.i18n import Lang, catalog, fuel_name, sector_name, t

KINDS: dict[str, str] = {
    "status": "eval.status",
    "warning_kind": "name.warning_kind",
    "severity": "web.severity",
    "light": "web.light",
    "quality": "name.quality",
    "factor_status": "name.factor_status",
    "milestone": "name.milestone",
    "factor_kind": "name.factor_kind",
    "factor_value": "name.factor_value",
    "indicator_kind": "name.indicator_kind",
    "direction": "name.direction",
    "computation_source": "name.computation_source",
    "mode": "name.mode",
}
"""Kinds of codes with names in the catalog → the prefix of their keys (``<prefix>.<code>``)."""


def label(kind: str, code: object, lang: Lang = "zh") -> str:
    """The name of ``code`` of ``kind`` (a key of :data:`KINDS`, or ``sector`` / ``fuel``) in ``lang``; an em dash for
    none; an unknown code as it is."""
    if code is None or code == "":
        return "—"
    if kind == "sector":
        return sector_name(str(code), lang)
    if kind == "fuel":
        return fuel_name(str(code), lang)
    key = f"{KINDS[kind]}.{code}"
    return t(key, lang) if key in catalog() else str(code)


def value_name(code: object, lang: Lang = "zh") -> str:
    """A code of unknown kind shown in a sentence (a group of a warning: a sector, a fuel …): the first kind that
    names it, else the code as it is."""
    text = str(code)
    for kind in ("sector", "fuel"):
        named = label(kind, text, lang)
        if named != text:
            return named
    return text
