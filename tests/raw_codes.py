"""What counts as a raw code in the words people read (issue 12, point 2), and the visible text of a page: shared
by the HTTP crawl (tests/web/test_no_raw_codes.py) and the browser tests."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

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
    """The text a reader sees, and the page's links. Text marked as written in ``other`` (``lang="en"`` on a
    Chinese page, ``lang="zh-CN"`` on an English one: a citation, the name of the other language) is not read."""

    def __init__(self, other: tuple[str, ...] = ("en",)) -> None:
        super().__init__()
        self.other = other
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
            tag in ("script", "style") or a.get("lang") in self.other or (tag == "details" and "open" not in a)
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


PER_KIND = 4
"""Pages of one kind (``/indicators/…``, ``/lineage/…``) read per role: they share a template."""
SKIP = ("/logout", "/api/", "/static/")
"""Not followed: signing out, the API and files."""


def crawl(client: Any, start: str, other: tuple[str, ...] = ("en",)) -> dict[str, str]:
    """Visible text of every page reached from ``start`` by a test client (GET links on the site; ``PER_KIND``
    of each kind), text marked as in the ``other`` language left out."""
    seen, queue, kinds, out = {start}, [start], Counter[str](), {}
    while queue:
        url = queue.pop(0)
        path = urlparse(url).path
        kind = "/".join(path.split("/")[:2]) + ("/*" if path.count("/") > 1 else "")
        kinds[kind] += 1
        if kinds[kind] > PER_KIND:
            continue
        r = client.get(url)
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        parser = VisibleText(other)
        parser.feed(r.text)
        out[url] = parser.text
        for href in parser.links:
            link = urlparse(urljoin(url, href))
            if link.netloc not in ("", "127.0.0.1") or link.path.startswith(SKIP):
                continue
            if re.search(r"(^|&)(csv|lang)=", link.query) or re.search(r"\.\w{2,4}$", link.path):
                continue
            nxt = link.path + (f"?{link.query}" if link.query else "")
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return out
