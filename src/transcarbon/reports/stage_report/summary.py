"""The report's executive summary, written from the data (:func:`summary_paragraphs`): the year's CO2 and its
change, what is on track and what is off, why the CO2 changed (the LMDI effects, largest first) and which
measures of the plan bear on the indicators that are off track, by section of the plan."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import format_number
from transcarbon.reports.stage_report.text import zh

ON_TRACK_STATUSES = ("achieved", "on_track", "done")


def _wan_t(value_t: float) -> str:
    """Tonnes as 万吨 with one decimal and its sign."""
    return f"{value_t / 10000:+,.1f}"


def summary_paragraphs(data: dict[str, Any]) -> list[str]:
    """The executive summary as paragraphs of Chinese text (no codes: every code is named)."""
    out: list[str] = []
    year, total, base = data["year"], data["total"], data["base"]
    inds = data["indicators"]
    if total:
        change = (total["co2_t"] / base["co2_t"] - 1) * 100 if base and base["co2_t"] else None
        out.append(
            zh(
                "report.sum_co2",
                year=year,
                co2=format_number(total["co2_t"] / 10000, 1),
                base=base["year"] if base else "—",
                change="—" if change is None else f"{change:+.1f}",
            )
        )
    good = [r for r in inds if r["status"] in ON_TRACK_STATUSES]
    out.append(
        zh(
            "report.sum_lights",
            n=len(inds),
            green=data["lights"]["green"],
            yellow=data["lights"]["yellow"],
            red=data["lights"]["red"],
            grey=data["lights"]["grey"],
            good=len(good),
            off=len(data["off_track"]),
        )
    )
    lm = data.get("lmdi")
    if lm:
        up = [(e, v) for e, v in lm["effects"] if v > 0]
        down = [(e, v) for e, v in lm["effects"] if v < 0]
        out.append(
            zh(
                "report.sum_lmdi",
                year_from=lm["year_from"],
                year_to=lm["year_to"],
                delta=_wan_t(lm["delta_t"]),
                effects="，".join(f"{zh('web.lmdi.' + e)} {_wan_t(v)} 万吨" for e, v in lm["effects"]),
                up=zh("web.lmdi." + up[0][0]) if up else "—",
                down=zh("web.lmdi." + down[0][0]) if down else "—",
            )
        )
    if data["off_track"]:
        names = "；".join(
            f"{r['name_zh']}（{label('status', r['status'])}，{'、'.join(r['departments'][:3]) or '—'}）"
            for r in data["off_track"]
        )
        out.append(zh("report.sum_off", n=len(data["off_track"]), names=names))
        ordered = sorted(data["off_track"], key=lambda r: _section_no(r["section"]))
        sections = [
            zh("report.sum_section", section=plan_section(sec), title=rows[0]["section_title"], n=len(rows))
            for sec, group in groupby(ordered, key=lambda r: r["section"])
            if (rows := list(group))
        ]
        out.append(zh("report.sum_measures", sections="；".join(sections)))
    else:
        out.append(zh("report.sum_none_off"))
    return out


def plan_section(section: str) -> str:
    """A section of the plan as Chinese text writes it: ``(四)`` → ``（四）``."""
    return section.replace("(", "（").replace(")", "）")


_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _section_no(section: str) -> int:
    """``(十四)`` → 14: the plan's sections in their order."""
    text = section.strip("()（）")
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0) if len(text) > 1 else 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return 10 * _NUMERALS[tens] + _NUMERALS.get(ones, 0)
    return _NUMERALS.get(text, 0)
