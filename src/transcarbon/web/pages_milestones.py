"""Milestones on the web: every milestone of the plan with its approved evidence (date to the day, status,
documents, who approved it), and a form to file new evidence with its documents, sent for review through the
data-collection workflow (reviewers approve it on the submission page)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response

from transcarbon.services import submissions as wf
from transcarbon.services.milestone_evidence import REPORT, Evidence, approved_evidence, file_evidence
from transcarbon.services.organisations import organisation_names
from transcarbon.services.validation import ValidationError
from transcarbon.web.common import Page

router = APIRouter()
MAX_DOCUMENTS = 10


def _milestones(page: Page) -> list[tuple[str, str]]:
    rt = page.state.ctx.catalog.get(REPORT)
    names = {i.id: page.name(i.name_zh, i.name_en) for i in page.city.indicators}
    return [(m, names.get(m, m)) for m in rt.field("milestone_id").allowed or []]


def _render(page: Page, message: str | None = None, status: int = 200) -> Response:
    rt = page.state.ctx.catalog.get(REPORT)
    evidence = approved_evidence(page.session, page.state.ctx.catalog)
    orgs = {o: page.name(zh, en) for o, (zh, en) in organisation_names(page.session).items()}
    status_names = {s: rt.field("status").value_label(s, page.lang) for s in rt.field("status").allowed or []}
    items = [
        {
            "id": m,
            "name": name,
            "evidence": [
                {
                    **e,
                    "status_name": status_names.get(e["status"], e["status"]),
                    "org": orgs.get(e["org_id"], e["org_id"]),
                }
                for e in evidence.get(m, [])
            ],
        }
        for m, name in _milestones(page)
    ]
    context = {
        "items": items,
        "statuses": list(status_names.items()),
        "may_file": page.principal.may("submissions.upload") and page.principal.org_id is not None,
        "message": message,
        "today": date.today().isoformat(),
    }
    return page.render("milestones.html", context, status=status)


@router.get("/milestones", name="web.milestones")
def milestones_page(page: Page) -> Response:
    if (denied := page.guard("milestones")) is not None:
        return denied
    return _render(page)


@router.post("/milestones", name="web.milestone_file")
def milestone_file(
    page: Page,
    milestone_id: Annotated[str, Form(max_length=80)],
    status: Annotated[str, Form(max_length=20)],
    evidence_date: Annotated[str, Form(max_length=10)],
    text: Annotated[str, Form(min_length=1, max_length=2000)],
    documents: Annotated[list[UploadFile | str] | None, File()] = None,
    count: Annotated[str, Form(max_length=6)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    if (denied := page.guard("milestones")) is not None:
        return denied
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    limit = int(page.state.settings.max_upload_mb * 1024 * 1024)
    files = []
    for doc in [d for d in documents or [] if not isinstance(d, str)][:MAX_DOCUMENTS]:  # an empty input is text
        data = doc.file.read(limit + 1)
        name = (doc.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name or not data:
            continue
        if len(data) > limit:
            mb = f"{page.state.settings.max_upload_mb:g}"
            return _render(page, page.t("upload.too_large", file=name, size_mb=f"> {mb}", limit_mb=mb), 413)
        files.append((name, data, doc.content_type or "application/octet-stream"))
    evidence = Evidence(milestone_id, status, evidence_date, text.strip(), int(count) if count.isdigit() else None)
    page.session.rollback()
    try:
        sid = file_evidence(
            page.state.factory, page.state.ctx, page.principal, page.principal.org_id or "", evidence, files
        )
    except ValidationError as exc:
        problems = page.join([e.message_zh if page.lang == "zh" else e.message_en for e in exc.errors[:5]], "；")
        return _render(page, problems, 422)
    except wf.WorkflowError as exc:
        return _render(page, page.t(exc.key, **exc.values), exc.status)
    return RedirectResponse(
        page.path("submission_detail", submission_id=sid, query={"uploaded": "new"}), status_code=303
    )
