"""The sort links of a long list (a column's header sorts by it; a second click reverses), the fallback of an
unknown sort key, and the paging and sorting of a list held in memory (the warnings of a year). Lists read from
the database are paged and sorted in SQL (``services.listing``); the pager ("第 x–y 条，共 N 条") is
``common.Pager``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query

from transcarbon.web.common import PageContext, Pager

SortQuery = Annotated[str, Query(max_length=30, description="a column to sort by, '-' first for descending")]
PER_PAGE = 50


@dataclass(frozen=True)
class Sorting:
    """The order a list is shown in (``value``: a key of ``keys``, ``-`` first for descending) and the links that
    change it (the request's query kept, ``page`` dropped: a new order starts on page 1)."""

    value: str
    keys: tuple[str, ...]
    url: str
    query: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        return self.value.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")

    def link(self, key: str) -> str:
        """Sort by ``key``: ascending, or descending when the list is already ascending by it."""
        wanted = f"-{key}" if key == self.key and not self.descending else key
        q = [(k, v) for k, v in self.query if k not in ("sort", "page", "csv")]
        return f"{self.url}?{urlencode([*q, ('sort', wanted)])}"

    def aria(self, key: str) -> str:
        """The header's ``aria-sort``."""
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def mark(self, key: str) -> str:
        return "" if key != self.key else (" ▼" if self.descending else " ▲")


def sorting(page: PageContext, sort: str | None, keys: Sequence[str], default: str) -> Sorting:
    """The list's order from the ``sort`` parameter; an unknown key falls back to ``default``."""
    value = sort if sort and sort.lstrip("-") in keys else default
    query = tuple((k, v) for k, v in page.request.query_params.multi_items() if k != "lang")
    return Sorting(value, tuple(keys), page.request.url.path, query)


def sorted_rows(
    rows: Sequence[dict[str, Any]], order: Sorting, keys: Mapping[str, Callable[[dict[str, Any]], Any]]
) -> list[dict[str, Any]]:
    """``rows`` in ``order`` (a stable sort: rows that tie keep their order; missing values last)."""
    get = keys[order.key]
    present = [r for r in rows if get(r) is not None]
    missing = [r for r in rows if get(r) is None]
    return sorted(present, key=get, reverse=order.descending) + missing


def page_rows(rows: Sequence[dict[str, Any]], pager: Pager) -> list[dict[str, Any]]:
    """The rows of one page of an in-memory list."""
    return list(rows[pager.offset : pager.offset + pager.per_page])
