"""Evaluation pages for the bureaus: the warnings inbox (filtered by severity and department) and the
department scorecards."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import format_time
from transcarbon.services import figures
from transcarbon.services.evaluation import LIGHTS, SEVERITY_ORDER, department_scorecards
from transcarbon.web.analysis import ACTOR, evaluation_of, shown_year
from transcarbon.web.common import Page, Table, YearQuery, figure, plot

router = APIRouter()


@router.get("/warnings", name="web.warnings_inbox")
def warnings_page(
    page: Page, year: YearQuery = None, severity: str | None = None, department: str | None = None
) -> Response:
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
    rows = []
    for w in shown:
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
                "departments": "、".join(page.dept(d) for d in (w.get("departments") or [])),
                "first_seen": format_time(w["first_seen_at"], date_only=True),
            }
        )
    table = Table(
        "warnings",
        [
            ("severity", page.t("web.col.severity")),
            ("kind", page.t("web.col.kind")),
            ("indicator", page.t("web.col.indicator")),
            ("message", page.t("web.col.message")),
            ("departments", page.t("web.col.departments")),
            ("first_seen", page.t("web.col.first_seen")),
        ],
        rows,
    )
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
    }
    return page.render("warnings.html", ctx, tables=[table])


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
            "score": c["score"],
            "grade": page.name(c["grade_zh"] or "—", c["grade_en"] or "—") + (" ⚑" if c["vetoed"] else ""),
        }
        for c in cards
    ]
    table = Table(
        "scorecards",
        [
            ("department", page.t("web.col.department")),
            ("indicators", page.t("web.col.indicators")),
            ("green", page.t("web.light.green")),
            ("yellow", page.t("web.light.yellow")),
            ("red", page.t("web.light.red")),
            ("grey", page.t("web.light.grey")),
            ("score", page.t("web.col.score")),
            ("grade", page.t("web.col.grade")),
        ],
        rows,
        numeric=frozenset({"indicators", "green", "yellow", "red", "grey", "score"}),
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
                "hovertemplate": "%{y}: %{x:.0f}<extra></extra>",
            }
        ],
        {"margin": {"l": 200, "r": 20, "t": 20, "b": 40}, "xaxis": {"range": [0, 100]}},
    )
    chart = plot(fig, page.t("web.chart.scores", year=y), 40 + 28 * len(scored))
    return page.render(
        "scorecards.html", {"year": y, "years": figures.years(page.session), "chart": chart}, tables=[table]
    )
