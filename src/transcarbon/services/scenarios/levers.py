"""Levers (the UK 2050 Calculator convention): each of the plan's measures has levels 1–4 — 1 little or no change
(the measure frozen at its last observed level), 2 ambitious and reasonable, 3 very ambitious, 4 at the physical or
technical limit — and each level maps to time paths of the scenario's inputs, declared as data in a levers file::

    levers:
      - id: private_car_electrification
        name: {zh: 私人乘用车电动化, en: Private-car electrification}
        section: "(四)"
        sets:
          - target: fleet.classes[private_car].sales_shares.bev
            levels: {1: hold, 2: {2030: 0.55, 2035: 0.70}, 3: {...}, 4: {...}}

A scenario chooses a level per lever (``levers: {private_car_electrification: 2}``). Applying a level replaces the
target's values after the scenario's last observed year by the level's path (``hold``: the value of the last
observed year, held); the observed years stay. A target is a key path of the scenario (class and mode ids in
brackets); a level may also be a plain number for a number-valued target (e.g. an efficiency gain).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transcarbon.services.scenarios.spec import Names, SpecError

LEVELS = (1, 2, 3, 4)
_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\[([a-z0-9_]+)\])?")


class LeverSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    target: str
    levels: dict[int, Literal["hold"] | float | dict[int, float]]


class Lever(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    name: Names
    section: str = ""
    measure: Names | None = None
    sets: list[LeverSet] = Field(min_length=1)


class Levers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    levers: list[Lever]

    def get(self, lever_id: str) -> Lever:
        for lv in self.levers:
            if lv.id == lever_id:
                return lv
        raise KeyError(lever_id)


def load_levers(path: Path) -> Levers:
    """The levers of a file; :class:`SpecError` naming the file and key when it is malformed."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        levers = Levers.model_validate(raw)
    except OSError as exc:
        raise SpecError(path.name, [("levers_file", "scn.spec.levers_unreadable", {"detail": str(exc)})]) from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise SpecError(path.name, [("levers", "scn.spec.invalid", {"detail": str(exc)[:300]})]) from exc
    for lv in levers.levers:
        for s in lv.sets:
            missing = [lvl for lvl in LEVELS if lvl not in s.levels]
            if missing:
                raise SpecError(
                    path.name, [(f"levers[{lv.id}].levels", "scn.spec.levels_missing", {"levels": missing})]
                )
    return levers


def _resolve(raw: dict[str, Any], target: str) -> tuple[dict[str, Any], str]:
    """The mapping holding the last key of ``target`` in ``raw``, and that key (KeyError when absent)."""
    steps = target.split(".")
    node: Any = raw
    for i, step in enumerate(steps):
        m = _STEP.fullmatch(step)
        if m is None:
            raise KeyError(target)
        name, ident = m.groups()
        last = i == len(steps) - 1
        if ident is not None:
            items = node.get(name) if isinstance(node, dict) else None
            if not isinstance(items, list):
                raise KeyError(target)
            found = next((x for x in items if isinstance(x, dict) and x.get("id") == ident), None)
            if found is None:
                raise KeyError(target)
            node = found
            if last:
                raise KeyError(target)
            continue
        if last:
            if not isinstance(node, dict):
                raise KeyError(target)
            return node, name
        if not isinstance(node, dict):
            raise KeyError(target)
        node = node.setdefault(name, {})
    raise KeyError(target)


def _value_at(current: Any, year: int) -> float:
    """A path's (or number's) value at ``year``: linear between its years, held outside."""
    if isinstance(current, int | float):
        return float(current)
    ys = sorted(int(y) for y in current)
    return float(np.interp(year, ys, [float(current[y] if y in current else current[str(y)]) for y in ys]))


def apply_levers(raw: dict[str, Any], levers: Levers, choices: dict[str, int], last_observed: int) -> dict[str, Any]:
    """A copy of the scenario's raw mapping with each chosen lever's level applied (module docstring)."""
    out = copy.deepcopy(raw)
    problems: list[tuple[str, str, dict[str, object]]] = []
    for lever_id, level in choices.items():
        try:
            lever = levers.get(lever_id)
        except KeyError:
            known = ", ".join(lv.id for lv in levers.levers)
            problems.append((f"levers.{lever_id}", "scn.spec.unknown_lever", {"value": lever_id, "known": known}))
            continue
        for s in lever.sets:
            try:
                holder, key = _resolve(out, s.target)
            except KeyError:
                problems.append((f"levers.{lever_id}", "scn.spec.lever_target", {"target": s.target}))
                continue
            chosen = s.levels[level]
            current = holder.get(key)
            if isinstance(chosen, dict):
                kept = {int(y): v for y, v in (current or {}).items()} if isinstance(current, dict) else {}
                if isinstance(current, int | float):
                    kept = {last_observed: float(current)}
                holder[key] = {
                    **{y: v for y, v in kept.items() if y <= last_observed},
                    **{int(y): float(v) for y, v in chosen.items() if int(y) > last_observed},
                }
            elif chosen == "hold":
                if current is None:
                    problems.append((f"levers.{lever_id}", "scn.spec.lever_hold", {"target": s.target}))
                    continue
                if isinstance(current, dict):
                    kept = {int(y): v for y, v in current.items() if int(y) <= last_observed}
                    holder[key] = {**kept, last_observed: _value_at(current, last_observed)}
            else:
                holder[key] = float(chosen)
    if problems:
        raise SpecError("levers", problems)
    return out
