"""The pages in English (``?lang=en``, remembered in a cookie): every page admin, reporter and the public reach
from their start page, crawled in English, shows no catalog key, no snake_case code and no Chinese in its
headings, table headers, labels, buttons, navigation, captions and folds' titles (the words the platform writes;
names a city or a user gave only in Chinese, plan quotations marked ``lang="zh-CN"``, are data)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from raw_codes import VisibleText, code_tokens, crawl
from transcarbon.i18n import catalog
from web_session import sign_in

ROLES = ("admin", "reporter", "public")
CHROME = ("h1", "h2", "h3", "th", "label", "button", "nav", "caption", "summary", "legend", "figcaption", "title")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")
KEY = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+")


class Chrome(VisibleText):
    """The visible text, and apart the text of the page's own words (:data:`CHROME` elements)."""

    def __init__(self) -> None:
        super().__init__(other=("zh-CN", "zh"))
        self.open: list[str] = []
        self.chrome: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        if tag in CHROME:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if self.open and not self.hidden:
            self.chrome.append(data)


def english(client: TestClient, role: str) -> dict[str, tuple[str, str]]:
    """(visible text, the page's own words) of every page ``role`` reaches, in English."""
    client.cookies.clear()
    if role != "public":
        sign_in(client, role)
    client.get("/public?lang=en")
    pages: dict[str, Any] = {}

    def read(html: str) -> Chrome:
        parser = Chrome()
        parser.feed(html)
        return parser

    texts = crawl(client, "/cockpit" if role != "public" else "/public", other=("zh-CN", "zh"))
    for url in texts:
        parser = read(client.get(url).text)
        pages[url] = (parser.text, " ".join(parser.chrome))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_in_english_show_no_key_no_code_and_no_chinese_words_of_their_own(
    client: TestClient, role: str
) -> None:
    pages = english(client, role)
    assert len(pages) > (2 if role == "public" else 8), sorted(pages)
    keys = set(catalog())
    snake = {c for c in code_tokens() if "_" in c}
    problems = {}
    for url, (text, chrome) in pages.items():
        found = [k for k in KEY.findall(text) if k in keys]
        found += [w for w in re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text) if w in snake]
        found += CJK.findall(chrome)
        if found:
            problems[url] = found[:8]
    assert problems == {}, f"{role}: {len(problems)} of {len(pages)} pages"


def test_the_check_reads_chinese_in_the_pages_own_words_only() -> None:
    parser = Chrome()
    parser.feed('<h1>Warnings 预警</h1><td>连云港港口集团</td><th><span lang="zh-CN">连云港</span> port</th>')
    assert CJK.findall(" ".join(parser.chrome)) == ["预警"]
