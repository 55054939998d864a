"""What counts as a raw code in the words people read (issue 12, point 2), and the visible text of a page: shared
by the HTTP crawl (tests/web/test_no_raw_codes.py) and the browser tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.domain import Fuel, Sector
from transcarbon.methods.progress import Status
from transcarbon.services.evaluation.alerts.found import KINDS

MILESTONE = ("done", "in_progress", "not_started", "overdue")
COMMON_WORDS = {"port", "rail", "taxi", "other", "ships"}
"""Codes that are also ordinary English words: free text written in English (a milestone's evidence) may use
them; they are caught as codes where they would appear, in the Chinese cells of tables, by the snake_case rule."""


def code_tokens() -> set[str]:
    city = load_city()
    codes = {s.value for s in Sector} | {f.value for f in Fuel} | {s.value for s in Status} | set(MILESTONE)
    codes |= set(KINDS) | {i.id for i in city.indicators} | set(load_report_types().ids)
    return codes - COMMON_WORDS


class VisibleText(HTMLParser):
    """The text a reader sees, and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[str] = []  # open elements whose text is not read
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.append(tag)  # the same tag nested inside a hidden one
        elif not self.hidden and (
            tag in ("script", "style") or a.get("lang") == "en" or (tag == "details" and "open" not in a)
        ):
            self.hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def code_pattern() -> re.Pattern[str]:
    """Any code of :func:`code_tokens` standing as a word of its own."""
    alternatives = "|".join(sorted(map(re.escape, code_tokens()), key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])({alternatives})(?![\w-])")


def raw_codes(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Each code found in ``text``, with a little of the text around it."""
    return [text[max(0, m.start() - 40) : m.end() + 20] for m in pattern.finditer(text)]
