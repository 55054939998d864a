"""User administration (admin only): list, add, change role / organisation / disabled, issue API tokens."""

from __future__ import annotations

from fastapi import APIRouter

from transcarbon.api.deps import Admin, CityDep, DbId, SessionDep
from transcarbon.api.problems import PROBLEM_RESPONSES
from transcarbon.api.schemas import TokenIn, TokenOut, UserIn, UserOut, UserPatch
from transcarbon.services import users

router = APIRouter(prefix="/users", tags=["users"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[UserOut], summary="All users")
def list_users(_: Admin, session: SessionDep) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in users.list_users(session)]


@router.post("", response_model=UserOut, status_code=201, summary="Add a user")
def add_user(body: UserIn, principal: Admin, session: SessionDep, city: CityDep) -> UserOut:
    with session.begin():
        user = users.create_user(
            session,
            username=body.username,
            role=body.role,
            actor=principal.username,
            password=body.password,
            org_id=body.org_id,
            department_id=body.department_id,
            display_name=body.display_name,
            departments=[d.id for d in city.departments],
        )
        return UserOut.model_validate(user)


@router.patch("/{user_id}", response_model=UserOut, summary="Change role, organisation, department or disable")
def patch_user(user_id: DbId, body: UserPatch, principal: Admin, session: SessionDep, city: CityDep) -> UserOut:
    with session.begin():
        user = users.update_user(
            session,
            users.get_user_by_id(session, user_id),
            actor=principal.username,
            role=body.role,
            disabled=body.disabled,
            org_id=body.org_id,
            department_id=body.department_id,
            departments=[d.id for d in city.departments],
        )
        return UserOut.model_validate(user)


@router.post("/{user_id}/tokens", response_model=TokenOut, status_code=201, summary="Issue an API token (shown once)")
def issue_token(user_id: DbId, body: TokenIn, principal: Admin, session: SessionDep) -> TokenOut:
    with session.begin():
        token = users.issue_token(
            session, users.get_user_by_id(session, user_id), name=body.name, actor=principal.username
        )
    return TokenOut(token=token)
