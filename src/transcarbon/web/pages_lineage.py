"""The lineage page (可追溯) for a reader who is not a programmer: the figure named in words ("2025年 全市交通
CO2 排放"), a summary first (inputs → factors → formula → result, in Chinese), then the inputs grouped by
organisation and fuel (paged), each input row with its submission and original file (folded, paged), the factors
with their sources and review status, the result's range and grade, and the hashes and parameters under a
technical fold; the inputs also as CSV."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Query
from fastapi.responses import Response

from transcarbon.api.deps import DbId
from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import format_count, format_number, format_time
from transcarbon.services.lineage import LineageNotFound, lineage
from transcarbon.services.organisations import organisation_names
from transcarbon.web.analysis import not_found
from transcarbon.web.common import Page, Table

router = APIRouter()

GROUPS_PER_PAGE = 20
"""Groups (organisation × sector × fuel × unit) on one page of the summary table."""
ROWS_PER_PAGE = 100
"""Input rows on one page of the folded detail table."""

FORMULA_STEPS = ("energy", "scope1", "scope2", "total", "intensity")
"""The formula's steps, in words (``web.lineage12.formula.<step>``)."""

PageNo = Annotated[int, Query(ge=1, le=1_000_000)]


def _forbidden(page: Page) -> Response:
    return page.render(
        "error.html",
        {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
        status=403,
    )


def figure_name(page: Page, res: dict[str, Any], orgs: dict[str, str]) -> str:
    """The figure in words: when (year, month), what (an organisation, a sector or the whole city), CO2."""
    when = (
        page.t("web.lineage12.when_month", year=res["year"], month=res["month"])
        if res["month"]
        else page.t("web.lineage12.when_year", year=res["year"])
    )
    what = page.t("web.lineage12.city")
    if res["sector"]:
        what = label("sector", res["sector"], page.lang)
    if res["org_id"]:
        what = f"{orgs.get(res['org_id'], res['org_id'])} · {what}" if res["sector"] else orgs.get(res["org_id"], "")
    return page.t("web.lineage12.figure", when=when, what=what)


def _input_frame(inputs: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "org_id": [i["record"]["org_id"] for i in inputs],
            "sector": [i["record"]["sector"] for i in inputs],
            "fuel": [i["record"]["fuel"] or "" for i in inputs],
            "unit": [i["record"]["unit"] or "" for i in inputs],
            "amount": [i["record"]["amount"] for i in inputs],
            "co2_t": [i["computed"]["co2_t"] for i in inputs],
        },
        schema={
            "org_id": pl.String,
            "sector": pl.String,
            "fuel": pl.String,
            "unit": pl.String,
            "amount": pl.Float64,
            "co2_t": pl.Float64,
        },
    )


def _groups(page: Page, frame: pl.DataFrame, orgs: dict[str, str], total: float) -> list[dict[str, Any]]:
    """The inputs grouped by organisation, sector, fuel and unit, the largest CO2 first."""
    g = (
        frame.group_by("org_id", "sector", "fuel", "unit")
        .agg(pl.len().alias("rows"), pl.col("amount").sum(), pl.col("co2_t").sum())
        .sort(["co2_t", "org_id", "sector", "fuel"], descending=[True, False, False, False])
    )
    return [
        {
            "org": orgs.get(r["org_id"], r["org_id"]),
            "sector": label("sector", r["sector"], page.lang),
            "fuel": label("fuel", r["fuel"], page.lang) if r["fuel"] else page.t("web.lineage12.no_fuel"),
            "rows": int(r["rows"]),
            "amount": f"{format_number(r['amount'])} {r['unit']}" if r["unit"] else "",
            "co2_t": r["co2_t"],
            "share": f"{100 * r['co2_t'] / total:.1f}%" if total else "—",
        }
        for r in g.iter_rows(named=True)
    ]


