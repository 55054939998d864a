"""Green-trip credits (碳普惠): the citizens' page (``/public/credits``: reductions, participants, by mode and
month, the methodology in plain words; no sign-in) and the admin page (``/admin/credits``: methodology versions
with their hashes, the rules and their limits per mode, partners and keys, the review queue with decisions, the
ledger's verification). Writes go through ``services.credits`` and are audited there."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from transcarbon.api.deps import DbId
from transcarbon.services.credits import ledger, partners, review, views
from transcarbon.services.credits.common import CreditsError, context
from transcarbon.services.database import transaction
from transcarbon.web.common import Page, Table, figure, plot

router = APIRouter()


def label(page: Page, group: str, code: str | None) -> str:
    """The catalog name of a credits code (mode, status, rule …), or the code when the city added one unnamed."""
    key = f"credits.{group}.{code}"
    return page.t(key) if code and page.has(key) else (code or "—")


@router.get("/public/credits", name="web.credits_public")
def public_page(page: Page) -> Response:
    ctx = context(page.city)
    summary = views.public_summary(page.session, ctx)
    card = summary["methodology"]
    by_mode = Table(
        "credits_by_mode",
        [
            ("mode", page.t("credits.web.col.mode")),
            ("reduction_t", page.t("credits.web.col.reduction_t")),
            ("trips", page.t("credits.web.col.trips")),
            ("participants", page.t("credits.web.col.participants")),
        ],
        [
            {
                "mode": label(page, "mode", g["key"]),
                "reduction_t": g["reduction_kg"] / 1000,
                "trips": g["trips"],
                "participants": g["participants"],
            }
            for g in summary["by_mode"]
        ],
        numeric=frozenset({"reduction_t", "trips", "participants"}),
    )
    factors = Table(
        "credits_factors",
        [
            ("mode", page.t("credits.web.col.mode")),
            ("ef", page.t("credits.web.col.ef")),
            ("per_km", page.t("credits.web.col.per_km")),
            ("speed", page.t("credits.web.col.max_speed")),
            ("cap", page.t("credits.web.col.daily_cap")),
            ("status", page.t("credits.web.col.factor_status")),
        ],
        [
            {
                "mode": label(page, "mode", m["mode"]),
                "ef": m["ef_kgco2_per_pkm"],
                "per_km": m["reduction_kg_per_km"],
                "speed": m["max_speed_kmh"],
                "cap": m["daily_km_cap"],
                "status": label(page, "factor_status", m["status"]),
            }
            for m in card["modes"]
        ],
        numeric=frozenset({"ef", "per_km", "speed", "cap"}),
    )
    months = summary["by_month"]
    chart = (
        plot(
            figure(
                [
                    {
                        "type": "bar",
                        "name": page.t("credits.web.col.reduction_t"),
                        "x": [g["key"] for g in months],
                        "y": [g["reduction_kg"] / 1000 for g in months],
                        "marker": {"color": "#3c8d2f"},
                    }
                ],
                {"yaxis": {"title": {"text": "t CO2"}, "rangemode": "tozero"}},
            ),
            page.t("credits.web.by_month"),
            260,
        )
        if months
        else None
    )
    return page.render(
        "credits_public.html",
        {
            "summary": summary,
            "card": card,
            "baseline_name": label(page, "baseline", card["baseline"]),
            "title_text": page.name(card["title_zh"], card["title_en"]),
            "month_chart": chart,
        },
        tables=[by_mode, factors],
    )


def _admin(page: Page, extra: dict[str, Any] | None = None, *, verify: bool = False) -> Response:
    ctx = context(page.city)
    data = views.admin_overview(page.session, ctx)
    modes = ctx.method.modes
    rules = Table(
        "credits_rules",
        [
            ("mode", page.t("credits.web.col.mode")),
            ("speed", page.t("credits.web.col.max_speed")),
            ("cap", page.t("credits.web.col.daily_cap")),
            ("review", page.t("credits.web.col.review_km")),
            ("navigation", page.t("credits.web.col.navigation")),
            ("fare", page.t("credits.web.col.fare_match")),
        ],
        [
            {
                "mode": label(page, "mode", m),
                "speed": modes[m].max_speed_kmh,
                "cap": modes[m].daily_km_cap,
                "review": modes[m].review_km,
                "navigation": page.t("web.yes") if modes[m].needs_navigation else "",
                "fare": page.t("web.yes") if modes[m].needs_fare_match else "",
            }
            for m in ctx.method.credited_modes
        ],
        numeric=frozenset({"speed", "cap", "review"}),
    )
    queue = [
        {
            **q,
            "mode_name": label(page, "mode", q["mode"]),
            "status_name": label(page, "status", q["status"]),
            "why_name": label(page, "reason", q["why"]),
        }
        for q in data["queue"]
    ]
    found = ledger.verify(page.session) if verify else None
    return page.render(
        "credits_admin.html",
        {
            "data": data,
            "queue": queue,
            "partner_rows": [{**p, "kind_name": label(page, "partner_kind", p["kind"])} for p in data["partners"]],
            "kinds": [(k, label(page, "partner_kind", k)) for k in partners.KINDS],
            "counts": {label(page, "status", s): n for s, n in data["counts"].items()},
            "rule_names": [(r, label(page, "rule", r)) for r in data["rules"]],
            "baseline_name": label(page, "baseline", data["current"]["baseline"]),
            "verify": found,
            "problems": [(p.id, page.t(p.reason)) for p in found.problems] if found else [],
            "can_review": page.principal.may("credits.review"),
            "can_manage": page.principal.may("credits.manage"),
            **(extra or {}),
        },
        tables=[rules],
    )


@router.get("/admin/credits", name="web.credits_admin")
def admin_page(page: Page, verify: int = 0, error: str | None = None) -> Response:
    if (denied := page.guard("credits_admin")) is not None:
        return denied
    return _admin(page, {"error": error}, verify=verify == 1)


def _refused(page: Page) -> Response:
    return page.render(
        "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
    )


def _forbidden(page: Page) -> Response:
    return page.render(
        "error.html",
        {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
        status=403,
    )


@router.post("/admin/credits/partners", name="web.credits_partner_add")
def partner_add(
    page: Page,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    kind: Annotated[str, Form(max_length=20)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if (denied := page.guard("credits_admin")) is not None:
        return denied
    if not page.principal.may("credits.manage"):
        return _forbidden(page)
    if not page.csrf_ok(csrf):
        return _refused(page)
    try:
        with transaction(page.state.factory) as session:
            made = partners.add_partner(session, name, kind, actor=page.principal.username)
    except CreditsError as exc:
        return RedirectResponse(
            page.path("credits_admin", query={"error": page.t(exc.key, **exc.values)}), status_code=303
        )
    page.session.rollback()  # see the new partner
    return _admin(page, {"new_partner": made})


@router.post("/admin/credits/trips/{trip_id}", name="web.credits_decide")
def decide(
    page: Page,
    trip_id: DbId,
    decision: Annotated[str, Form(max_length=10)],
    note: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if (denied := page.guard("credits_admin")) is not None:
        return denied
    if not page.principal.may("credits.review"):
        return _forbidden(page)
    if not page.csrf_ok(csrf):
        return _refused(page)
    query: dict[str, object] = {}
    try:
        with transaction(page.state.factory) as session:
            review.decide(session, trip_id, decision, actor=page.principal.username, note=note)
    except CreditsError as exc:
        query["error"] = page.t(exc.key, **exc.values)
    return RedirectResponse(page.path("credits_admin", query=query), status_code=303)
