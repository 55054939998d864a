"""Response and request bodies of the REST API (they make the OpenAPI document).

Models with ``from_attributes`` validate the objects the services return (submissions, attachments, users,
organisations) or their plain dicts (audit entries); the API never imports the store itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RowErrorOut(BaseModel):
    file: str
    sheet: str | None
    row: int
    column: str
    value: str
    message_zh: str
    message_en: str


class SubmissionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    report_type: str
    org_id: str
    period: str
    version: int
    state: str
    lock_version: int
    file_name: str
    file_sha256: str
    row_count: int
    content_hash: str
    warnings: list[RowErrorOut]
    comment: str | None
    created_by: str
    created_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None


class UploadOut(BaseModel):
    duplicate: bool = Field(description="true: this file is already the latest version of the slot; nothing new stored")
    submission: SubmissionOut


class RuleCountOut(BaseModel):
    column: str
    rule: str = Field(description="the check's catalog key")
    count: int = Field(description="rows that failed it")


class ValidateOut(BaseModel):
    ok: bool
    rows: int
    errors: list[RowErrorOut] = Field(description="the first errors of each column")
    warnings: list[RowErrorOut] = Field(description="the first warnings of each column")
    errors_total: int = Field(description="every error found, shown or not")
    warnings_total: int = Field(description="every warning found, shown or not")
    error_counts: list[RuleCountOut] = Field(description="errors per column and rule")
    warning_counts: list[RuleCountOut] = Field(description="warnings per column and rule")


class SubmissionList(BaseModel):
    total: int
    items: list[SubmissionOut]


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    submission_id: int
    file_name: str
    file_sha256: str
    added_by: str
    added_at: datetime


class SubmissionDetail(SubmissionOut):
    attachments: list[AttachmentOut] = []


class ReviewIn(BaseModel):
    comment: str | None = Field(
        default=None, max_length=2000, description="required to return (comment) and to un-approve (reason)"
    )
    lock_version: int | None = Field(
        default=None, ge=0, le=2_147_483_647, description="the lock_version you saw; a stale value conflicts"
    )


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1000)


class MeOut(BaseModel):
    id: int | None
    username: str
    role: str
    org_id: str | None
    department_id: str | None
    csrf_token: str | None = None


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: str
    password: str | None = Field(default=None, max_length=1000)
    org_id: str | None = Field(default=None, max_length=64)
    department_id: str | None = Field(default=None, max_length=60)
    display_name: str | None = Field(default=None, max_length=200)


class UserPatch(BaseModel):
    role: str | None = None
    disabled: bool | None = None
    org_id: str | None = Field(default=None, max_length=64)
    department_id: str | None = Field(default=None, max_length=60)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    org_id: str | None
    department_id: str | None
    disabled: bool


class TokenIn(BaseModel):
    name: str = Field(default="api", min_length=1, max_length=100)
    days: float | None = Field(
        default=None, gt=0, le=3650, description="how long the token is valid [days] (default: the platform's)"
    )


class TokenOut(BaseModel):
    token: str = Field(description="shown once; only its SHA-256 is stored")
    expires_at: datetime


class TokenInfoOut(BaseModel):
    """An API token as listed: never the token itself."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="the token's first characters, to recognise it")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class PasswordChangeIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


class PasswordResetIn(BaseModel):
    new_password: str = Field(min_length=1, max_length=1000)


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name_zh: str
    name_en: str
    kind: str
    sector: str | None
    district: str | None
    synthetic: bool


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ts: str
    actor: str
    action: str
    object_type: str
    object_id: str
    before_hash: str | None
    after_hash: str | None
    details: str
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    total: int
    items: list[AuditEntryOut]


class AuditProblemOut(BaseModel):
    id: int = Field(description="the audit entry, import batch, submission or record the problem is about")
    reason: str = Field(description="what is wrong, as a catalog key (chain.*, seal.*)")
    message_zh: str
    message_en: str


class AuditVerifyOut(BaseModel):
    ok: bool
    checked: int = Field(description="audit entries checked")
    first_bad_id: int | None
    reason: str
    problems: list[AuditProblemOut] = Field(description="every problem found (chain, head, seals of approved data)")


class FreeForm(BaseModel):
    model_config = ConfigDict(extra="allow")

    data: dict[str, Any] | None = None
