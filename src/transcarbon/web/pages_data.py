"""Data collection pages: upload by drag and drop (or dry run), the table of row errors, the list of
submissions with status and history, review actions (submit, approve, return, un-approve) and the
completeness grid (organisation × month). Every action goes through ``services.submissions``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, UploadFile
from fastapi.responses import RedirectResponse, Response

from transcarbon.api.deps import DbId, schedule_recompute
from transcarbon.city.reports import ReportType
from transcarbon.i18n import sector_name
from transcarbon.i18n.numbers import format_count, format_number, format_time
from transcarbon.services import figures, recompute
from transcarbon.services import submissions as wf
from transcarbon.services.database import transaction
from transcarbon.services.organisations import organisation_names
from transcarbon.services.upload_limits import UploadTooLarge
from transcarbon.services.validation import RowError, ValidationError
from transcarbon.web.common import Page, PageNo, SearchQuery, Table, YearQuery
from transcarbon.web.job_words import failure
from transcarbon.web.listing import PER_PAGE, SortQuery, sorting
from transcarbon.web.own_figures import own_charts

router = APIRouter()

STATE_ORDER = ("draft", "submitted", "approved", "returned", "superseded", "missing")


def _org_names(page: Page) -> dict[str, str]:
    return {org_id: page.name(zh, en) for org_id, (zh, en) in organisation_names(page.session).items()}


def _orgs_for_upload(page: Page) -> list[tuple[str, str]]:
    names = _org_names(page)
    if page.principal.org_bound:
        own = page.principal.org_id or ""
        return [(own, names.get(own, own))]
    return sorted(names.items())


def _error_table(page: Page, errors: list[RowError], name: str = "errors") -> Table:
    rows = [
        {
            "sheet": e.sheet or "",
            "row": e.row,
            "column": e.column,
            "value": e.value,
            "message": e.message_zh if page.lang == "zh" else e.message_en,
        }
        for e in errors
    ]
    return Table(
        name,
        [
            ("sheet", page.t("web.col.sheet")),
            ("row", page.t("web.col.row")),
            ("column", page.t("web.col.column")),
            ("value", page.t("web.col.value")),
            ("message", page.t("web.col.message")),
        ],
        rows,
    )


SORTS = ("-id", "id", "-period", "period", "org", "state", "report_type")
"""The orders the sort menu offers (the column headers offer every key of ``wf.SORTS``, both ways)."""


def _list_context(
    page: Page,
    state: str | None,
    report_type: str | None,
    *,
    search: str | None = None,
    sort: str = "-id",
    number: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[dict[str, Any], list[Table]]:
    catalog = page.state.ctx.catalog
    order = sorting(page, sort, tuple(wf.SORTS), "-id")
    sort = order.value

    def listed(limit: int, offset: int = 0) -> tuple[int, list[Any]]:
        return wf.list_submissions(
            page.session,
            catalog,
            page.principal,
            state=state or None,
            report_type=report_type or None,
            search=search or None,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    total, _ = listed(0)
    pager = page.pager(number, per_page, total)
    total, subs = listed(pager.per_page, pager.offset)
    names = _org_names(page)
    rows = [
        {
            "id": s.id,
            "report_type": page.name(catalog.get(s.report_type).name.zh, catalog.get(s.report_type).name.en)
            if s.report_type in catalog.ids
            else s.report_type,
            "org": names.get(s.org_id, s.org_id),
            "period": s.period,
            "version": s.version,
            "state": page.t(f"web.state.{s.state}"),
            "state_id": s.state,
            "rows": s.row_count,
            "created_by": s.created_by,
            "created_at": page.city_time(s.created_at),
            "url": page.path("submission_detail", submission_id=s.id),
        }
        for s in subs
    ]
    table = Table(
        "submissions",
        [
            ("id", "#"),
            ("report_type", page.t("web.col.report_type")),
            ("org", page.t("web.col.org")),
            ("period", page.t("web.col.period")),
            ("version", page.t("web.col.version")),
            ("state", page.t("web.col.state")),
            ("rows", page.t("web.col.rows")),
            ("created_by", page.t("web.col.created_by")),
            ("created_at", page.t("web.col.created_at")),
        ],
        rows,
        numeric=frozenset({"rows"}),
        links={"id": "url"},
        sorts={k: k for k in ("id", "report_type", "org", "period", "state", "created_at")},
    )
    ctx = {
        "total": total,
        "paging": pager,
        "search": search or "",
        "sort": sort,
        "sorts": SORTS,
        "sorting": order,
        "jobs": _jobs(page) if page.principal.may("submissions.review") else [],
        "returned": _returned(page, catalog) if page.principal.org_bound else [],
        "report_types": [(r.id, page.name(r.name.zh, r.name.en), r.period) for r in catalog.report_types],
        "orgs": _orgs_for_upload(page),
        "may_upload": page.principal.may("submissions.upload"),
        "state": state,
        "report_type": report_type,
        "states": STATE_ORDER[:-1],
    }
    return ctx, [table]


def _jobs(page: Page) -> list[dict[str, Any]]:
    """The newest recomputation jobs, in words."""
    return [
        {
            "id": j.id,
            "years": ("、" if page.lang == "zh" else ", ").join(str(y) for y in j.payload["years"]),
            "reason": page.t(f"web.recompute.reason.{j.payload['reason']}"),
            "state": page.t(f"web.recompute.state.{j.state}"),
            "state_id": j.state,
            "requested_by": j.requested_by,
            "created_at": page.city_time(j.created_at),
            "finished_at": page.city_time(j.finished_at),
            "failure": failure(page, j),
        }
        for j in recompute.jobs(page.session, limit=5)
    ]


def _returned(page: Page, catalog: Any) -> list[dict[str, Any]]:
    """The reporter's returned submissions still waiting for a new upload: the in-app notice."""
    _, subs = wf.list_submissions(page.session, catalog, page.principal, state="returned", limit=20)
    return [
        {
            "url": page.path("submission_detail", submission_id=s.id),
            "report_type": page.name(catalog.get(s.report_type).name.zh, catalog.get(s.report_type).name.en)
            if s.report_type in catalog.ids
            else s.report_type,
            "period": s.period,
            "comment": s.comment or "",
            "by": s.decided_by or "",
        }
        for s in subs
    ]


