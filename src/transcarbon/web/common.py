"""What every page shares: templates, language, who is signed in, which pages a role may open, tables
with CSV export, charts (Plotly figure dicts rendered by the locally served plotly.js) and sparklines.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from transcarbon.api.deps import SESSION_COOKIE, AppState, get_session, get_state
from transcarbon.i18n import Lang, catalog, t
from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import format_number, format_percent, format_time
from transcarbon.services import audit, users
from transcarbon.services.database import transaction
from transcarbon.services.users import Principal
from transcarbon.web.static import asset_version

HERE = Path(__file__).parent

YearQuery = Annotated[int | None, Query(ge=1900, le=2100, description="a calendar year")]
"""A year asked for in a page's query (bounded: a larger number is a 422 page, never an overflow)."""
PageNo = Annotated[int, Query(alias="page", ge=1, le=1_000_000, description="the page of a long list, from 1")]
PerPage = Annotated[int, Query(ge=10, le=500, description="rows per page")]
SearchQuery = Annotated[str | None, Query(max_length=60, description="words to look for")]
LANG_COOKIE = "tc_lang"

#: Pages of the navigation, in order: (route name, catalog key, roles that may open it).
ANALYSTS = frozenset({"admin", "analyst", "department", "auditor"})
PAGES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("cockpit", "web.nav.cockpit", frozenset({*ANALYSTS, "reporter", "public"})),
    ("emissions", "web.nav.emissions", ANALYSTS),
    ("road", "web.nav.road", ANALYSTS),
    ("ships", "web.nav.ships", ANALYSTS),
    ("submissions", "web.nav.submissions", frozenset({"admin", "analyst", "department", "reporter", "auditor"})),
    ("my_figures", "web.nav.my_figures", frozenset({"reporter"})),
    ("registers", "web.nav.registers", frozenset({"admin", "analyst", "department", "reporter", "auditor"})),
    ("milestones", "web.nav.milestones", frozenset({"admin", "analyst", "department", "reporter", "auditor"})),
    ("warnings_inbox", "web.nav.warnings", ANALYSTS),
    ("scorecards", "web.nav.scorecards", ANALYSTS),
    ("reports", "web.nav.reports", ANALYSTS),
    ("scenarios", "web.nav.scenarios", ANALYSTS),
    ("audit_log", "web.nav.audit", frozenset({"admin", "auditor"})),
    ("user_admin", "web.nav.users", frozenset({"admin"})),
    ("credits_admin", "credits.web.nav", frozenset({"admin", "analyst", "auditor"})),
)
ACCESS: dict[str, frozenset[str]] = {name: roles for name, _, roles in PAGES}
ACCESS["indicator"] = ACCESS["cockpit"]
ACCESS["lineage"] = ANALYSTS
ACCESS["ships_supervision"] = ANALYSTS
ACCESS["register"] = ACCESS["register_asset"] = ACCESS["coverage"] = ACCESS["registers"]


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["pct"] = format_percent
    env.filters["time"] = format_time
    env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False, default=str)
    return env


@dataclass
class Table:
    """A table shown on a page and exportable as CSV (``?csv=<name>``)."""

    name: str
    columns: list[tuple[str, str]]  # (key, header)
    rows: list[dict[str, Any]]
    numeric: frozenset[str] = frozenset()
    links: dict[str, str] = field(default_factory=dict)  # column key → row key holding a URL
    sorts: dict[str, str] = field(default_factory=dict)  # column key → the sort key its header link sets
    caption: str = ""
    digits: dict[str, int] = field(default_factory=dict)  # numeric column key → decimals shown (else by magnitude)

    def csv(self) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([_cell(h) for _, h in self.columns])
        for r in self.rows:
            w.writerow(["" if r.get(k) is None else _cell(r.get(k)) for k, _ in self.columns])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: text starting like a formula (``=``, ``+``, ``-``, ``@``,
    tab, CR) gets a leading apostrophe, unless it is a plain number (CWE-1236, CSV injection)."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def csv_response(table: Table, filename: str) -> Response:
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}.csv"},
    )


@dataclass(frozen=True)
class Pager:
    """One page of a long list: which rows it shows ("x–y of N") and the links to the others (the request's
    query kept, ``page`` replaced)."""

    number: int
    per_page: int
    total: int
    url: str
    query: tuple[tuple[str, str], ...]

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.per_page, self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def link(self, number: int) -> str:
        q = [(k, v) for k, v in self.query if k not in ("page", "csv")]
        return f"{self.url}?{urlencode([*q, ('page', str(number))])}"


