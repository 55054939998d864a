"""Users, roles, permissions, passwords (argon2), API tokens, browser sessions and login throttling.

Roles (what each may do is the table :data:`PERMISSIONS`; where, :class:`Principal` scopes):

- ``admin``: everything, including users and roles;
- ``analyst`` (bureau analyst): reads everything, reviews (approve / return / un-approve), completeness;
- ``department``: reports for its own organisation; reads the report types its city department
  supervises (``supervisors`` in the report configuration) and completeness of those;
- ``reporter`` (enterprise reporter): its own organisation only;
- ``auditor``: reads everything and the audit log, changes nothing;
- ``public``: published aggregates only (as anyone without an account).

Secrets are never stored: passwords as argon2id hashes, API tokens and session tokens as SHA-256
(they are 256-bit random values, so a fast hash suffices). Logins are throttled per (user name, address) with
a growing wait that an attacker cannot lengthen by hammering (:class:`LoginPolicy`), and an admin can unlock;
every attempt is recorded and logged in the audit chain.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog
from transcarbon.services import audit
from transcarbon.services.listing import contains, matching, order, page_of
from transcarbon.settings import Settings
from transcarbon.store.models import ApiToken, LoginAttempt, Organisation, User, WebSession

ROLES: tuple[str, ...] = ("admin", "analyst", "department", "reporter", "auditor", "public")
_READERS = frozenset({"admin", "analyst", "department", "reporter", "auditor"})
_SENDERS = frozenset({"admin", "analyst", "department", "reporter"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "report_types.read": _READERS,
    "submissions.read": _READERS,
    "submissions.upload": _SENDERS,
    "submissions.submit": _SENDERS,
    "submissions.review": frozenset({"admin", "analyst"}),
    "completeness.read": frozenset({"admin", "analyst", "department", "auditor"}),
    "organisations.read": _READERS,
    "users.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin", "auditor"}),
    "public.read": frozenset(ROLES),
    "results.read": _READERS,  # reporters: their own organisation's results only (scoped by the route)
    "evaluation.read": frozenset({"admin", "analyst", "department", "auditor"}),
    "evaluation.run": frozenset({"admin", "analyst"}),
    "credits.read": frozenset({"admin", "analyst", "auditor"}),
    "credits.review": frozenset({"admin", "analyst"}),
    "credits.manage": frozenset({"admin"}),
}
ORG_ROLES = frozenset({"department", "reporter"})
MIN_PASSWORD = 10
TOKEN_PREFIX = "tc_"

_hasher = PasswordHasher()


def configure_hasher(*, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4) -> None:
    """Set the argon2id cost (defaults: the library's RFC 9106 low-memory profile). Tests lower it."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _dummy_hash = None


_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Check ``password``; with no stored hash, still spend the time of one check (no user enumeration)."""
    global _dummy_hash
    if stored is None:
        _dummy_hash = _dummy_hash or _hasher.hash(secrets.token_hex(8))
        stored, password = _dummy_hash, password + "\x00"
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token bound to a session: HMAC of the (HttpOnly) session token; nothing to store."""
    return hmac.new(session_token.encode("utf-8"), b"transcarbon-csrf", hashlib.sha256).hexdigest()


def csrf_ok(session_token: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(session_token), presented)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Principal:
    """Who is acting: the user's id, name, role, organisation and city department (``None`` = anonymous)."""

    user_id: int | None
    username: str
    role: str
    org_id: str | None = None
    department_id: str | None = None

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(user.id, user.username, user.role, user.org_id, user.department_id)

    @classmethod
    def anonymous(cls) -> Principal:
        return cls(None, "anonymous", "public")

    def may(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def org_bound(self) -> bool:
        """True when limited to one organisation for reporting (and, for reporters, for reading)."""
        return self.role in ORG_ROLES

    def may_report_for(self, org_id: str) -> bool:
        return self.may("submissions.upload") and (not self.org_bound or self.org_id == org_id)

    def supervised(self, catalog: ReportCatalog) -> list[str]:
        """Report types a department user may read for every organisation."""
        if self.role != "department" or not self.department_id:
            return []
        return [rt.id for rt in catalog.report_types if self.department_id in rt.supervisors]

    def may_read_records(self, catalog: ReportCatalog, org_id: str | None) -> bool:
        """Whether the activity records behind a result (its lineage inputs) are readable: of ``org_id``,
        or of every organisation when ``org_id`` is ``None`` (city and sector totals). Reporters: their own
        organisation only; department users: their own, or all when they supervise an activity report type."""
        if not self.may("results.read"):
            return False
        if self.role == "reporter":
            return org_id is not None and org_id == self.org_id
        if self.role == "department":
            activity = {rt.id for rt in catalog.report_types if rt.feeds == "activity"}
            return bool(activity & set(self.supervised(catalog))) or (org_id is not None and org_id == self.org_id)
        return True

    def may_read(self, catalog: ReportCatalog, report_type: str, org_id: str) -> bool:
        if not self.may("submissions.read"):
            return False
        if self.role == "reporter":
            return org_id == self.org_id
        if self.role == "department":
            return org_id == self.org_id or report_type in self.supervised(catalog)
        return True


class UserError(ValueError):
    """A user-management request cannot be done: ``key`` and ``values`` render the catalog message."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    actor: str,
    password: str | None = None,
    org_id: str | None = None,
    department_id: str | None = None,
    display_name: str | None = None,
    departments: list[str] | None = None,
) -> User:
    """Add a user (audited). ``departments``: the city's department ids, to check ``department_id``."""
    if role not in ROLES:
        raise UserError("user.bad_role", role=role, allowed=", ".join(ROLES))
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise UserError("user.exists", username=username)
    if role in ORG_ROLES and not org_id:
        raise UserError("user.org_required", role=role)
    _check_org(session, org_id)
    if role == "department" and departments is not None and department_id is None:
        raise UserError("user.department_required", allowed=", ".join(departments))
    _check_department(department_id, departments)
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError("user.password_short", min=MIN_PASSWORD)
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        org_id=org_id,
        department_id=department_id,
        password_hash=None if password is None else hash_password(password),
        disabled=False,
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="user.add",
        object_type="user",
        object_id=str(user.id),
        after=_user_state(user),
        details={"username": username, "role": role, "org_id": org_id, "department_id": department_id},
    )
    return user


def _check_org(session: Session, org_id: str | None) -> None:
    """A given organisation must be registered (any role), else :class:`UserError` ``wf.unknown_org``."""
    if org_id is not None and session.get(Organisation, org_id) is None:
        raise UserError("wf.unknown_org", org=org_id)


def _check_department(department_id: str | None, departments: list[str] | None) -> None:
    """A given department must be one of the city's (``departments``; ``None``: not checked)."""
    if department_id is not None and departments is not None and department_id not in departments:
        raise UserError("user.unknown_department", department=department_id, allowed=", ".join(departments))


def _user_state(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role,
        "org_id": user.org_id,
        "department_id": user.department_id,
        "disabled": user.disabled,
    }


def find_user(session: Session, username: str) -> User | None:
    """The user called ``username``, or ``None``."""
    return session.scalars(select(User).where(User.username == username)).first()


def get_user(session: Session, username: str) -> User:
    """The user called ``username``; :class:`UserError` ``user.not_found`` when there is none."""
    user = find_user(session, username)
    if user is None:
        raise UserError("user.not_found", username=username)
    return user


def get_user_by_id(session: Session, user_id: int) -> User:
    """The user with database id ``user_id``; :class:`UserError` ``user.not_found`` when there is none."""
    user = session.get(User, user_id)
    if user is None:
        raise UserError("user.not_found", username=str(user_id))
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by id."""
    return list(session.scalars(select(User).order_by(User.id)))


USER_SORTS = {
    "id": User.id,
    "username": User.username,
    "display_name": User.display_name,
    "role": User.role,
    "org": User.org_id,
    "disabled": User.disabled,
}
"""What the list of users may be sorted by (``-`` first for descending)."""


def page_of_users(
    session: Session,
    *,
    search: str | None = None,
    roles: tuple[str, ...] = (),
    sort: str = "id",
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[User]]:
    """(how many users match, one page of them): ``search`` in the user name, display name, role, department id
    or the organisation's id or name, or the user has one of ``roles`` (the roles whose names the reader's
    search matched)."""
    query = select(User)
    searched = (User.username, User.display_name, User.role, User.department_id)
    if (found := matching(searched, search)) is not None:
        named = contains((Organisation.id, Organisation.name_zh, Organisation.name_en), (search or "").strip()[:60])
        query = query.where(or_(found, User.org_id.in_(select(Organisation.id).where(named)), User.role.in_(roles)))
    return page_of(session, query, order(USER_SORTS, sort, User.id), limit=limit, offset=offset)


def update_user(
    session: Session,
    user: User,
    *,
    actor: str,
    role: str | None = None,
    disabled: bool | None = None,
    org_id: str | None = None,
    department_id: str | None = None,
    departments: list[str] | None = None,
) -> User:
    """Change role, organisation, department or the disabled flag (each change audited with before/after).

    ``departments``: the city's department ids, to check ``department_id`` (``None``: not checked)."""
    before = _user_state(user)
    if role is not None:
        if role not in ROLES:
            raise UserError("user.bad_role", role=role, allowed=", ".join(ROLES))
        user.role = role
    if org_id is not None:
        _check_org(session, org_id)
        user.org_id = org_id
    if department_id is not None:
        _check_department(department_id, departments)
        user.department_id = department_id
    if user.role in ORG_ROLES and not user.org_id:
        raise UserError("user.org_required", role=user.role)
    if disabled is not None:
        user.disabled = disabled
        if disabled:
            _revoke_all(session, user.id)
    after = _user_state(user)
    if after != before:
        action = (
            "user.role"
            if before["role"] != after["role"]
            else ("user.disable" if disabled and not before["disabled"] else "user.update")
        )
        audit.append(
            session,
            actor=actor,
            action=action,
            object_type="user",
            object_id=str(user.id),
            before=before,
            after=after,
            details={"username": user.username, "changed": sorted(k for k in after if after[k] != before[k])},
        )
    session.flush()
    return user


