"""User administration (admin only): list, add, change role / organisation / disabled, API tokens (issue, list,
revoke), password reset, unlocking a throttled login."""

from __future__ import annotations

from fastapi import APIRouter, Response

from transcarbon.api.deps import Admin, CityDep, DbId, SessionDep, StateDep
from transcarbon.api.problems import PROBLEM_RESPONSES
from transcarbon.api.schemas import PasswordResetIn, TokenIn, TokenInfoOut, TokenOut, UserIn, UserOut, UserPatch
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
def issue_token(user_id: DbId, body: TokenIn, principal: Admin, session: SessionDep, state: StateDep) -> TokenOut:
    with session.begin():
        issued = users.issue_token(
            session,
            users.get_user_by_id(session, user_id),
            name=body.name,
            actor=principal.username,
            days=body.days or state.settings.token_days,
        )
    return TokenOut(token=issued.token, expires_at=issued.expires_at)


@router.get("/{user_id}/tokens", response_model=list[TokenInfoOut], summary="A user's API tokens (never the tokens)")
def list_tokens(user_id: DbId, _: Admin, session: SessionDep) -> list[TokenInfoOut]:
    return [TokenInfoOut.model_validate(t) for t in users.list_tokens(session, users.get_user_by_id(session, user_id))]


@router.delete("/{user_id}/tokens/{token_id}", response_model=TokenInfoOut, summary="Revoke one API token")
def revoke_token(user_id: DbId, token_id: DbId, principal: Admin, session: SessionDep) -> TokenInfoOut:
    with session.begin():
        row = users.revoke_token(session, users.get_user_by_id(session, user_id), token_id, actor=principal.username)
        return TokenInfoOut.model_validate(row)


@router.post("/{user_id}/password", status_code=204, summary="Set a new password (every browser session ends)")
def reset_password(user_id: DbId, body: PasswordResetIn, principal: Admin, session: SessionDep) -> Response:
    with session.begin():
        users.reset_password(
            session, users.get_user_by_id(session, user_id), body.new_password, actor=principal.username
        )
    return Response(status_code=204)


@router.post("/{user_id}/unlock", status_code=204, summary="Clear the user's login throttling")
def unlock(user_id: DbId, principal: Admin, session: SessionDep) -> Response:
    with session.begin():
        users.unlock(session, users.get_user_by_id(session, user_id), actor=principal.username)
    return Response(status_code=204)