class PageContext:
    """One request's page context: language, session, signed-in user, city and the render helper."""

    def __init__(self, request: Request, session: Session, state: AppState):
        self.request, self.session, self.state = request, session, state
        asked = request.query_params.get("lang")
        self.lang_set = asked if asked in ("zh", "en") else None
        cookie = request.cookies.get(LANG_COOKIE)
        self.lang: Lang = self.lang_set or (cookie if cookie in ("zh", "en") else "zh")  # type: ignore[assignment]
        token = request.cookies.get(SESSION_COOKIE)
        self.session_token = token
        user = users.user_for_session(session, token) if token else None
        self.user = user
        self.principal: Principal = Principal.of(user) if user is not None else Principal.anonymous()
        self.city = state.city

    # -- helpers for templates
    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def has(self, key: str) -> bool:
        return key in catalog()

    def report_type_name(self, report_type: str) -> str:
        """A report type's name in the reader's language (the id when the city declares no such type)."""
        catalog_ = self.state.ctx.catalog
        if report_type not in catalog_.ids:
            return report_type
        name = catalog_.get(report_type).name
        return self.name(name.zh, name.en)

    def label(self, kind: str, code: object) -> str:
        """The name of a code (status, sector, fuel …) in the reader's language (:func:`.labels.label`)."""
        return label(kind, code, self.lang)

    def path(self, route: str, query: dict[str, object] | None = None, **params: object) -> str:
        url = str(self.request.app.url_path_for(f"web.{route}", **{k: str(v) for k, v in params.items()}))
        if query:
            url += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        return url

    def asset(self, name: str) -> str:
        """A static asset's URL with its content hash: cached as immutable, replaced when the file changes."""
        return self.path("static", name=name, query={"v": asset_version(name)})

    def lang_url(self, lang: str) -> str:
        q = dict(self.request.query_params)
        q["lang"] = lang
        return f"{self.request.url.path}?{urlencode(q)}"

    def csv_url(self, table: str) -> str:
        q = {k: v for k, v in self.request.query_params.items() if k != "lang"}
        q["csv"] = table
        return f"{self.request.url.path}?{urlencode(q)}"

    @property
    def csrf(self) -> str:
        return users.csrf_token(self.session_token) if self.session_token else ""

    def may(self, page: str) -> bool:
        return self.principal.user_id is not None and self.principal.role in ACCESS[page]

    def nav(self) -> list[tuple[str, str, bool]]:
        current = getattr(self.request.scope.get("route"), "name", "")
        return [(self.path(name), self.t(key), f"web.{name}" == current) for name, key, _ in PAGES if self.may(name)]

    def name(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def join(self, items: Sequence[object], sep: str = "、") -> str:
        """Items in a sentence: ``、`` (or ``sep``, e.g. ``；``) in Chinese, ``, `` (``; ``) in English."""
        return (sep if self.lang == "zh" else {"、": ", ", "；": "; "}.get(sep, sep)).join(str(i) for i in items)

    @property
    def colon(self) -> str:
        """The colon after a label: full-width in Chinese, ``": "`` in English."""
        return "：" if self.lang == "zh" else ": "

    def pager(self, number: int, per_page: int, total: int) -> Pager:
        """The pager of a list of ``total`` rows on this page (a page past the end shows the last one)."""
        last = max(1, -(-total // per_page))
        query = tuple((k, v) for k, v in self.request.query_params.multi_items() if k != "lang")
        return Pager(min(number, last), per_page, total, self.request.url.path, query)

    def city_time(self, value: datetime | None) -> str:
        """A stored time (UTC) as the city's local time, to the minute (empty when none)."""
        if value is None:
            return ""
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(ZoneInfo(self.city.city.timezone)).strftime("%Y-%m-%d %H:%M")

    def dept(self, dept_id: str) -> str:
        try:
            d = self.city.department(dept_id)
        except KeyError:
            return dept_id
        return self.name(d.name_zh, d.name_en)

    # -- responses
    def guard(self, page: str) -> Response | None:
        """A redirect to the login page (not signed in) or a 403 page (role may not), else None."""
        if self.principal.user_id is None:
            nxt = self.request.url.path + (f"?{self.request.url.query}" if self.request.url.query else "")
            return RedirectResponse(f"{self.path('login_page')}?{urlencode({'next': nxt})}", status_code=303)
        if self.principal.role not in ACCESS[page]:
            return self.render(
                "error.html",
                {
                    "title": self.t("web.forbidden.title"),
                    "message": self.t("web.forbidden.text", role=self.principal.role),
                },
                status=403,
            )
        return None

    def csrf_ok(self, presented: str | None) -> bool:
        return bool(self.session_token) and users.csrf_ok(self.session_token or "", presented)

    def _audit_export(self, table: Table) -> None:
        """A CSV export is a security-relevant read: log it in the audit chain (own transaction)."""
        self.session.rollback()  # end the page's read before writing
        with transaction(self.state.factory) as session:
            audit.append(
                session,
                actor=self.principal.username,
                action="export.csv",
                object_type="page",
                object_id=self.request.url.path[:200],
                details={
                    "table": table.name,
                    "rows": len(table.rows),
                    "query": str(self.request.url.query)[:500],
                    "via": "web",
                },
            )

    def render(
        self, template: str, context: dict[str, Any], *, status: int = 200, tables: Sequence[Table] = ()
    ) -> Response:
        wanted = self.request.query_params.get("csv")
        if wanted:
            for tb in tables:
                if tb.name == wanted:
                    self._audit_export(tb)
                    return csv_response(tb, f"{tb.name}")
        charts = any(isinstance(v, Markup) and "js-plot" in v for v in context.values())
        html = (
            environment()
            .get_template(template)
            .render(
                page=self,
                t=self.t,
                lang=self.lang,
                user=self.principal,
                tables={tb.name: tb for tb in tables},
                uses_charts=charts,
                **context,
            )
        )
        response = HTMLResponse(html, status_code=status)
        if self.lang_set:
            response.set_cookie(LANG_COOKIE, self.lang_set, max_age=365 * 86400, samesite="lax", path="/")
        response.headers["Cache-Control"] = "no-store"
        return response


def page_context(
    request: Request, session: Annotated[Session, Depends(get_session)], state: Annotated[AppState, Depends(get_state)]
) -> PageContext:
    return PageContext(request, session, state)


Page = Annotated[PageContext, Depends(page_context)]


# --------------------------------------------------------------------------- charts


PALETTE = ["#1f6f8b", "#e07b39", "#3c8d2f", "#b5323a", "#7a5195", "#8c6d1f", "#2f7ebc", "#c0508a", "#4d4d4d", "#17a398"]
FONT = "system-ui, 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"


def figure(data: list[dict[str, Any]], layout: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Plotly figure dict with the platform's layout defaults (no outside fonts, no logo)."""
    base: dict[str, Any] = {
        "font": {"family": FONT, "size": 13, "color": "#1d1d1d"},
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": PALETTE,
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2},
    }
    base.update(layout or {})
    return {"data": data, "layout": base}


def plot(fig: dict[str, Any], label: str, height: int = 340, notes: Sequence[str] = ()) -> Markup:
    """The HTML of one chart: a labelled figure element whose JSON app.js hands to Plotly; ``notes`` (its scope,
    unit, what a click opens) are lines of the caption under the title."""
    payload = json.dumps(fig, ensure_ascii=False, default=str).replace("</", "<\\/")
    from markupsafe import escape

    lines = "".join(f'<span class="chart-note">{escape(n)}</span>' for n in notes)
    return Markup(
        f'<figure class="chart" role="img" aria-label="{escape(label)}">'
        f'<div class="js-plot" style="min-height:{height}px" data-height="{height}"></div>'
        f'<script type="application/json" class="js-fig">{payload}</script>'
        f"<figcaption>{escape(label)}{lines}</figcaption></figure>"
    )


def sparkline(values: Sequence[float | None], colour: str = "#1f6f8b", width: int = 120, height: int = 32) -> Markup:
    """A tiny inline SVG line (no script) of a series; gaps where values are missing."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if len(pts) < 2:
        return Markup(f'<svg class="spark" width="{width}" height="{height}" aria-hidden="true"></svg>')
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)
    coords = " ".join(
        f"{2 + i * (width - 4) / n:.1f},{height - 3 - (v - lo) / span * (height - 6):.1f}" for i, v in pts
    )
    last_x, last_y = coords.split(" ")[-1].split(",")
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true"><polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="{colour}"/></svg>'
    )