def _input_rows(page: Page, inputs: list[dict[str, Any]], orgs: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for i in inputs:
        rec, batch, comp = i["record"], i["batch"], i["computed"]
        sub = batch.get("submission_id")
        out.append(
            {
                "record_id": i["record_id"],
                "source": batch.get("file_name") or batch.get("label"),
                "source_url": page.path("submission_detail", submission_id=sub) if sub else None,
                "file": page.t("web.lineage12.original") if sub else "",
                "file_url": f"/api/v1/submissions/{sub}/file" if sub else None,
                "row": i["row_number"],
                "org": orgs.get(rec["org_id"], rec["org_id"]),
                "period": rec["period"],
                "sector": label("sector", rec["sector"], page.lang),
                "fuel": label("fuel", rec["fuel"], page.lang) if rec["fuel"] else "",
                "amount": rec["amount"],
                "unit": rec["unit"],
                "freight_tkm": rec["freight_tkm"],
                "passenger_pkm": rec["passenger_pkm"],
                "co2_t": comp["co2_t"],
                "data_quality": label("quality", (i.get("quality") or {}).get("data_quality") or "reported", page.lang),
                "u_pct": _u_text(i.get("quality") or {}),
                "notes": page.t("web.lineage12.fallback_used") if i.get("notes") else "",
            }
        )
    return out


def _factor_words(page: Page, f: dict[str, Any]) -> str:
    """What a factor applies to, in words: its fuel, sector or region and year."""
    key = f.get("key") or {}
    parts = []
    if key.get("mode"):
        parts.append(label("mode", key["mode"], page.lang))
    if key.get("fuel"):
        parts.append(label("fuel", key["fuel"], page.lang))
    if key.get("sector"):
        parts.append(label("sector", key["sector"], page.lang))
    if key.get("data_quality"):
        parts.append(label("quality", key["data_quality"], page.lang))
    if key.get("region") is not None:
        parts.append(page.t("web.lineage12.grid_of", region=key["region"], year=key.get("year")))
    if key.get("gwp_set"):
        parts.append(str(key["gwp_set"]))
    return "、".join(parts) if page.lang == "zh" else ", ".join(parts)


def _factor_value(v: object) -> str:
    """A factor as published: every significant digit it has (up to six), no rounding to a display grid."""
    return f"{v:,.6g}" if isinstance(v, float) else str(v)


def _factor_rows(page: Page, factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "kind": label("factor_kind", f["kind"], page.lang),
            "applies": _factor_words(page, f),
            "values": page.join(
                [
                    f"{label('factor_value', k, page.lang)} {_factor_value(v)}"
                    + (
                        f" {(f.get('key') or {}).get('ncv_unit')}"
                        if k == "ncv" and (f.get("key") or {}).get("ncv_unit")
                        else ""
                    )
                    for k, v in (f.get("values") or {}).items()
                ],
                "；",
            ),
            "source": page.t(f"name.factor_source.{f.get('set')}")
            if page.has(f"name.factor_source.{f.get('set')}")
            else f.get("source"),
            "note": f.get("source"),
            "status": label("factor_status", f.get("status") or "to_check", page.lang),
            "status_id": f.get("status") or "to_check",
            "u": f"±{(f.get('uncertainty') or {}).get('u_pct')}%"
            if (f.get("uncertainty") or {}).get("u_pct") is not None
            else "",
            "set": f"{f.get('set')} {f.get('version', '')}".strip(),
            "sha": str(f.get("sha256") or "")[:12],
        }
        for f in factors
    ]


