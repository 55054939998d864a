"""Evaluation pages for the bureaus: the warnings inbox (filtered by severity and department) and the
department scorecards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response

from transcarbon.api.deps import DbId
from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import format_number, format_time
from transcarbon.services import figures, warning_handling
from transcarbon.services.database import transaction
from transcarbon.services.evaluation import LIGHTS, SEVERITY_ORDER, department_scorecards
from transcarbon.web.analysis import ACTOR, evaluation_of, shown_year
from transcarbon.web.common import Page, PageNo, SearchQuery, Table, YearQuery, figure, plot
from transcarbon.web.listing import PER_PAGE, SortQuery, page_rows, sorted_rows, sorting

router = APIRouter()

WARNING_SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "severity": lambda r: r["severity_rank"],
    "kind": lambda r: r["kind"],
    "indicator": lambda r: r["indicator"] or None,
    "departments": lambda r: r["departments"] or None,
    "first_seen": lambda r: r["first_seen"] or None,
    "handling": lambda r: r["handling"],
    "assignee": lambda r: r["assignee"] or None,
}
"""The columns the inbox may be sorted by (the evaluation's order, most severe first, by default)."""


@router.get("/warnings", name="web.warnings_inbox")
def warnings_page(
    page: Page,
    year: YearQuery = None,
    severity: str | None = None,
    department: str | None = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
    error: Annotated[str | None, Query(max_length=300)] = None,
    search: SearchQuery = None,
    sort: SortQuery = "severity",
    number: PageNo = 1,
) -> Response:
    """The year's warnings, filtered, searched (message, indicator, category, departments, assignee), sorted by
    a column and paged (the CSV holds every row that matches)."""
    if (denied := page.guard("warnings_inbox")) is not None:
        return denied
    y = shown_year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.warnings")})
    warns = evaluation_of(page, y)["warnings"]  # most severe first
    severity = severity or None
    department = department or None
    if page.principal.role == "department" and page.principal.department_id and department is None:
        department = page.principal.department_id
    shown = [
        w
        for w in warns
        if (severity is None or w.get("severity") == severity)
        and (department is None or department in (w.get("departments") or []))
    ]
    known = {i.id: page.name(i.name_zh, i.name_en) for i in page.city.indicators}
    handling = warning_handling.handling_of(page.session, [int(w["id"]) for w in shown])
    rows = []
    for w in shown:
        h = handling.get(int(w["id"]), {"handling": "new", "assignee": None, "notes": []})
        sev_key = f"web.severity.{w.get('severity')}"
        rows.append(
            {
                "severity": page.t(sev_key) if page.has(sev_key) else w.get("severity"),
                "severity_id": w.get("severity"),
                "kind": label("warning_kind", w.get("kind"), page.lang),
                "indicator": known.get(str(w.get("indicator")), ""),
                "url": page.path("indicator", indicator_id=w["indicator"], query={"year": y})
                if w.get("indicator") in known
                else None,
                "message": w.get("message_zh") if page.lang == "zh" else w.get("message_en"),
                "departments": page.join([page.dept(d) for d in (w.get("departments") or [])]),
                "first_seen": format_time(w["first_seen_at"], date_only=True),
                "severity_rank": SEVERITY_ORDER.get(str(w.get("severity")), len(SEVERITY_ORDER)),
                "id": w["id"],
                "handling": page.t(f"web.warning.handling.{h['handling']}"),
                "handling_id": h["handling"],
                "assignee": h["assignee"] or "",
                "notes": [
                    {
                        "text": page.t(f"web.warning.action.{n['action']}"),
                        "actor": n["actor"],
                        "assignee": n["assignee"] or "",
                        "comment": n["comment"] or "",
                        "at": page.city_time(n["at"]),
                    }
                    for n in h["notes"]
                ],
            }
        )
    words = (search or "").strip().casefold()
    if words:
        found = ("message", "indicator", "kind", "departments", "assignee", "handling")
        rows = [r for r in rows if any(words in str(r[k] or "").casefold() for k in found)]
    order = sorting(page, sort, tuple(WARNING_SORTS), "severity")
    rows = sorted_rows(rows, order, WARNING_SORTS)
    table = Table(
        "warnings",
        [
            ("severity", page.t("web.col.severity")),
            ("kind", page.t("web.col.kind")),
            ("indicator", page.t("web.col.indicator")),
            ("message", page.t("web.col.message")),
            ("departments", page.t("web.col.departments")),
            ("first_seen", page.t("web.col.first_seen")),
            ("handling", page.t("web.col.handling")),
            ("assignee", page.t("web.col.assignee")),
        ],
        rows,
        sorts={k: k for k in WARNING_SORTS},
    )
    pager = page.pager(number, PER_PAGE, len(rows))
    counts: dict[str, int] = {}
    for w in warns:
        counts[str(w.get("severity"))] = counts.get(str(w.get("severity")), 0) + 1
    ctx = {
        "year": y,
        "years": figures.years(page.session),
        "counts": counts,
        "severity": severity,
        "severities": list(SEVERITY_ORDER),
        "department": department,
        "departments": page.city.departments,
        "may_act": page.principal.role in ("admin", "analyst", "department"),
        "assignees": [(u.username, u.display_name) for u in warning_handling.assignees(page.session)],
        "actions": list(warning_handling.ACTIONS),
        "done": done,
        "error": error,
        "search": search or "",
        "sorting": order,
        "paging": pager,
        "rows": page_rows(rows, pager),
    }
    return page.render("warnings.html", ctx, tables=[table])


@router.post("/warnings/{warning_id}/act", name="web.warning_act")
def warning_act(
    page: Page,
    warning_id: DbId,
    action: Annotated[str, Form(max_length=20)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    assignee: Annotated[str, Form(max_length=80)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
) -> Response:
    """Acknowledge, assign, comment on, close or reopen a warning (audited), then back to the inbox."""
    if (denied := page.guard("warnings_inbox")) is not None:
        return denied
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    query: dict[str, object] = {"year": year}
    try:
        with transaction(page.state.factory) as session:
            warning_handling.act(
                session, page.principal, warning_id, action, assignee=assignee or None, comment=comment
            )
        query["done"] = action
    except warning_handling.HandlingRefused as exc:
        query["error"] = page.t(exc.key, **exc.values)
    return RedirectResponse(page.path("warnings_inbox", query=query) + f"#w{warning_id}", status_code=303)


@router.get("/scorecards", name="web.scorecards")
def scorecards_page(page: Page, year: YearQuery = None) -> Response:
    if (denied := page.guard("scorecards")) is not None:
        return denied
    y = shown_year(page, year)
    if y is None:
        return page.render("empty.html", {"title": page.t("web.nav.scorecards")})
    cards = department_scorecards(page.session, page.city, y, actor=ACTOR, factory=page.state.factory)
    rows = [
        {
            "department": page.name(c["name_zh"], c["name_en"]),
            "indicators": c["indicators"],
            **{light: c[light] for light in LIGHTS},
            **{k: _percent(c[k]) for k in SHARES},
            "score": c["score"],
            "grade": page.name(c["grade_zh"] or "—", c["grade_en"] or "—"),
            "veto": _veto_text(page, c),
            "vetoed": c["vetoed"],
        }
        for c in cards
    ]
    counts = ("indicators", *LIGHTS)
    table = Table(
        "scorecards",
        [
            ("department", page.t("web.col.department")),
            ("indicators", page.t("web.col.indicators")),
            ("green", page.t("web.light.green")),
            ("yellow", page.t("web.light.yellow")),
            ("red", page.t("web.light.red")),
            ("grey", page.t("web.light.grey")),
            *[(k, page.t(f"web.scorecards.{k}")) for k in SHARES],
            ("score", page.t("web.scorecards.score")),
            ("grade", page.t("web.col.grade")),
            ("veto", page.t("web.scorecards.veto")),
        ],
        rows,
        numeric=frozenset({*counts, *SHARES, "score"}),
        digits={**dict.fromkeys(counts, 0), **dict.fromkeys(SHARES, 0), "score": 1},
    )
    scored = [r for r in rows if r["score"] is not None]
    fig = figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r["score"] for r in scored][::-1],
                "y": [r["department"] for r in scored][::-1],
                "marker": {"color": "#1f6f8b"},
                "hovertemplate": "%{y}: %{x:.1f} " + page.t("web.scorecards.points") + "<extra></extra>",
            }
        ],
        {
            "margin": {"l": 10, "r": 20, "t": 20, "b": 10},
            "xaxis": {"range": [0, 100], "automargin": True, "title": {"text": page.t("web.scorecards.points")}},
            "yaxis": {"automargin": True},
        },
    )
    chart = plot(fig, page.t("web.chart.scores", year=y), 80 + 28 * len(scored))
    ctx = {
        "year": y,
        "years": figures.years(page.session),
        "chart": chart,
        "veto_note": _veto_note(page),
        "vetoed": sum(1 for c in cards if c["vetoed"]),
    }
    return page.render("scorecards.html", ctx, tables=[table])


