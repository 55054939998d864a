"""Database tables (SQLAlchemy 2.0 declarative). Migrations in ``store/migrations`` follow these.

Naming: measures carry units (``co2_t``); every computed row points to its run; the audit log is
append-only and hash-chained (see :mod:`transcarbon.services.audit`). Timestamps of the audit log
are ISO-8601 text so that they hash identically on every database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from transcarbon.store.types import UtcDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    """An enterprise or a department that reports data (one row per reporting unit)."""

    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # enterprise | department
    sector: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(40))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ImportBatch(Base):
    """One set of records that entered together (a demo build, an uploaded file, an API call)."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # demo | file | api
    label: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(300))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="approved")  # only approved feed calculations
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The submission this batch came in by (null: demo builds and direct imports). For such batches the
    # submission's state is the truth and ``status`` follows it ("approved" only while it is approved).
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)


class ActivityRecord(Base):
    """One row of the activity contract, as submitted (region may be empty: defaulted at calculation)."""

    __tablename__ = "activity_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    year: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[int | None] = mapped_column(Integer)
    sector: Mapped[str] = mapped_column(String(40))
    fuel: Mapped[str | None] = mapped_column(String(40))
    amount: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(10))
    freight_tkm: Mapped[float | None] = mapped_column(Float)
    passenger_pkm: Mapped[float | None] = mapped_column(Float)
    passenger_kind: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    throughput_t: Mapped[float | None] = mapped_column(Float)
    data_quality: Mapped[str | None] = mapped_column(String(20))
    """metered | reported | estimated | defaulted; null: reported (the activity contract's optional column)."""
    row_hash: Mapped[str] = mapped_column(String(64))


