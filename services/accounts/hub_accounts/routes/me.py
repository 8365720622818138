"""GET /v1/me."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.deps import accounts_reader
from hub_accounts.models.me import Me
from hub_accounts.usecases.me import who_am_i
from hub_shared.access import ANY_PARTNER, AccessRule, declared
from hub_shared.accounts import AccountsReader
from hub_shared.api import Caller
from hub_shared.problems import problem_responses

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
) -> Me:
    return who_am_i(caller, accounts=accounts)
