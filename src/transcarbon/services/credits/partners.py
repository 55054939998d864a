"""Partner apps (MaaS, transit card, bike share) and their signed requests.

A partner holds a public API key and a secret. The secret is never stored: it is
``HMAC-SHA256(credits key, "partner|" + api_key)`` under the credits key ring (outside the database), recomputed
to check a request; the key ring's id is kept on the partner so that a rotated ring still verifies it.

A request carries ``Authorization: Bearer <key>``, ``X-Timestamp: <unix seconds>`` and ``X-Signature: <hex
HMAC-SHA256(secret, "<timestamp>\\n" + raw body)>``; a wrong signature, an unknown or inactive key, or a
timestamp more than :data:`MAX_SKEW_S` off the server's clock is refused (401). Retries within the window are
the idempotency key's business.

Rotation (:func:`rotate`): a new key and secret (shown once); the previous key and its secret stay valid for a
grace period (the city's ``credits.key_grace_hours``, default 72 h) so that the partner can deploy the new ones,
then are refused (``credits.key_retired``). A second rotation within the grace period retires the oldest key at
once. Audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from transcarbon.services import audit, keys
from transcarbon.services.credits.common import PURPOSE, CreditsError, account, now_utc
from transcarbon.services.credits.ledger import lock
from transcarbon.store.models_credits import CreditPartner

__all__ = [
    "KINDS",
    "MAX_SKEW_S",
    "CreditPartner",
    "add_partner",
    "authenticate",
    "list_partners",
    "rotate",
    "set_active",
    "sign",
]

MAX_SKEW_S = 300
KINDS = ("maas", "transit_card", "bike_share")


def _secret(api_key: str, key_id: str) -> str:
    key = keys.ring(PURPOSE).get(key_id)
    if key is None:
        raise CreditsError(401, "credits.bad_signature")
    return hmac.new(key.secret, b"partner|" + api_key.encode("ascii"), hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature of a request: hex HMAC-SHA256(secret, "<timestamp>\\n" + body)."""
    return hmac.new(secret.encode("ascii"), timestamp.encode("ascii") + b"\n" + body, hashlib.sha256).hexdigest()


def add_partner(session: Session, name: str, kind: str, *, actor: str) -> dict[str, Any]:
    """A new partner: ``{"partner_id", "key", "secret"}`` (the secret is shown this once). Audited."""
    if kind not in KINDS:
        raise CreditsError(422, "credits.bad_partner_kind", kind=kind, kinds=", ".join(KINDS))
    name = name.strip()
    if not name or len(name) > 100:
        raise CreditsError(422, "credits.bad_partner_name")
    head = lock(session)  # noqa: F841  (serialises with intake: the partner's account is opened below)
    if session.scalars(select(CreditPartner).where(CreditPartner.name == name)).first() is not None:
        raise CreditsError(409, "credits.partner_exists", name=name)
    api_key, key_id = _new_key()
    partner = CreditPartner(name=name, kind=kind, api_key=api_key, key_id=key_id, active=True, created_at=now_utc())
    session.add(partner)
    session.flush()
    account(session, "partner", str(partner.id))
    audit.append(
        session,
        actor=actor,
        action="credits.partner_added",
        object_type="credit_partner",
        object_id=str(partner.id),
        after={"name": name, "kind": kind, "api_key": api_key},
    )
    return {"partner_id": partner.id, "key": api_key, "secret": _secret(api_key, key_id)}


def _new_key() -> tuple[str, str]:
    """A fresh public key and the id of the credits key its secret is derived under."""
    return "pk_" + secrets.token_hex(16), keys.ring(PURPOSE).current.id


def rotate(
    session: Session, partner_id: int, *, grace_hours: int, actor: str, now: datetime | None = None
) -> dict[str, Any]:
    """Issue a partner a new key and secret (``{"partner_id", "key", "secret", "previous_valid_until"}``, the
    secret shown this once); its current key stays valid ``grace_hours`` more, then is refused. Audited."""
    if not 0 <= grace_hours <= 2160:
        raise CreditsError(422, "credits.bad_grace_hours", hours=grace_hours)
    partner = session.get(CreditPartner, partner_id)
    if partner is None:
        raise CreditsError(404, "credits.no_partner", id=partner_id)
    until = (now or now_utc()) + timedelta(hours=grace_hours)
    old_key = partner.api_key
    api_key, key_id = _new_key()
    partner.previous_api_key, partner.previous_key_id, partner.previous_valid_until = old_key, partner.key_id, until
    partner.api_key, partner.key_id = api_key, key_id
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="credits.partner_key_rotated",
        object_type="credit_partner",
        object_id=str(partner.id),
        before={"api_key": old_key},
        after={"api_key": api_key, "previous_valid_until": until.isoformat(), "grace_hours": grace_hours},
    )
    return {
        "partner_id": partner.id,
        "key": api_key,
        "secret": _secret(api_key, key_id),
        "previous_valid_until": until.isoformat(),
    }


def set_active(session: Session, partner_id: int, active: bool, *, actor: str) -> None:
    """Suspend or restore a partner's key (audited)."""
    partner = session.get(CreditPartner, partner_id)
    if partner is None:
        raise CreditsError(404, "credits.no_partner", id=partner_id)
    partner.active = active
    audit.append(
        session,
        actor=actor,
        action="credits.partner_active" if active else "credits.partner_suspended",
        object_type="credit_partner",
        object_id=str(partner_id),
    )


def authenticate(
    session: Session, authorization: str | None, timestamp: str | None, signature: str | None, body: bytes, now_s: float
) -> CreditPartner:
    """The partner that signed this request, or :class:`CreditsError` 401."""
    scheme, _, api_key = (authorization or "").partition(" ")
    api_key = api_key.strip()
    if scheme.lower() != "bearer" or not api_key.startswith("pk_") or len(api_key) > 64:
        raise CreditsError(401, "credits.bad_key")
    try:
        ts = int(timestamp or "")
    except ValueError:
        raise CreditsError(401, "credits.bad_timestamp") from None
    if abs(now_s - ts) > MAX_SKEW_S:
        raise CreditsError(401, "credits.stale_timestamp", skew=MAX_SKEW_S)
    partner = session.scalars(
        select(CreditPartner).where(or_(CreditPartner.api_key == api_key, CreditPartner.previous_api_key == api_key))
    ).first()
    if partner is None or not partner.active:
        raise CreditsError(401, "credits.bad_key")
    key_id = partner.key_id
    if partner.api_key != api_key:  # the previous key: only within its grace period
        until = partner.previous_valid_until
        if until is None or partner.previous_key_id is None or now_s > until.timestamp():
            raise CreditsError(401, "credits.key_retired")
        key_id = partner.previous_key_id
    expected = sign(_secret(api_key, key_id), str(timestamp), body)
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise CreditsError(401, "credits.bad_signature")
    return partner


def list_partners(session: Session) -> list[dict[str, Any]]:
    """Every partner: id, name, kind, key, whether active, since when, until when its previous key is accepted
    (never the secret)."""
    return [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "key": p.api_key,
            "active": p.active,
            "created_at": p.created_at,
            "previous_valid_until": p.previous_valid_until,
        }
        for p in session.scalars(select(CreditPartner).order_by(CreditPartner.id))
    ]
