"""POST and GET /v1/numbers/{number_id}/inbox: Activate Inbox (get.chat)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_numbers.deps import inboxes, onboarding_store
from hub_numbers.integrations.getchat import GetChatInboxes
from hub_numbers.models.onboarding import InboxView
from hub_numbers.routes.params import NumberId
from hub_numbers.usecases.inbox import InboxDeps, activate_inbox, get_inbox
from hub_shared.access import AccessRule, declared
from hub_shared.accounts import accounts_reader
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()


def inbox_deps(getchat: Annotated[GetChatInboxes, Depends(inboxes)]) -> InboxDeps:
    return InboxDeps(records=onboarding_store(), inboxes=getchat, accounts=accounts_reader())


Deps = Annotated[InboxDeps, Depends(inbox_deps)]


@router.post(
    "/v1/numbers/<number_id>/inbox",
    openapi_extensions=declared(AccessRule(resource="number_id", kind="number", client=True)),
    summary="Activate Inbox",
    description="Client users of `direct` clients only, for a running number: provisions its get.chat inbox once "
    "(201); asking again answers the inbox (200). When get.chat fails the inbox is `failed` and may be retried.",
    tags=["Numbers"],
    responses={
        200: {"description": "The number's inbox was already active."},
        201: {"description": "The inbox was provisioned."},
        **problem_responses(
            404,
            409,
            502,
            503,
            _403="A partner or support agent (`client-users-only`), or a partner-paid client "
            "(`inbox-direct-clients-only`).",
            _409="The number is not running, or another request is activating its inbox.",
        ),
    },
)
def activate_inbox_route(number_id: NumberId, caller: Caller, deps: Deps, now: Now) -> tuple[InboxView, int]:
    activated = activate_inbox(number_id, caller, deps, now)
    return activated.view, activated.status_code


@router.get(
    "/v1/numbers/<number_id>/inbox",
    openapi_extensions=declared(
        AccessRule(resource="number_id", kind="number", client=True, partner=("numbers:read",), support=True)
    ),
    summary="Read a number's inbox",
    description="Its state (provisioning, active or failed) and where it opens.",
    tags=["Numbers"],
    responses={200: {"description": "The inbox."}, **problem_responses(404)},
)
def get_inbox_route(number_id: NumberId, caller: Caller, deps: Deps) -> InboxView:
    return get_inbox(number_id, caller, deps)
