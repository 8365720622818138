"""POST /v1/numbers: add a number with the result of Meta's Embedded Signup."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_numbers.deps import meta_app, meta_graph, onboarding_store, secrets_vault
from hub_numbers.models.onboarding import AddedNumberView, AddNumberRequest
from hub_numbers.routes.params import IdempotencyKey
from hub_numbers.usecases.signup import SignupDeps, add_number
from hub_shared.access import AccessRule, declared
from hub_shared.accounts import accounts_reader
from hub_shared.api import Budget, Caller, Now
from hub_shared.graph import GraphClient
from hub_shared.idempotency import Idempotency, idempotency_layer
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()


def signup_deps(graph: Annotated[GraphClient, Depends(meta_graph)], deadline: Budget) -> SignupDeps:
    return SignupDeps(
        records=onboarding_store(),
        graph=graph.within(deadline),
        vault=secrets_vault(),
        accounts=accounts_reader(),
        app=meta_app(),
        idempotency=Idempotency(idempotency_layer(), "numbers", router.lambda_context),
    )


@router.post(
    "/v1/numbers",
    openapi_extensions=declared(AccessRule(client=True)),
    summary="Add a number (Embedded Signup)",
    description="Client users only. Exchanges the signup code, subscribes the hub to the WABA, registers the number "
    "and records it: 201 running (billable from now), 202 while Meta has not connected it yet or when the request "
    "ran out of time (post again to continue). A failed step is recorded on the number (`onboarding_step`, "
    "`onboarding_error`); posting the same `phone_number_id` again continues from it, and a number already set up "
    "answers 200.",
    tags=["Numbers"],
    responses={
        200: {"description": "The number was already set up."},
        201: {"description": "The number was added and runs."},
        202: {
            "description": "The number was added but is not set up yet: Meta has not connected it, or the request "
            "ran out of time (`onboarding_step` says where it stands; post again to continue)."
        },
        **problem_responses(
            400,
            404,
            409,
            429,
            502,
            503,
            _400=NOT_JSON,
            _403="A partner (`partners-cannot-add-numbers`) or support agent (`client-users-only`).",
            _422="Invalid input, a signup code Meta refused (`signup-code-rejected`), a number not in the WABA "
            "(`number-not-in-waba`), a step Meta refused, or an Idempotency-Key used with another body.",
        ),
    },
)
def add_number_route(
    request: Annotated[AddNumberRequest, Body()],
    caller: Caller,
    deps: Annotated[SignupDeps, Depends(signup_deps)],
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> tuple[AddedNumberView, int]:
    added = add_number(request, caller, deps, now, idempotency_key=idempotency_key)
    return added.number, added.status_code
