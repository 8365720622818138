"""GET /v1/me, PATCH /v1/me and the e-mail change: the caller's account."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.deps import accounts_reader, accounts_store, cognito_users
from hub_accounts.integrations.cognito import CognitoUsers
from hub_accounts.models.me import EmailChange, Me, MeChange
from hub_accounts.store.accounts import AccountsStore
from hub_accounts.usecases.me import change_me, confirm_email_change, request_email_change, who_am_i
from hub_shared.access import ANY_PARTNER, AccessRule, declared
from hub_shared.accounts import AccountsReader
from hub_shared.api import Caller, Now
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()

EVERY_USER = declared(AccessRule(client=True, partner=(ANY_PARTNER,), support=True))


@router.get(
    "/v1/me",
    openapi_extensions=EVERY_USER,
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
    openapi_extensions=EVERY_USER,
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


@router.post(
    "/v1/me/email",
    openapi_extensions=EVERY_USER,
    summary="Ask to sign in with a new e-mail address",
    description="Cognito sends a code to the new address; the old one stays the sign-in address until the code is "
    "entered (the portal verifies it with Cognito, then calls `POST /v1/me/email/confirmation`). Asking again sends "
    "a new code. 409: another user signs in with that address.",
    tags=["Accounts"],
    responses={
        200: {"description": "The caller, with the address waiting for its code (`pending_email`)."},
        **problem_responses(400, 404, 409, 422, _400=NOT_JSON),
    },
)
def post_email(
    change: Annotated[EmailChange, Body()],
    caller: Caller,
    now: Now,
    accounts: Annotated[AccountsReader, Depends(accounts_reader)],
    users: Annotated[AccountsStore, Depends(accounts_store)],
    identities: Annotated[CognitoUsers, Depends(cognito_users)],
) -> Me:
    return request_email_change(caller, change, accounts=accounts, users=users, identities=identities, now=now)


@router.post(
    "/v1/me/email/confirmation",
    openapi_extensions=EVERY_USER,
    summary="Finish the e-mail change once its code was entered",
    description="The new address is the sign-in address now: the user's sessions end and a password reset starts "
    "(Cognito sends its code to the new address; the portal asks for it and the new password at the next sign-in). "
    "409: no change is waiting, or its code was not entered yet.",
    tags=["Accounts"],
    responses={
        200: {"description": "The caller, with the new address."},
        **problem_responses(404, 409, inputs=False),
    },
)
def post_email_confirmation(
    caller: Caller,
    now: Now,
    accounts: Annotated[AccountsReader, Depends(accounts_reader)],
    users: Annotated[AccountsStore, Depends(accounts_store)],
    identities: Annotated[CognitoUsers, Depends(cognito_users)],
) -> Me:
    return confirm_email_change(caller, accounts=accounts, users=users, identities=identities, now=now)
