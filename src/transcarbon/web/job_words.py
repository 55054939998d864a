"""A background job's failure in words (:mod:`transcarbon.services.jobs`): the catalog sentence of its error code
(what it means, that nothing changed, what to do), the refusal's own words for refused files, and the technical
text only for administrators (the pages fold it under "技术细节")."""

from __future__ import annotations

from typing import Protocol

from transcarbon.web.common import Page


class _Job(Protocol):
    """What a page needs of a job (a row of ``jobs``)."""

    state: str
    error_code: str | None
    error: str | None


_KEYS = {
    "interrupted": "web.job.error.interrupted",
    "refused": "web.job.error.refused",
    "internal": "web.job.failed_detail",
}


def failure(page: Page, job: _Job) -> dict[str, str]:
    """``words`` (empty unless the job failed), ``reason`` (a refusal's own words) and ``detail`` (the stored
    text, for administrators only)."""
    if job.state != "failed":
        return {"words": "", "reason": "", "detail": ""}
    code = job.error_code if job.error_code in _KEYS else "internal"
    return {
        "words": page.t(_KEYS[code]),
        "reason": job.error or "" if code == "refused" else "",
        "detail": job.error or "" if page.principal.role == "admin" and code != "refused" else "",
    }
