"""The audit log (auditors, admins: newest first, with the verification of the chain and the seals) and user
administration (admins: list, add, change role, disable, reset a password, unlock a throttled login). Writes go
through ``services.users``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from transcarbon.api.deps import DbId
from transcarbon.services import audit, integrity, users
from transcarbon.services.database import transaction
from transcarbon.services.organisations import organisation_names
from transcarbon.services.users import ROLES, UserError
from transcarbon.web.audit_words import action_name, entries_in_words
from transcarbon.web.common import Page, PageNo, SearchQuery, Table
from transcarbon.web.listing import PER_PAGE, SortQuery, sorting

router = APIRouter()


@router.get("/audit", name="web.audit_log")
def audit_page(
    page: Page,
    action: Annotated[str | None, Query(max_length=60)] = None,
    search: SearchQuery = None,
    sort: SortQuery = "-id",
    number: PageNo = 1,
    verify: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    if (denied := page.guard("audit_log")) is not None:
        return denied
    order = sorting(page, sort, tuple(audit.ENTRY_SORTS), "-id")

    def listed(limit: int, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        return audit.entries(
            page.session, action=action or None, search=search, sort=order.value, limit=limit, offset=offset
        )

    pager = page.pager(number, PER_PAGE, listed(0)[0])
    total, entries = listed(pager.per_page, pager.offset)
    rows = entries_in_words(page, entries)
    table = Table(
        "audit",
        [
            ("id", "#"),
            ("ts", page.t("web.col.time")),
            ("actor", page.t("web.col.actor")),
            ("action_name", page.t("web.col.action")),
            ("action", page.t("web.col.action_code")),
            ("object_type", page.t("web.col.object")),
            ("object_id", "ID"),
            ("details", page.t("web.col.details")),
            ("hash", "hash"),
        ],
        rows,
        sorts={"id": "id", "ts": "id", "actor": "actor", "action_name": "action", "object_type": "object_type"},
    )
    result = integrity.verify(page.session) if verify else None
    actions = audit.actions(page.session)
    page.session.rollback()  # end the page's read before writing
    with transaction(page.state.factory) as session:  # reading the log is itself logged
        audit.append(
            session,
            actor=page.principal.username,
            action="export.audit_log",
            object_type="audit_log",
            object_id="-",
            details={
                "action": action,
                "search": search,
                "sort": order.value,
                "offset": pager.offset,
                "returned": len(rows),
                "via": "web",
            },
        )
    return page.render(
        "audit.html",
        {
            "total": total,
            "paging": pager,
            "sorting": order,
            "search": search or "",
            "action": action,
            "actions": [(a, action_name(page, a)) for a in actions],
            "verify": result,
        },
        tables=[table],
    )


@router.get("/users", name="web.user_admin")
def users_page(
    page: Page,
    done: str | None = None,
    error: str | None = None,
    search: SearchQuery = None,
    sort: SortQuery = "id",
    number: PageNo = 1,
) -> Response:
    if (denied := page.guard("user_admin")) is not None:
        return denied
    orgs = {org_id: page.name(zh, en) for org_id, (zh, en) in organisation_names(page.session).items()}
    order = sorting(page, sort, tuple(users.USER_SORTS), "id")
    words = (search or "").strip()
    roles = tuple(r for r in ROLES if words and words in page.t(f"web.role.{r}"))

    def listed(limit: int, offset: int = 0) -> tuple[int, list[Any]]:
        return users.page_of_users(
            page.session, search=search, roles=roles, sort=order.value, limit=limit, offset=offset
        )

    pager = page.pager(number, PER_PAGE, listed(0)[0])
    total, shown = listed(pager.per_page, pager.offset)
    rows = [
        {
            "id": u.id,
            "username": u.username,
            "display_name": u.display_name,
            "role": page.t(f"web.role.{u.role}"),
            "role_id": u.role,
            "org": orgs.get(u.org_id or "", u.org_id or ""),
            "department": page.dept(u.department_id) if u.department_id else "",
            "disabled": page.t("web.yes") if u.disabled else "",
            "disabled_flag": u.disabled,
        }
        for u in shown
    ]
    table = Table(
        "users",
        [
            ("id", "#"),
            ("username", page.t("web.col.username")),
            ("display_name", page.t("web.col.display_name")),
            ("role", page.t("web.col.role")),
            ("org", page.t("web.col.org")),
            ("department", page.t("web.col.department")),
            ("disabled", page.t("web.col.disabled")),
        ],
        rows,
        sorts={k: k for k in ("id", "username", "display_name", "role", "org", "disabled")},
    )
    return page.render(
        "users.html",
        {
            "roles": ROLES,
            "orgs": sorted(orgs.items()),
            "done": done,
            "error": error,
            "departments": page.city.departments,
            "total": total,
            "paging": pager,
            "sorting": order,
            "search": search or "",
        },
        tables=[table],
    )


def _user_error(page: Page, exc: UserError) -> str:
    return page.t(exc.key, **exc.values)


@router.post("/users", name="web.user_add")
def user_add(
    page: Page,
    username: Annotated[str, Form(min_length=1, max_length=80)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    org_id: Annotated[str, Form(max_length=64)] = "",
    department_id: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    if (denied := page.guard("user_admin")) is not None:
        return denied
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    query: dict[str, object] = {}
    try:
        with transaction(page.state.factory) as session:
            users.create_user(
                session,
                username=username.strip(),
                role=role,
                actor=page.principal.username,
                password=password,
                org_id=org_id or None,
                department_id=department_id or None,
                display_name=display_name or None,
                departments=[d.id for d in page.city.departments],
            )
        query["done"] = username
    except UserError as exc:
        query["error"] = _user_error(page, exc)
    return RedirectResponse(page.path("user_admin", query=query), status_code=303)


@router.post("/users/{user_id}", name="web.user_change")
def user_change(
    page: Page,
    user_id: DbId,
    csrf: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    disabled: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    if (denied := page.guard("user_admin")) is not None:
        return denied
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    query: dict[str, object] = {}
    try:
        with transaction(page.state.factory) as session:
            user = users.get_user_by_id(session, user_id)
            users.update_user(
                session,
                user,
                actor=page.principal.username,
                role=role or None,
                disabled=None if disabled == "" else disabled == "1",
            )
            query["done"] = user.username
    except UserError as exc:
        query["error"] = _user_error(page, exc)
    return RedirectResponse(page.path("user_admin", query=query), status_code=303)


def _admin_act(page: Page, csrf: str, user_id: int, act: Callable[[Session, Any], None]) -> Response:
    """Check the admin and the CSRF token, do ``act`` to the user in a transaction, back to the list."""
    if (denied := page.guard("user_admin")) is not None:
        return denied
    if not page.csrf_ok(csrf):
        return page.render(
            "error.html", {"title": page.t("web.csrf.title"), "message": page.t("web.csrf.text")}, status=403
        )
    query: dict[str, object] = {}
    try:
        page.session.rollback()
        with transaction(page.state.factory) as session:
            user = users.get_user_by_id(session, user_id)
            act(session, user)
            query["done"] = user.username
    except UserError as exc:
        query["error"] = _user_error(page, exc)
    return RedirectResponse(page.path("user_admin", query=query), status_code=303)


@router.post("/users/{user_id}/password", name="web.user_password")
def user_password(
    page: Page,
    user_id: DbId,
    new_password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    actor = page.principal.username
    return _admin_act(page, csrf, user_id, lambda s, u: users.reset_password(s, u, new_password, actor=actor))


@router.post("/users/{user_id}/unlock", name="web.user_unlock")
def user_unlock(page: Page, user_id: DbId, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    actor = page.principal.username
    return _admin_act(page, csrf, user_id, lambda s, u: users.unlock(s, u, actor=actor))
