"""GET /v1/me and PATCH /v1/me: the caller's account."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.deps import accounts_reader, accounts_store
from hub_accounts.models.me import Me, MeChange
from hub_accounts.store.accounts import AccountsStore
from hub_accounts.usecases.me import change_me, who_am_i
from hub_shared.access import ANY_PARTNER, AccessRule, declared
from hub_shared.accounts import AccountsReader
from hub_shared.api import Caller, Now
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()


@router.get(
    "/v1/me",
    openapi_extensions=declared(AccessRule(client=True, partner=(ANY_PARTNER,), support=True)),
    summary="The caller's account",
    description="Role, client (with its billing model) or partner grants: what the portal shows to this user.",
    tags=["Accounts"],
    responses={200: {"description": "The caller."}, **problem_responses(404, inputs=False)},
)
def get_me(
    caller: Caller,
    accounts: Annotated[AccountsReader, Depends(accounts_reader)],
    users: Annotated[AccountsStore, Depends(accounts_store)],
) -> Me:
    return who_am_i(caller, accounts=accounts, users=users)


@router.patch(
    "/v1/me",
    openapi_extensions=declared(AccessRule(client=True, partner=(ANY_PARTNER,), support=True)),
    summary="Change the caller's username",
    description="The name the portal shows for the user (the e-mail address stays the sign-in name).",
    tags=["Accounts"],
    responses={200: {"description": "The caller."}, **problem_responses(400, 404, 409, 422, _400=NOT_JSON)},
)
def patch_me(
    change: Annotated[MeChange, Body()],
    caller: Caller,
    now: Now,
    accounts: Annotated[AccountsReader, Depends(accounts_reader)],
    users: Annotated[AccountsStore, Depends(accounts_store)],
) -> Me:
    return change_me(caller, change, accounts=accounts, users=users, now=now)