@router.get("/submissions", name="web.submissions")
def submissions_page(
    page: Page,
    state: str | None = None,
    report_type: str | None = None,
    search: SearchQuery = None,
    sort: SortQuery = "-id",
    number: PageNo = 1,
    reupload: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    if (denied := page.guard("submissions")) is not None:
        return denied
    ctx, tables = _list_context(page, state, report_type, search=search, sort=sort, number=number)
    form: dict[str, Any] = {}
    if reupload is not None:  # "upload again" of a returned submission: the form filled in for its slot
        try:
            sub = wf.get_visible(page.session, page.state.ctx.catalog, page.principal, reupload)
            form = {"report_type": sub.report_type, "org_id": sub.org_id, "period": sub.period}
        except wf.WorkflowError:
            form = {}
    return page.render("submissions.html", {**ctx, "outcome": None, "form": form}, tables=tables)


@router.post("/submissions/upload", name="web.submission_upload")
def submission_upload(
    page: Page,
    file: Annotated[UploadFile, File()],
    report_type: Annotated[str, Form(max_length=60)],
    org_id: Annotated[str, Form(max_length=64)],
    period: Annotated[str, Form(max_length=7)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    dry_run: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    if (denied := page.guard("submissions")) is not None:
        return denied
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    limit = int(page.state.settings.max_upload_mb * 1024 * 1024)
    data = file.file.read(limit + 1)
    name = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    form = {"report_type": report_type, "org_id": org_id, "period": period, "file": name}
    outcome: dict[str, Any] = {"file": name}
    tables: list[Table] = []
    status = 200
    try:
        if len(data) > limit:
            mb = f"{page.state.settings.max_upload_mb:g}"
            raise wf.WorkflowError(413, "upload.too_large", file=name, size_mb=f"> {mb}", limit_mb=mb)
        if dry_run:
            checked = wf.dry_run(
                page.session,
                page.state.ctx,
                page.principal,
                report_type=report_type,
                org_id=org_id,
                period=period,
                file_name=name,
                data=data,
            )
            errors_total = max(sum(checked.error_tally.values()), len(checked.errors))
            warnings_total = max(sum(checked.warning_tally.values()), len(checked.warnings))
            outcome.update(
                ok=not checked.errors,
                dry_run=True,
                rows=checked.frame.height,
                error_count=errors_total,
                errors_omitted=errors_total - len(checked.errors),
                warning_count=warnings_total,
                warnings_omitted=warnings_total - len(checked.warnings),
            )
            tables = [_error_table(page, checked.errors), _error_table(page, checked.warnings, "row_warnings")]
            status = 200 if not checked.errors else 422
        else:
            result = wf.upload(
                page.state.factory,
                page.state.ctx,
                page.principal,
                report_type=report_type,
                org_id=org_id,
                period=period,
                file_name=name,
                data=data,
                media_type=file.content_type or "application/octet-stream",
            )
            target = page.path(
                "submission_detail",
                submission_id=result.submission.id,
                query={"uploaded": "dup" if result.duplicate else "new"},
            )
            return RedirectResponse(target, status_code=303)
    except ValidationError as exc:
        if isinstance(exc, UploadTooLarge):  # the file as a whole: one message
            outcome.update(
                ok=False, message=exc.errors[0].message_zh if page.lang == "zh" else exc.errors[0].message_en
            )
        else:
            outcome.update(ok=False, dry_run=False, error_count=exc.total, errors_omitted=exc.omitted)
        tables = [_error_table(page, exc.errors)]
        status = exc.status
    except wf.WorkflowError as exc:
        outcome.update(ok=False, message=page.t(exc.key, **exc.values))
        status = exc.status
    ctx, list_tables = _list_context(page, None, None)
    return page.render(
        "submissions.html", {**ctx, "outcome": outcome, "form": form}, tables=[*tables, *list_tables], status=status
    )


@router.get("/submissions/{submission_id}", name="web.submission_detail")
def submission_detail(
    page: Page,
    submission_id: DbId,
    uploaded: str | None = None,
    done: str | None = None,
    error: str | None = None,
) -> Response:
    if (denied := page.guard("submissions")) is not None:
        return denied
    catalog = page.state.ctx.catalog
    try:
        sub = wf.get_visible(page.session, catalog, page.principal, submission_id)
    except wf.WorkflowError:
        return page.render(
            "error.html",
            {"title": page.t("web.not_found"), "message": page.t("wf.not_found", id=submission_id)},
            status=404,
        )
    versions = wf.slot_versions(page.session, sub)
    hist_rows = [
        {
            "version": v.version,
            "state": page.t(f"web.state.{v.state}"),
            "file": v.file_name,
            "rows": v.row_count,
            "created_by": v.created_by,
            "created_at": format_time(v.created_at),
            "submitted_by": v.submitted_by or "",
            "decided_by": v.decided_by or "",
            "comment": v.comment or "",
            "url": page.path("submission_detail", submission_id=v.id),
        }
        for v in versions
    ]
    t_hist = Table(
        "history",
        [
            ("version", page.t("web.col.version")),
            ("state", page.t("web.col.state")),
            ("file", page.t("web.col.file")),
            ("rows", page.t("web.col.rows")),
            ("created_by", page.t("web.col.created_by")),
            ("created_at", page.t("web.col.created_at")),
            ("submitted_by", page.t("web.col.submitted_by")),
            ("decided_by", page.t("web.col.decided_by")),
            ("comment", page.t("web.col.comment")),
        ],
        hist_rows,
        links={"version": "url"},
    )
    data_rows = wf.submission_rows(page.session, sub, limit=100, offset=0)
    rt = catalog.get(sub.report_type) if sub.report_type in catalog.ids else None
    t_rows = _data_table(page, rt, data_rows)
    warn_rows = [
        {
            "row": w.get("row"),
            "column": w.get("column"),
            "value": w.get("value"),
            "message": w.get("message_zh") if page.lang == "zh" else w.get("message_en"),
        }
        for w in (sub.warnings or [])
        if isinstance(w, dict)
    ]
    t_warn = Table(
        "row_warnings",
        [
            ("row", page.t("web.col.row")),
            ("column", page.t("web.col.column")),
            ("value", page.t("web.col.value")),
            ("message", page.t("web.col.message")),
        ],
        warn_rows,
    )
    p = page.principal
    actions = []
    if sub.state == "draft" and p.may("submissions.submit") and p.may_report_for(sub.org_id):
        actions.append(("submit", False))
    if sub.state == "submitted" and p.may("submissions.review"):
        actions += [("approve", False), ("return", True)]
    if sub.state == "approved" and p.may("submissions.review"):
        actions.append(("unapprove", True))
    rt_name = (
        page.name(catalog.get(sub.report_type).name.zh, catalog.get(sub.report_type).name.en)
        if sub.report_type in catalog.ids
        else sub.report_type
    )
    ctx = {
        "sub": sub,
        "rt_name": rt_name,
        "org": _org_names(page).get(sub.org_id, sub.org_id),
        "actions": actions,
        "uploaded": uploaded,
        "done": done,
        "error": error,
        "state_label": page.t(f"web.state.{sub.state}"),
        "file_url": f"/api/v1/submissions/{sub.id}/file",
        "reupload_url": page.path("submissions", query={"reupload": sub.id}) + "#upload-form"
        if sub.state == "returned" and p.may("submissions.upload") and p.may_report_for(sub.org_id)
        else None,
    }
    return page.render("submission.html", ctx, tables=[t_hist, t_rows, t_warn])


def _data_table(page: Page, rt: ReportType | None, rows: list[dict[str, Any]]) -> Table:
    """A submission's rows as people read them: the fields' names as headers, enumerated values by their names,
    numbers with separators (integers as integers)."""
    cols = list(rows[0].keys()) if rows else []
    specs = {f.id: f for f in rt.fields} if rt is not None else {}

    def header(c: str) -> str:
        if c in specs:
            return page.name(specs[c].label.zh, specs[c].label.en)
        key = f"web.col.{c}"
        return page.t(key) if page.has(key) else c

    def cell(c: str, v: Any) -> Any:
        f = specs.get(c)
        if v is None or f is None:
            return v
        if f.type == "integer":
            return format_count(v)
        if f.numeric:
            return format_number(v)
        return f.value_label(str(v), page.lang) if f.type == "enum" else v

    shown = [{c: cell(c, r.get(c)) for c in cols} for r in rows]
    numeric = frozenset(c for c in cols if c in specs and specs[c].numeric)
    return Table("rows", [(c, header(c)) for c in cols], shown, numeric)


@router.post("/submissions/{submission_id}/{action}", name="web.submission_action")
def submission_action(
    page: Page,
    submission_id: DbId,
    action: str,
    tasks: BackgroundTasks,
    csrf: Annotated[str, Form(max_length=100)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    lock_version: Annotated[int | None, Form(ge=0, le=2_147_483_647)] = None,
) -> Response:
    if (denied := page.guard("submissions")) is not None:
        return denied
    if action not in ("submit", "approve", "return", "unapprove"):
        return page.render("error.html", {"title": page.t("web.not_found"), "message": action}, status=404)
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    query: dict[str, object] = {}
    try:
        with transaction(page.state.factory) as session:
            wf.transition(
                session,
                page.state.ctx,
                page.principal,
                submission_id,
                action,
                comment=comment.strip() or None,
                expected_lock_version=lock_version,
            )
        query["done"] = action
        if action in ("approve", "unapprove"):
            schedule_recompute(tasks, page.state)
    except ValidationError as exc:
        query["error"] = "; ".join((e.message_zh if page.lang == "zh" else e.message_en) for e in exc.errors[:5])
    except wf.WorkflowError as exc:
        query["error"] = page.t(exc.key, **exc.values)
    return RedirectResponse(page.path("submission_detail", submission_id=submission_id, query=query), status_code=303)


@router.get("/completeness", name="web.completeness")
def completeness_page(page: Page, report_type: str | None = None, year: YearQuery = None) -> Response:
    if (denied := page.guard("submissions")) is not None:
        return denied
    catalog = page.state.ctx.catalog
    if not page.principal.may("completeness.read"):
        return page.render(
            "error.html",
            {"title": page.t("web.forbidden.title"), "message": page.t("web.forbidden.text", role=page.principal.role)},
            status=403,
        )
    monthly = [r for r in catalog.report_types if r.period == "monthly"]
    if page.principal.role == "department":
        monthly = [r for r in monthly if r.id in page.principal.supervised(catalog)]
    rt = next((r for r in monthly if r.id == report_type), monthly[0] if monthly else None)
    years = wf.report_years(page.session, rt.id) if rt is not None else []
    # the year asked for; else the latest with reports (the grid opens where the data are); else this year
    y = year or (years[-1] if years else datetime.now(UTC).year)
    years = sorted({*years, y})
    grid: dict[str, dict[int, dict[str, Any]]] = {}
    orgs: dict[str, str] = {}
    summary = []
    if rt is not None:
        for m in range(1, 13):
            try:
                c = wf.completeness(page.session, page.state.ctx, page.principal, rt.id, f"{y}-{m:02d}")
            except wf.WorkflowError:
                continue
            summary.append(
                {
                    "month": m,
                    "expected": c["expected"],
                    "approved": c["approved"],
                    "completeness_pct": c["completeness_pct"],
                    "timeliness_pct": c["timeliness_pct"],
                }
            )
            for o in c["organisations"]:  # type: ignore[attr-defined]
                orgs[o["org_id"]] = page.name(o["name_zh"], o["name_en"])
                grid.setdefault(o["org_id"], {})[m] = {
                    "state": o["state"],
                    "timeliness": o["timeliness"],
                    "submission_id": o["submission_id"],
                }
    rows = [
        {
            "org": orgs[oid],
            "org_id": oid,
            **{
                f"m{m:02d}": page.t(f"web.state.{grid[oid][m]['state']}") if m in grid[oid] else ""
                for m in range(1, 13)
            },
        }
        for oid in sorted(orgs)
    ]
    table = Table(
        "completeness",
        [("org", page.t("web.col.org")), ("org_id", "ID"), *[(f"m{m:02d}", f"{m}") for m in range(1, 13)]],
        rows,
    )
    ctx = {
        "rt": rt,
        "monthly": [(r.id, page.name(r.name.zh, r.name.en)) for r in monthly],
        "year": y,
        "years": years,
        "grid": grid,
        "orgs": sorted(orgs.items()),
        "summary": summary,
        "months": list(range(1, 13)),
    }
    return page.render("completeness.html", ctx, tables=[table])


@router.get("/my-figures", name="web.my_figures")
def my_figures(page: Page, year: YearQuery = None) -> Response:
    """A reporter's own figures: emissions, energy and intensity by year and by month of the latest year, and
    where its intensity stands among its sector's organisations (anonymised quartiles)."""
    if (denied := page.guard("my_figures")) is not None:
        return denied
    org_id = page.principal.org_id or ""
    found = figures.organisation_figures(page.session, org_id, year)
    columns = [
        ("co2_t", page.t("web.own.co2_t")),
        ("energy_tce", page.t("web.own.energy_tce")),
        ("intensity", page.t("web.own.intensity")),
    ]
    numeric = frozenset(k for k, _ in columns)
    digits = {"co2_t": 0, "energy_tce": 0, "intensity": 4}  # whole tonnes and tce, kg per t·km to four decimals
    t_years = Table(
        "years", [("year", page.t("web.col.year")), *columns], found["years"], numeric=numeric, digits=digits
    )
    t_months = Table(
        "months", [("month", page.t("web.col.month")), *columns], found["months"], numeric=numeric, digits=digits
    )
    peers = found["peers"]
    ctx = {
        **own_charts(page, found),
        "org": _org_names(page).get(org_id, org_id),
        "year": found.get("year"),
        "years": [y["year"] for y in found["years"]],
        "peers": peers,
        "sector": sector_name(peers["sector"], page.lang) if peers and peers["sector"] else "",
    }
    return page.render("my_figures.html", ctx, tables=[t_years, t_months])
