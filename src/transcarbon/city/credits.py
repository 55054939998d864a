"""The city file's ``credits`` section: the city's choice of green-trip credit methodology (碳普惠).

- ``methodology``: the version in ``data/credits/methodologies.yaml`` (or in the city's own folder
  ``methodology_dir``, beside the city file, holding files of the same form) that credits new trips;
- ``baseline``: ``high_carbon`` (DB11/T 3043-2024) or ``all_modes_average`` (DB33/T 1312-2023);
- ``retention_days``: how long a trip's times, evidence and fare-card records are kept before they are reduced
  to the day and the credit;
- ``key_grace_hours``: after a partner's key is rotated (``transcarbon credits partner rotate``), how long its
  previous key and secret are still accepted (default 72 h; 0: refused at once);
- ``participants_min``: the public page shows a group (a mode, a month) only when it has at least this many
  participants (small groups are folded into the total).

A city without the section gets :data:`DEFAULT_SECTION`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transcarbon.city.config import CityConfig, CityConfigError


class CreditsSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    methodology: str = "2026.1"
    baseline: Literal["high_carbon", "all_modes_average"] = "high_carbon"
    methodology_dir: str | None = None
    retention_days: int = Field(default=180, ge=7, le=3650)
    participants_min: int = Field(default=5, ge=1, le=1000)
    key_grace_hours: int = Field(default=72, ge=0, le=2160)


DEFAULT_SECTION = CreditsSection()


def credits_section(city: CityConfig) -> CreditsSection:
    """The city's ``credits`` section (:data:`DEFAULT_SECTION` when it has none)."""
    raw = (city.model_extra or {}).get("credits")
    if raw is None:
        return DEFAULT_SECTION
    try:
        return CreditsSection.model_validate(raw)
    except ValidationError as exc:
        lines = [f"- credits.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise CityConfigError(
            f"{city.city.id}: invalid credits section / 碳普惠配置有误（{len(lines)}处）:\n" + "\n".join(lines)
        ) from exc


def methodology_folder(city: CityConfig) -> Path | None:
    """The city's own methodology folder, or None (the packaged one)."""
    section = credits_section(city)
    return city.beside(section.methodology_dir) if section.methodology_dir else None
