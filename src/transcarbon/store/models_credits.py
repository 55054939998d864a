"""Tables of green-trip carbon credits (碳普惠): partners, pseudonymous accounts, consents, trips with their
verdicts, fare-card records, the catalogue (rewards and public-good projects) and the ledger.

The ledger (``credit_ledger`` + ``credit_ledger_head``) is append-only and double-entry: each row moves
``points`` from ``debit_account_id`` to ``credit_account_id``; an account's ``balance_points`` is kept equal to
what its rows add up to, and the rows form a keyed hash chain like the audit log (``services/chain.py``). Row
ids are given by the appender while it holds the head (no gaps). A ledger row's ``ref`` is unique: one credit
per trip, one reversal per credit, one redemption per idempotency key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transcarbon.store.models import Base
from transcarbon.store.types import UtcDateTime


class CreditPartner(Base):
    """A partner app (MaaS, transit card, bike share) with its API key; its secret is derived from the key under
    the credits key ring (never stored)."""

    __tablename__ = "credit_partners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    api_key: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    previous_api_key: Mapped[str | None] = mapped_column(String(64))
    """The key replaced by the last rotation, accepted until ``previous_valid_until`` (then refused)."""
    previous_key_id: Mapped[str | None] = mapped_column(String(16))
    previous_valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CreditAccount(Base):
    """A ledger account: ``user`` (ref = the keyed hash of the user's reference; ``deleted:<id>`` once the user
    asked for deletion), ``partner`` (ref = partner id), ``pool`` (the city's points pool) or ``project``."""

    __tablename__ = "credit_accounts"
    __table_args__ = (UniqueConstraint("kind", "ref", name="uq_credit_accounts_kind_ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(80))
    balance_points: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CreditConsent(Base):
    """A user's consent to one scene (transit, cycling, walking, carpool); the latest decision counts."""

    __tablename__ = "credit_consents"
    __table_args__ = (UniqueConstraint("account_id", "scene", name="uq_credit_consents_account_scene"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_accounts.id"))
    scene: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    partner_id: Mapped[int] = mapped_column(ForeignKey("credit_partners.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class CreditTrip(Base):
    """A submitted trip, its answer and why: methodology version and hash, baseline and mode factors, every rule's
    verdict. Personal details (times, distance, evidence) are cleared after the retention time or on deletion."""

    __tablename__ = "credit_trips"
    __table_args__ = (
        UniqueConstraint("partner_id", "idempotency_key", name="uq_credit_trips_partner_key"),
        Index("ix_credit_trips_account_start", "account_id", "started_at"),
        Index("ix_credit_trips_status", "status", "pending_reason"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("credit_partners.id"))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("credit_accounts.id"))
    mode: Mapped[str] = mapped_column(String(20))
    day: Mapped[str | None] = mapped_column(String(10))
    distance_km: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    evidence: Mapped[dict[str, object] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))
    pending_reason: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    reduction_kg: Mapped[float] = mapped_column(Float, default=0.0)
    points: Mapped[int] = mapped_column(BigInteger, default=0)
    methodology_version: Mapped[str] = mapped_column(String(40))
    methodology_hash: Mapped[str] = mapped_column(String(64))
    baseline_kind: Mapped[str] = mapped_column(String(20))
    baseline_ef: Mapped[float] = mapped_column(Float)
    mode_ef: Mapped[float | None] = mapped_column(Float)
    rules_version: Mapped[str] = mapped_column(String(40))
    verdicts: Mapped[dict[str, object]] = mapped_column(JSON)
    appeal_status: Mapped[str | None] = mapped_column(String(12))
    appeal_text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CreditFare(Base):
    """A fare-card record (a tap) sent by a transit-card partner, matched to at most one transit trip."""

    __tablename__ = "credit_fares"
    __table_args__ = (
        UniqueConstraint("partner_id", "fare_ref", name="uq_credit_fares_partner_ref"),
        Index("ix_credit_fares_account_tapped", "account_id", "tapped_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("credit_partners.id"))
    fare_ref: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_accounts.id"))
    mode: Mapped[str] = mapped_column(String(20))
    tapped_at: Mapped[datetime] = mapped_column(UtcDateTime)
    matched_trip_id: Mapped[int | None] = mapped_column(ForeignKey("credit_trips.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CreditCatalogueItem(Base):
    """A reward (``kind`` reward: a cost in points and a stock) or a public-good project to donate to."""

    __tablename__ = "credit_catalogue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    cost_points: Mapped[int] = mapped_column(BigInteger, default=0)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("credit_partners.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CreditLedgerEntry(Base):
    """One double-entry posting, a link of the ledger's keyed hash chain (ids given in order by the appender)."""

    __tablename__ = "credit_ledger"
    __table_args__ = (
        Index("ix_credit_ledger_debit", "debit_account_id"),
        Index("ix_credit_ledger_credit", "credit_account_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("credit_accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("credit_accounts.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    ref: Mapped[str] = mapped_column(String(240), unique=True)
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("credit_trips.id"))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))


class CreditLedgerHead(Base):
    """The ledger's head (one row, id 1): last id and hash with a keyed MAC; locked while appending."""

    __tablename__ = "credit_ledger_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))
    mac: Mapped[str | None] = mapped_column(String(64))
