"""Use cases of data collection: upload (or dry-run) a report, and move it through the workflow.

Workflow per report type × organisation × period (a *slot*), one row per version::

    draft ──submit──► submitted ──approve──► approved ──unapprove (reason)──► submitted
                          └──return (comment)──► returned
    a new upload into the slot: a new version (draft); the previous draft/returned version → superseded

- Only approved data feed calculations. For ``energy_activity`` the rows are stored as activity records
  in an import batch linked to the submission; the submission's state is the one truth and the batch's
  ``status`` follows it ("approved" exactly while the submission is approved) inside the same
  transaction. Other report types store :class:`ReportRow` rows, read through approved submissions.
- Approved data are locked: no new version is accepted until a reviewer un-approves (with a reason);
  nothing is ever deleted, so every version stays readable.
- Transitions are conditional updates on ``(state, lock_version)``: of two concurrent reviewers exactly
  one wins, the other gets a conflict.
- The raw file is kept (by content hash) before anything else, in its own transaction, so it survives a
  refused or failed import; the same file uploaded again into the same slot is recognised and returns
  the existing version.

Modules, each importing only :mod:`.common` of its siblings:

- :mod:`.common` — the context, :class:`WorkflowError`, resolving a report type and period, slots, visibility;
- :mod:`.uploads` — check (dry run), upload, attach evidence;
- :mod:`.transitions` — submit, approve, return, un-approve;
- :mod:`.queries` — lists, rows, raw files, versions, attachments, completeness and timeliness, published
  aggregates.
"""

from transcarbon.services.submissions.common import (
    OPEN_STATES,
    STATES,
    Context,
    WorkflowError,
    get_visible,
    resolve,
    visible_query,
)
from transcarbon.services.submissions.queries import (
    SORTS,
    attachments,
    completeness,
    expected_organisations,
    list_submissions,
    original_file,
    published_aggregates,
    report_years,
    slot_versions,
    submission_rows,
)
from transcarbon.services.submissions.transitions import transition
from transcarbon.services.submissions.uploads import (
    UploadResult,
    add_attachment,
    check_upload,
    dry_run,
    history,
    rows_hash,
    upload,
)

__all__ = [
    "OPEN_STATES",
    "SORTS",
    "STATES",
    "Context",
    "UploadResult",
    "WorkflowError",
    "add_attachment",
    "attachments",
    "check_upload",
    "completeness",
    "dry_run",
    "expected_organisations",
    "get_visible",
    "history",
    "list_submissions",
    "original_file",
    "published_aggregates",
    "report_years",
    "resolve",
    "rows_hash",
    "slot_versions",
    "submission_rows",
    "transition",
    "upload",
    "visible_query",
]
