"""Use case: people handle the warnings (the inbox): acknowledge one, assign it to a department user, comment
on it, close it or reopen it. Each step is a :class:`WarningNote` and an audit entry, in the caller's
transaction. Admins and analysts handle every warning; a department user those that name its department."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.users import Principal, find_user
from transcarbon.store.models import User
from transcarbon.store.models_evaluation import EvaluationWarning, WarningNote

ACTIONS: dict[str, str | None] = {
    "acknowledge": "acknowledged",
    "assign": "assigned",
    "comment": None,
    "close": "closed",
    "reopen": "acknowledged",
}
"""Each action and the handling state it leaves (None: unchanged)."""
HANDLING = ("new", "acknowledged", "assigned", "closed")


class HandlingRefused(Exception):
    """A step that may not be taken: ``key`` names the catalog message, ``status`` the HTTP-like status."""

    def __init__(self, status: int, key: str, **values: object):
        self.status, self.key, self.values = status, key, values
        super().__init__(key)


def may_handle(principal: Principal, warning: EvaluationWarning) -> bool:
    if principal.role in ("admin", "analyst"):
        return True
    return principal.role == "department" and principal.department_id in (warning.departments or [])


def assignees(session: Session) -> list[User]:
    """The active department users a warning can be assigned to, by name."""
    q = select(User).where(User.role == "department", User.disabled.is_(False)).order_by(User.username)
    return list(session.scalars(q))


def act(
    session: Session,
    principal: Principal,
    warning_id: int,
    action: str,
    *,
    assignee: str | None = None,
    comment: str | None = None,
) -> EvaluationWarning:
    """Take one step on a warning (audited); refused with :class:`HandlingRefused`."""
    if action not in ACTIONS:
        raise HandlingRefused(404, "web.not_found")
    warning = session.get(EvaluationWarning, warning_id)
    if warning is None:
        raise HandlingRefused(404, "web.warning.not_found", id=warning_id)
    if not may_handle(principal, warning):
        raise HandlingRefused(403, "auth.forbidden", role=principal.role)
    comment = (comment or "").strip()[:2000] or None
    if action == "comment" and comment is None:
        raise HandlingRefused(422, "web.warning.comment_required")
    if action == "assign":
        user = find_user(session, assignee or "")
        if user is None or user.role != "department" or user.disabled:
            raise HandlingRefused(422, "web.warning.bad_assignee", name=assignee or "-")
    before = {"handling": warning.handling, "assignee": warning.assignee}
    target = ACTIONS[action]
    if target is not None:
        warning.handling = target
    if action == "assign":
        warning.assignee = assignee
    session.add(
        WarningNote(
            warning_id=warning.id,
            action=action,
            actor=principal.username,
            assignee=assignee if action == "assign" else None,
            comment=comment,
            at=datetime.now(UTC),
        )
    )
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action=f"warning.{action}",
        object_type="warning",
        object_id=str(warning.id),
        before=before,
        after={"handling": warning.handling, "assignee": warning.assignee},
        details={"comment": comment, "assignee": assignee if action == "assign" else None, "kind": warning.kind},
    )
    return warning


def handling_of(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per warning: its handling state, assignee and notes (oldest first)."""
    if not ids:
        return {}
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for n in session.scalars(select(WarningNote).where(WarningNote.warning_id.in_(ids)).order_by(WarningNote.id)):
        notes[n.warning_id].append(
            {"action": n.action, "actor": n.actor, "assignee": n.assignee, "comment": n.comment, "at": n.at}
        )
    rows = session.execute(
        select(EvaluationWarning.id, EvaluationWarning.handling, EvaluationWarning.assignee).where(
            EvaluationWarning.id.in_(ids)
        )
    ).all()
    return {i: {"handling": h, "assignee": a, "notes": notes.get(i, [])} for i, h, a in rows}