@router.get("/lineage/{result_id}", name="web.lineage")
def lineage_page(page: Page, result_id: DbId, rows_page: PageNo = 1, groups_page: PageNo = 1) -> Response:
    if (denied := page.guard("lineage")) is not None:
        return denied
    try:
        tree = lineage(page.session, result_id)
    except LineageNotFound:
        return not_found(page, page.t("web.lineage.unknown", id=result_id))
    org = tree["result"]["org_id"] if isinstance(tree["result"], dict) else None
    if not page.principal.may_read_records(page.state.ctx.catalog, org):  # inputs: other organisations' rows
        return _forbidden(page)
    res = tree["result"]
    assert isinstance(res, dict)
    inputs: list[dict[str, Any]] = tree["inputs"]  # type: ignore[assignment]
    orgs = {oid: page.name(zh, en) for oid, (zh, en) in organisation_names(page.session).items()}
    in_rows = _input_rows(page, inputs, orgs)
    t_inputs = Table(
        "inputs",
        [
            ("source", page.t("web.lineage12.col_submission")),
            ("file", page.t("web.lineage12.col_file")),
            ("row", page.t("web.col.row")),
            ("org", page.t("web.col.org")),
            ("period", page.t("web.col.period")),
            ("sector", page.t("web.col.sector")),
            ("fuel", page.t("web.col.fuel")),
            ("amount", page.t("web.col.amount")),
            ("unit", page.t("web.col.unit")),
            ("freight_tkm", page.t("web.lineage12.col_tkm")),
            ("passenger_pkm", page.t("web.lineage12.col_pkm")),
            ("co2_t", page.t("web.lineage12.col_co2")),
            ("data_quality", page.t("web.col.quality_grade")),
            ("u_pct", page.t("web.lineage12.col_u")),
            ("notes", page.t("web.col.notes")),
        ],
        in_rows,
        numeric=frozenset({"amount", "freight_tkm", "passenger_pkm", "co2_t"}),
        links={"source": "source_url", "file": "file_url"},
    )
    factors: list[dict[str, Any]] = tree["factors"]  # type: ignore[assignment]
    f_rows = _factor_rows(page, factors)
    t_factors = Table(
        "factors",
        [
            ("kind", page.t("web.lineage12.col_factor")),
            ("applies", page.t("web.lineage12.col_applies")),
            ("values", page.t("web.col.values")),
            ("source", page.t("web.col.source")),
            ("status", page.t("web.col.status")),
            ("u", page.t("web.lineage12.col_u")),
            ("note", page.t("web.lineage12.source_note")),
        ],
        f_rows,
    )
    frame = _input_frame(inputs)
    total = float(frame["co2_t"].abs().sum()) if inputs else 0.0
    groups = _groups(page, frame, orgs, total)
    t_groups = Table(
        "groups",
        [
            ("org", page.t("web.col.org")),
            ("sector", page.t("web.col.sector")),
            ("fuel", page.t("web.col.fuel")),
            ("rows", page.t("web.lineage12.col_rows")),
            ("amount", page.t("web.col.amount")),
            ("co2_t", page.t("web.lineage12.col_co2")),
            ("share", page.t("web.lineage12.col_share")),
        ],
        groups,
        numeric=frozenset({"rows", "amount", "co2_t"}),
    )
    check = tree["check"]
    assert isinstance(check, dict)
    run = tree["run"]
    assert isinstance(run, dict)
    n_rows_pages = max(1, -(-len(in_rows) // ROWS_PER_PAGE))
    n_group_pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    rows_page, groups_page = min(rows_page, n_rows_pages), min(groups_page, n_group_pages)
    to_check = sum(1 for f in f_rows if f["status_id"] != "verified")
    files = {(i["batch"].get("id")) for i in inputs}
    summary = {
        "inputs": page.t(
            "web.lineage12.sum_inputs",
            rows=format_count(len(inputs)),
            orgs=format_count(frame["org_id"].n_unique() if inputs else 0),
            files=format_count(len(files)),
        ),
        "factors": page.t("web.lineage12.sum_factors", n=format_count(len(f_rows)), to_check=format_count(to_check)),
        "formula": page.t("web.lineage12.sum_formula"),
        "result": page.t("web.lineage12.sum_result", co2=format_number(res["co2_t"], 0)),
    }
    ctx = {
        "figure_name": figure_name(page, res, orgs),
        "res": res,
        "run": run,
        "started": format_time(str(run["finished_at"])),
        "check": check,
        "summary": summary,
        "formula_steps": [page.t(f"web.lineage12.formula.{s}") for s in FORMULA_STEPS],
        "formula_code": tree["formula"],
        "input_total": len(in_rows),
        "rows_page": rows_page,
        "rows_pages": n_rows_pages,
        "groups_page": groups_page,
        "groups_pages": n_group_pages,
        "quality": _quality_lines(page, tree.get("quality")),
        "line_notes": sorted({str(i["notes"]) for i in inputs if i.get("notes")}),
        "factor_sets": [
            (label("factor_kind", kind, page.lang), ref) for kind, ref in (run.get("factor_sets") or {}).items()
        ],
    }
    wanted = page.request.query_params.get("csv")
    if wanted:
        return page.render("lineage.html", ctx, tables=[t_inputs, t_groups, t_factors])
    start = (rows_page - 1) * ROWS_PER_PAGE
    gstart = (groups_page - 1) * GROUPS_PER_PAGE
    rows_view = Table(
        "inputs", t_inputs.columns, in_rows[start : start + ROWS_PER_PAGE], t_inputs.numeric, t_inputs.links
    )
    groups_view = Table("groups", t_groups.columns, groups[gstart : gstart + GROUPS_PER_PAGE], t_groups.numeric)
    return page.render("lineage.html", ctx, tables=[rows_view, groups_view, t_factors])


def _u_text(quality: dict[str, Any]) -> str:
    """``±a% / ±f%``: the line's activity and factor uncertainties (95%)."""
    a, f = quality.get("u_activity"), quality.get("u_factor")
    if a is None:
        return ""
    return f"±{100 * a:.1f}% / ±{100 * (f or 0):.1f}%"


def _quality_lines(page: Page, q: Any) -> list[str]:
    """The result's range and grade and what made them, in plain words."""
    if not q:
        return []
    out = []
    if q.get("co2_u_t") is not None:
        out.append(
            page.t(
                "web.quality.co2_range",
                value=format_number(q["co2_low_t"] + q["co2_u_t"]),
                low=format_number(q["co2_low_t"]),
                high=format_number(q["co2_high_t"]),
                grade=q.get("grade") or "—",
            )
        )
    classes = page.join(
        [f"{label('quality', c, page.lang)} {100 * v:.0f}%" for c, v in (q.get("co2_share_by_class") or {}).items()]
    )
    out.append(
        page.t(
            "web.quality.shares",
            classes=classes,
            to_check=f"{100 * (q.get('co2_share_factor_to_check') or 0):.0f}",
            fallback=f"{100 * (q.get('co2_share_with_fallback') or 0):.0f}",
        )
    )
    out.append(page.t("web.quality.grade_note"))
    return out