SHARES = ("annual_completion", "cumulative_completion", "measures_share")
"""A scorecard's three parts, shares 0–1 shown as whole percentages."""


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def _veto_text(page: Page, card: dict[str, Any]) -> str:
    """是 with the led indicators red on their path that vetoed the assessment, or 否."""
    if not card["vetoed"]:
        return page.t("web.scorecards.veto_no")
    names = []
    for ind_id in (card.get("details") or {}).get("vetoed_by") or []:
        try:
            ind = page.city.indicator(ind_id)
        except KeyError:
            continue
        names.append(page.name(ind.name_zh, ind.name_en))
    sep = "；" if page.lang == "zh" else "; "
    return page.t("web.scorecards.veto_yes") + (f"（{sep.join(names)}）" if names else "")


def _veto_note(page: Page) -> str:
    """What 一票否决 means in the city's scoring template, with the points of its three parts."""
    s = page.city.scoring
    if not s.annual_target.veto_when_missed:
        return page.t("web.scorecards.veto_none")
    lowest = s.grades[-1]
    return page.t(
        "web.scorecards.veto_note",
        grade=page.name(lowest.name_zh, lowest.name_en),
        annual=format_number(s.annual_target.points, 0),
        cumulative=format_number(s.cumulative_progress.points, 0),
        measures=format_number(s.other_measures.points, 0),
    )
