"""Names of road-transport codes (vehicle classes, powertrains, China stages, uses, services, energy carriers, data
bases, factor methods, reconciliation explanations, official figures: ``name.road.<kind>.<code>``) and the
sentence explaining a reconciliation gap, shared by every face."""

from __future__ import annotations

from collections.abc import Mapping

from transcarbon.i18n import Lang, catalog, t
from transcarbon.i18n.numbers import format_number, format_percent

ROAD_KINDS = ("class", "powertrain", "stage", "use", "service", "carrier", "basis", "method", "explanation", "figure")
"""Kinds of road-transport codes with names in the catalog."""


def road_name(kind: str, code: str | None, lang: Lang = "zh") -> str:
    """The name of a road-transport code of ``kind`` (one of :data:`ROAD_KINDS`); an unknown code as it is."""
    key = f"name.road.{kind}.{code if code is not None else 'none'}"
    return t(key, lang) if key in catalog() else str(code)


def gap_explanation(gap: Mapping[str, object], lang: Lang = "zh") -> str:
    """Why a fleet's bottom-up and reported fuel differ (``explanation``, ``implied_vehicles``, ``registered`` of a
    reconciliation row), in ``lang``."""
    implied, registered = gap.get("implied_vehicles"), gap.get("registered")
    share = float(str(implied)) / float(str(registered)) if implied is not None and registered else None
    return t(
        f"name.road.explanation.{gap['explanation']}",
        lang,
        implied=format_number(implied, 0),
        registered=format_number(registered, 0),
        share=format_percent(share),
    )