class FactorSetRecord(Base):
    """A factor set as it was when a run used it (name, version, content hash)."""

    __tablename__ = "factor_sets"
    __table_args__ = (UniqueConstraint("name", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CalculationRun(Base):
    """One computation: what method, factors, code, parameters, inputs, who and when."""

    __tablename__ = "calculation_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))  # inventory | ships | ...
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    method_version: Mapped[str] = mapped_column(String(80))
    code_version: Mapped[str] = mapped_column(String(80))
    parameters: Mapped[dict[str, object]] = mapped_column(JSON)
    factor_sets: Mapped[dict[str, object]] = mapped_column(JSON)
    fallbacks: Mapped[list[object]] = mapped_column(JSON)
    input_hash: Mapped[str] = mapped_column(String(64))
    input_count: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InventoryMeasures:
    """The inventory measures shared by lines and results [t, tce, GJ, t·km, p·km]."""

    co2_t: Mapped[float] = mapped_column(Float)
    ch4_t: Mapped[float] = mapped_column(Float)
    n2o_t: Mapped[float] = mapped_column(Float)
    co2e_t: Mapped[float] = mapped_column(Float)
    scope1_co2_t: Mapped[float] = mapped_column(Float)
    scope2_co2_t: Mapped[float] = mapped_column(Float)
    energy_tce: Mapped[float] = mapped_column(Float)
    energy_gj: Mapped[float] = mapped_column(Float)
    freight_tkm: Mapped[float | None] = mapped_column(Float)
    passenger_pkm: Mapped[float | None] = mapped_column(Float)
    converted_tkm: Mapped[float | None] = mapped_column(Float)
    throughput_t: Mapped[float | None] = mapped_column(Float)


class CalculationLine(InventoryMeasures, Base):
    """One input record's contribution to a run, with the factor values it was computed with."""

    __tablename__ = "calculation_lines"
    __table_args__ = (Index("ix_lines_run_sector", "run_id", "sector"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("activity_records.id"), index=True)
    org_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    sector: Mapped[str] = mapped_column(String(40))
    fuel: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    mass_t: Mapped[float | None] = mapped_column(Float)
    volume_m3: Mapped[float | None] = mapped_column(Float)
    kwh: Mapped[float | None] = mapped_column(Float)
    factors: Mapped[dict[str, object]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    data_quality: Mapped[str | None] = mapped_column(String(20))
    factor_key: Mapped[str | None] = mapped_column(String(80))
    """The CO2 factor row (``fuel_properties:diesel``, ``grid:CN-JS:2023`` …) whose error the line shares."""
    u_activity: Mapped[float | None] = mapped_column(Float)
    """95% half-width of the activity [fraction]."""
    u_factor: Mapped[float | None] = mapped_column(Float)
    """95% half-width of the CO2 factor [fraction]."""
    quality_score: Mapped[float | None] = mapped_column(Float)


class Result(InventoryMeasures, Base):
    """An aggregate of a run: by year, and optionally month, sector and organisation (null = all)."""

    __tablename__ = "results"
    __table_args__ = (Index("ix_results_run_dims", "run_id", "year", "sector"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calculation_runs.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    sector: Mapped[str | None] = mapped_column(String(40))
    org_id: Mapped[str | None] = mapped_column(String(64))
    co2_u_t: Mapped[float | None] = mapped_column(Float)
    """95% half-width of ``co2_t`` [t] (IPCC approach 1, :mod:`transcarbon.methods.uncertainty`)."""
    quality_score: Mapped[float | None] = mapped_column(Float)
    quality_grade: Mapped[str | None] = mapped_column(String(2))
    intensity_kgco2_per_converted_tkm: Mapped[float | None] = mapped_column(Float)
    line_count: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Append-only, keyed hash chain: hash = HMAC-SHA256(key ``key_id``, prev_hash + canonical JSON of the entry).

    ``key_id`` null: an entry written before the chain was keyed (plain SHA-256), allowed only before the
    first keyed entry."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(100))
    before_hash: Mapped[str | None] = mapped_column(String(64))
    after_hash: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON text, hashed as is
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditHead(Base):
    """The chain's head (one row, id 1), locked while appending so that concurrent writers queue; ``mac`` is
    keyed over (last_id, last_hash), so that removing entries from the end and moving the head back shows."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))
    mac: Mapped[str | None] = mapped_column(String(64))


class PlatformMeta(Base):
    """Facts about the database itself (``kind``: ``demo`` on a database created as the synthetic demo)."""

    __tablename__ = "platform_meta"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UploadedFile(Base):
    """A raw uploaded file, kept by content hash (bytes under ``<data_dir>/uploads``); one row per content."""

    __tablename__ = "uploaded_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(400))  # relative to the data directory
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Submission(Base):
    """One version of one report (type × organisation × period) and its place in the workflow.

    state: draft → submitted → approved | returned; a newer version marks older ones superseded.
    ``lock_version`` grows on every state change; transitions are conditional updates on it, so two
    concurrent reviewers cannot both move the same version.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("report_type", "org_id", "period", "version"),
        Index("ix_submissions_slot", "report_type", "org_id", "period"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_type: Mapped[str] = mapped_column(String(60))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), index=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("uploaded_files.sha256"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    row_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[object]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)


class SubmissionAttachment(Base):
    """A file attached to a submission (milestone evidence), kept like the raw upload."""

    __tablename__ = "submission_attachments"
    __table_args__ = (UniqueConstraint("submission_id", "file_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("uploaded_files.sha256"))
    file_name: Mapped[str] = mapped_column(String(300))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportRow(Base):
    """One checked row of a report type other than the activity contract (fields as JSON)."""

    __tablename__ = "report_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    row_hash: Mapped[str] = mapped_column(String(64))


class User(Base):
    """A person or system account. role: admin | analyst | department | reporter | auditor | public."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    department_id: Mapped[str | None] = mapped_column(String(60))  # a city department id (department users)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiToken(Base):
    """An API token for systems: only its SHA-256 is stored; the token is shown once when issued."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # null: never (tokens issued before expiry)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A browser session: the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginAttempt(Base):
    """Every password login attempt: succeeded (``ok``), failed, or refused unseen while throttled (``throttled``:
    not counted as a failure, so that hammering cannot extend a wait); an admin's unlock is a row with
    ``remote`` ``*`` and ``ok`` true."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_user_ts", "username", "ts"),
        Index("ix_login_attempts_remote_ts", "remote", "ts"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80))
    remote: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    throttled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ts: Mapped[datetime] = mapped_column(UtcDateTime)


class Job(Base):
    """A background job of the one queue (:mod:`transcarbon.services.jobs`): ``kind`` (``recompute``: the figures
    of some years after approved data changed; ``ship_run``: a stored ship run from uploaded files) with its
    ``payload``; ``queued`` → ``running`` (``tries`` counts the claims, ``heartbeat_at`` moves while it runs) →
    ``done`` with its ``result`` | ``failed`` with ``error_code`` (a catalog key, the words a page shows) and
    ``error`` (the technical text, for administrators)."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