def disable_user(session: Session, username: str, *, actor: str) -> User:
    return update_user(session, get_user(session, username), actor=actor, disabled=True)


def _revoke_all(session: Session, user_id: int) -> None:
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True))
    session.execute(update(WebSession).where(WebSession.user_id == user_id).values(revoked=True))


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: the token itself (shown once, never stored), its id and when it expires."""

    token: str = field(repr=False)
    id: int
    expires_at: datetime


def issue_token(
    session: Session, user: User, *, name: str, actor: str, days: float, now: datetime | None = None
) -> IssuedToken:
    """A new API token for ``user`` valid for ``days``; returned once, stored as its SHA-256 only (audited)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = (now or datetime.now(UTC)) + timedelta(days=days)
    row = ApiToken(
        user_id=user.id,
        name=name[:100],
        token_hash=token_hash(token),
        prefix=token[:10],
        revoked=False,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="token.issue",
        object_type="user",
        object_id=str(user.id),
        details={
            "username": user.username,
            "token_id": row.id,
            "name": name,
            "prefix": row.prefix,
            "expires_at": expires.isoformat(),
        },
    )
    return IssuedToken(token, row.id, expires)


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """``user``'s API tokens (revoked and expired ones too), newest first; never the token itself."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int, *, actor: str) -> ApiToken:
    """Revoke one of ``user``'s tokens (audited); :class:`UserError` ``token.not_found`` when it is not theirs."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise UserError("token.not_found", id=token_id, username=user.username)
    if not row.revoked:
        row.revoked = True
        audit.append(
            session,
            actor=actor,
            action="token.revoke",
            object_type="user",
            object_id=str(user.id),
            details={"username": user.username, "token_id": row.id, "prefix": row.prefix},
        )
    session.flush()
    return row


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The enabled user an unrevoked, unexpired API token belongs to, or ``None``."""
    now = now or datetime.now(UTC)
    return session.scalars(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == token_hash(token),
            ApiToken.revoked.is_(False),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            User.disabled.is_(False),
        )
    ).first()


def _set_password(session: Session, user: User, new_password: str, *, actor: str, action: str) -> None:
    if len(new_password) < MIN_PASSWORD:
        raise UserError("user.password_short", min=MIN_PASSWORD)
    user.password_hash = hash_password(new_password)
    session.execute(update(WebSession).where(WebSession.user_id == user.id).values(revoked=True))
    audit.append(
        session,
        actor=actor,
        action=action,
        object_type="user",
        object_id=str(user.id),
        details={"username": user.username},
    )
    session.flush()


def change_password(session: Session, user: User, current: str, new_password: str) -> None:
    """The user's own change: the current password first (:class:`UserError` ``user.wrong_password``); every
    browser session of the user ends (audited)."""
    if not verify_password(user.password_hash, current):
        raise UserError("user.wrong_password")
    _set_password(session, user, new_password, actor=user.username, action="user.password_change")


def reset_password(session: Session, user: User, new_password: str, *, actor: str) -> None:
    """An admin sets a new password for ``user``; every browser session of the user ends (audited)."""
    _set_password(session, user, new_password, actor=actor, action="user.password_reset")


@dataclass(frozen=True)
class LoginPolicy:
    """Login throttling per (user name, address) and the session lifetime.

    After ``max_failures`` failed passwords from one address for one user name within ``window``, each further
    attempt from that address must wait ``backoff`` × 2^(failures beyond the free ones), at most ``window``,
    after the last failure. An attempt refused while waiting is not counted, so hammering cannot lengthen the
    wait; other addresses, and other user names from the same address, are not affected; a success or an
    admin's unlock starts the count again."""

    max_failures: int = 5
    backoff: timedelta = timedelta(seconds=2)
    window: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=12)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        """The policy configured by ``TRANSCARBON_LOGIN_*`` and ``TRANSCARBON_SESSION_HOURS``."""
        return cls(
            max_failures=settings.login_max_failures,
            backoff=timedelta(seconds=settings.login_backoff_seconds),
            window=timedelta(minutes=settings.login_window_minutes),
            session_lifetime=timedelta(hours=settings.session_hours),
        )

    def wait(self, failures: int) -> timedelta:
        """How long to wait after the last of ``failures`` counted failures (zero while under the free ones)."""
        if failures < self.max_failures:
            return timedelta(0)
        grown: timedelta = self.backoff * 2 ** min(failures - self.max_failures, 30)
        return min(grown, self.window)


