"""Green-trip credit methodologies as versioned data: ``data/credits/methodologies.yaml`` (one entry per
version: baselines with their sources, points per kg, validity, the rules' version and windows) and
``data/credits/mode_factors.csv`` (per version × mode: scene, whether credited, EF [kgCO2/p·km], share of
passenger-km for the all-modes average, speed limit, daily cap, review distance, navigation and fare-card
requirements, ``source`` and ``status``).

:func:`methodology` resolves one version under one baseline kind (the city's choice) into a
:class:`Methodology` whose ``hash`` (SHA-256 of the canonical JSON of everything that enters a credit) is
stored on every credited trip: a trip keeps the version and hash it was credited under, and a new version never
changes it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from transcarbon.factors.library import FactorError
from transcarbon.methods.credits import average_baseline
from transcarbon.methods.credits_rules import ModeLimits

BASELINES = ("high_carbon", "all_modes_average")
STATUSES = ("verified", "to_check")


@dataclass(frozen=True)
class ModeFactor:
    """One mode of a methodology version."""

    mode: str
    scene: str | None
    creditable: bool
    ef_kgco2_per_pkm: float
    share_pkm: float
    max_speed_kmh: float
    daily_km_cap: float
    review_km: float
    needs_navigation: bool
    needs_fare_match: bool
    source: str
    status: str


@dataclass(frozen=True)
class Methodology:
    """A methodology version resolved under one baseline kind."""

    version: str
    effective_from: date
    title_zh: str
    title_en: str
    baseline_kind: str
    baseline_ef: float
    baseline_source: str
    baseline_status: str
    points_per_kg: float
    validity_days: int
    rules_version: str
    claim_window_days: int
    fare_match_minutes: int
    modes: dict[str, ModeFactor]
    hash: str

    @property
    def credited_modes(self) -> list[str]:
        return [m for m, f in self.modes.items() if f.creditable]

    @property
    def mode_codes(self) -> dict[str, int]:
        """Each credited mode's code in :attr:`limits` (the order of the file)."""
        return {m: i for i, m in enumerate(self.credited_modes)}

    @property
    def limits(self) -> ModeLimits:
        fs = [self.modes[m] for m in self.credited_modes]
        return ModeLimits(
            max_speed_kmh=np.array([f.max_speed_kmh for f in fs], dtype=np.float64),
            daily_km_cap=np.array([f.daily_km_cap for f in fs], dtype=np.float64),
            review_km=np.array([f.review_km for f in fs], dtype=np.float64),
            needs_navigation=np.array([f.needs_navigation for f in fs], dtype=bool),
            needs_fare_match=np.array([f.needs_fare_match for f in fs], dtype=bool),
        )

    def scene_of(self, mode: str) -> str | None:
        factor = self.modes.get(mode)
        return factor.scene if factor is not None else None


def _folder() -> Path:
    return Path(str(resources.files("transcarbon") / "data" / "credits"))


def _number(value: object, what: str, *, default: float = math.inf) -> float:
    if value is None or value == "":
        return default
    number = float(str(value))
    if not math.isfinite(number) or number < 0:
        raise FactorError(f"credit methodology: {what} = {value!r} is not a finite non-negative number")
    return number


def _flag(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _modes(rows: list[dict[str, Any]], version: str) -> dict[str, ModeFactor]:
    modes: dict[str, ModeFactor] = {}
    for row in rows:
        if str(row["version"]) != version:
            continue
        mode = str(row["mode"])
        if row["status"] not in STATUSES or not str(row["source"] or "").strip():
            raise FactorError(f"credit methodology {version}, mode {mode}: a source and a status are required")
        if mode in modes:
            raise FactorError(f"credit methodology {version}: mode {mode} appears twice")
        modes[mode] = ModeFactor(
            mode=mode,
            scene=str(row["scene"]) if row["scene"] else None,
            creditable=_flag(row["creditable"]),
            ef_kgco2_per_pkm=_number(row["ef_kgco2_per_pkm"], f"{mode} EF", default=math.nan),
            share_pkm=_number(row["share_pkm"], f"{mode} share", default=0.0),
            max_speed_kmh=_number(row["max_speed_kmh"], f"{mode} speed"),
            daily_km_cap=_number(row["daily_km_cap"], f"{mode} daily cap"),
            review_km=_number(row["review_km"], f"{mode} review distance"),
            needs_navigation=_flag(row["needs_navigation"]),
            needs_fare_match=_flag(row["needs_fare_match"]),
            source=str(row["source"]),
            status=str(row["status"]),
        )
        if math.isnan(modes[mode].ef_kgco2_per_pkm):
            raise FactorError(f"credit methodology {version}, mode {mode}: EF missing")
        if modes[mode].creditable and not modes[mode].scene:
            raise FactorError(f"credit methodology {version}, mode {mode}: a credited mode needs a consent scene")
    if not modes:
        raise FactorError(f"credit methodology {version}: no mode factors")
    return modes


def methodology_hash(entry: dict[str, Any], baseline_kind: str, modes: dict[str, ModeFactor]) -> str:
    """SHA-256 of the canonical JSON of the version's entry, the baseline kind and its mode rows."""
    payload = {"entry": entry, "baseline": baseline_kind, "modes": {m: vars(f) for m, f in sorted(modes.items())}}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _load(folder: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    spec = yaml.safe_load((folder / "methodologies.yaml").read_text(encoding="utf-8"))
    entries = {str(v["version"]): v for v in spec["versions"]}
    rows = pl.read_csv(folder / "mode_factors.csv", infer_schema_length=0).to_dicts()
    return entries, rows


def versions(folder: Path | None = None) -> list[str]:
    """Every version in the file, in its order."""
    return list(_load(folder or _folder())[0])


def methodology(version: str, baseline_kind: str, folder: Path | None = None) -> Methodology:
    """Version ``version`` under baseline ``baseline_kind``; :class:`FactorError` when unknown or malformed."""
    entries, rows = _load(folder or _folder())
    if version not in entries:
        raise FactorError(f"unknown credit methodology version {version!r} (known: {', '.join(entries)})")
    if baseline_kind not in BASELINES:
        raise FactorError(f"unknown baseline kind {baseline_kind!r} (known: {', '.join(BASELINES)})")
    entry = entries[version]
    modes = _modes(rows, version)
    base = entry["baselines"][baseline_kind]
    if baseline_kind == "high_carbon":
        baseline_ef = _number(base["ef_kgco2_per_pkm"], "high-carbon baseline EF")
    else:
        baseline_ef = average_baseline(
            [f.ef_kgco2_per_pkm for f in modes.values()], [f.share_pkm for f in modes.values()]
        )
    return Methodology(
        version=version,
        effective_from=entry["effective_from"],
        title_zh=str(entry["title_zh"]),
        title_en=str(entry["title_en"]),
        baseline_kind=baseline_kind,
        baseline_ef=baseline_ef,
        baseline_source=str(base["source"]),
        baseline_status=str(base["status"]),
        points_per_kg=_number(entry["points_per_kg"], "points per kg"),
        validity_days=int(entry["validity_days"]),
        rules_version=str(entry["rules_version"]),
        claim_window_days=int(entry["claim_window_days"]),
        fare_match_minutes=int(entry["fare_match_minutes"]),
        modes=modes,
        hash=methodology_hash(entry, baseline_kind, modes),
    )
