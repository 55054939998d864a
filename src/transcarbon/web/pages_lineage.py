"""The lineage page (可追溯): a stored result walked back to its input rows (each with its data-quality class
and uncertainty), files, factors with their sources and uncertainties, the formula, the check that the inputs
add up, and the result's range and quality grade with what made them; the inputs also as CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from transcarbon.i18n import fuel_name, sector_name
from transcarbon.i18n.numbers import format_number
from transcarbon.services.lineage import LineageNotFound, lineage
from transcarbon.web.analysis import not_found
from transcarbon.web.common import Page, Table

router = APIRouter()


def _forbidden(page: Page) -> Response:
    return page.render(
        "error.html",
        {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
        status=403,
    )


@router.get("/lineage/{result_id}", name="web.lineage")
def lineage_page(page: Page, result_id: int, limit: int = 200) -> Response:
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
    lang = page.lang
    in_rows = []
    for i in inputs:
        rec, batch, comp = i["record"], i["batch"], i["computed"]
        in_rows.append(
            {
                "record_id": i["record_id"],
                "source": batch.get("file_name") or batch.get("label"),
                "batch_id": batch.get("id"),
                "file_sha256": (batch.get("file_sha256") or "")[:12],
                "row": i["row_number"],
                "org_id": rec["org_id"],
                "period": rec["period"],
                "sector": sector_name(rec["sector"], lang),
                "fuel": fuel_name(rec["fuel"], lang) if rec["fuel"] else "",
                "amount": rec["amount"],
                "unit": rec["unit"],
                "freight_tkm": rec["freight_tkm"],
                "passenger_pkm": rec["passenger_pkm"],
                "co2_t": comp["co2_t"],
                "data_quality": _quality_name(page, (i.get("quality") or {}).get("data_quality")),
                "u_pct": _u_text(i.get("quality") or {}),
                "notes": i.get("notes") or "",
            }
        )
    t_inputs = Table(
        "inputs",
        [
            ("record_id", page.t("web.col.record")),
            ("source", page.t("web.col.file")),
            ("row", page.t("web.col.row")),
            ("org_id", page.t("web.col.org")),
            ("period", page.t("web.col.period")),
            ("sector", page.t("web.col.sector")),
            ("fuel", page.t("web.col.fuel")),
            ("amount", page.t("web.col.amount")),
            ("unit", page.t("web.col.unit")),
            ("freight_tkm", "t·km"),
            ("passenger_pkm", "p·km"),
            ("co2_t", "CO2 (t)"),
            ("data_quality", page.t("web.col.grade")),
            ("u_pct", "U (95%)"),
            ("notes", page.t("web.col.notes")),
        ],
        in_rows,
        numeric=frozenset({"amount", "freight_tkm", "passenger_pkm", "co2_t"}),
    )
    factors: list[dict[str, Any]] = tree["factors"]  # type: ignore[assignment]
    f_rows = [
        {
            "kind": f["kind"],
            "set": f.get("set"),
            "version": f.get("version", ""),
            "key": ", ".join(f"{k}={v}" for k, v in (f.get("key") or {}).items()),
            "values": ", ".join(f"{k}={v}" for k, v in (f.get("values") or {}).items()),
            "source": f.get("source"),
            "status": f.get("status") or "",
            "u": f"±{(f.get('uncertainty') or {}).get('u_pct')}%"
            if (f.get("uncertainty") or {}).get("u_pct") is not None
            else "",
            "sha": str(f.get("sha256") or "")[:12],
        }
        for f in factors
    ]
    t_factors = Table(
        "factors",
        [
            ("kind", page.t("web.col.kind")),
            ("set", page.t("web.col.set")),
            ("version", page.t("web.col.version")),
            ("key", page.t("web.col.key")),
            ("values", page.t("web.col.values")),
            ("source", page.t("web.col.source")),
            ("status", page.t("web.col.status")),
            ("u", "U (95%)"),
            ("sha", "SHA-256"),
        ],
        f_rows,
    )
    dims = [
        (page.t("web.col.year"), res["year"]),
        (page.t("web.col.month"), res["month"]),
        (page.t("web.col.sector"), sector_name(res["sector"], lang) if res["sector"] else None),
        (page.t("web.col.org"), res["org_id"]),
    ]
    shown = max(1, min(limit, 5000))
    ctx = {
        "tree": tree,
        "res": res,
        "run": tree["run"],
        "dims": [(k, v) for k, v in dims if v is not None],
        "check": tree["check"],
        "formula": tree["formula"],
        "shown": shown,
        "input_total": len(in_rows),
        "quality": _quality_lines(page, tree.get("quality")),
    }
    full = page.request.query_params.get("csv") == "inputs"
    view = t_inputs if full else Table(t_inputs.name, t_inputs.columns, in_rows[:shown], t_inputs.numeric)
    return page.render("lineage.html", ctx, tables=[view, t_factors])


def _quality_name(page: Page, data_quality: str | None) -> str:
    key = f"name.quality.{data_quality or 'reported'}"
    return page.t(key) if page.has(key) else str(data_quality)


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
    classes = "、".join(
        f"{_quality_name(page, c)} {100 * v:.0f}%" for c, v in (q.get("co2_share_by_class") or {}).items()
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