@dataclass(frozen=True)
class LoginOutcome:
    """``user`` and ``session_token`` on success; ``retry_after`` when refused unseen (throttled); else bad
    credentials."""

    user: User | None = None
    session_token: str | None = None
    retry_after: timedelta | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


UNLOCKED = "*"
"""The ``remote`` of the login attempt row an admin's unlock writes: it resets the count for every address."""


def _counted_failures(session: Session, username: str, remote: str, since: datetime) -> list[datetime]:
    """Times of the failures that count for (user name, address): after ``since``, after the last success from
    that address and the last unlock, not refused while throttled; newest first."""
    reset = session.scalar(
        select(func.max(LoginAttempt.ts)).where(
            LoginAttempt.username == username, LoginAttempt.ok.is_(True), LoginAttempt.remote.in_([remote, UNLOCKED])
        )
    )
    start = max(since, reset) if reset is not None else since
    return list(
        session.scalars(
            select(LoginAttempt.ts)
            .where(
                LoginAttempt.username == username,
                LoginAttempt.remote == remote,
                LoginAttempt.ok.is_(False),
                LoginAttempt.throttled.is_(False),
                LoginAttempt.ts > start,
            )
            .order_by(LoginAttempt.ts.desc())
        )
    )


def login(
    session: Session, username: str, password: str, *, remote: str, policy: LoginPolicy, now: datetime | None = None
) -> LoginOutcome:
    """Check a password login, throttled per (user name, address); records the attempt and an audit entry in the
    caller's transaction."""
    now = now or datetime.now(UTC)
    name, addr = username[:80], remote[:64]
    failures = _counted_failures(session, name, addr, now - policy.window)
    if failures:
        until = failures[0] + policy.wait(len(failures))
        if now < until:
            session.add(LoginAttempt(username=name, remote=addr, ok=False, throttled=True, ts=now))
            audit.append(
                session,
                actor=username[:100],
                action="login.throttled",
                object_type="user",
                object_id=username,
                details={"remote": remote, "failures": len(failures)},
            )
            return LoginOutcome(retry_after=until - now)
    user = find_user(session, username)
    ok = verify_password(user.password_hash if user is not None else None, password)
    ok = ok and user is not None and not user.disabled
    session.add(LoginAttempt(username=name, remote=addr, ok=ok, throttled=False, ts=now))
    if not ok or user is None:
        audit.append(
            session,
            actor=username[:100],
            action="login.failed",
            object_type="user",
            object_id=username,
            details={"remote": remote},
        )
        return LoginOutcome()
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + policy.session_lifetime,
            revoked=False,
        )
    )
    audit.append(
        session,
        actor=user.username,
        action="login.ok",
        object_type="user",
        object_id=str(user.id),
        details={"remote": remote, "method": "password"},
    )
    return LoginOutcome(user=user, session_token=token)


def unlock(session: Session, user: User, *, actor: str, now: datetime | None = None) -> None:
    """Clear ``user``'s login throttling for every address (an admin's act, audited)."""
    session.add(
        LoginAttempt(
            username=user.username[:80], remote=UNLOCKED, ok=True, throttled=False, ts=now or datetime.now(UTC)
        )
    )
    audit.append(
        session,
        actor=actor,
        action="login.unlock",
        object_type="user",
        object_id=str(user.id),
        details={"username": user.username},
    )


def user_for_session(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    now = now or datetime.now(UTC)
    row = session.scalars(
        select(WebSession).where(WebSession.token_hash == token_hash(token), WebSession.revoked.is_(False))
    ).first()
    if row is None or _aware(row.expires_at) <= now:
        return None
    user = session.get(User, row.user_id)
    return None if user is None or user.disabled else user


def logout(session: Session, token: str) -> None:
    """End the browser session of ``token`` on the server, whoever asks (audited when it was a live session)."""
    row = session.scalars(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
    if row is None or row.revoked:
        return
    row.revoked = True
    user = session.get(User, row.user_id)
    actor = user.username if user is not None else "-"
    audit.append(session, actor=actor, action="logout", object_type="user", object_id=str(row.user_id), details={})
