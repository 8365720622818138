"""POST and DELETE /v1/numbers/{number_id}/cancellation: cancel a number's subscription, withdraw the cancellation."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_numbers.deps import numbers_store
from hub_numbers.models.numbers import Cancellation, WithdrawnCancellation
from hub_numbers.routes.params import NumberId
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.usecases.cancellation import cancel_number, withdraw_cancellation
from hub_shared.access import AccessRule, declared
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()

Store = Annotated[NumbersStore, Depends(numbers_store)]


@router.post(
    "/v1/numbers/<number_id>/cancellation",
    openapi_extensions=declared(AccessRule(resource="number_id", kind="number", client=True)),
    summary="Cancel a number's subscription",
    description="Clients only. The number goes to `pending_deletion` and keeps messaging until `deletion_at`, the "
    "last instant of the current month (UTC), when the deletion job deregisters and deletes it and billing stops. "
    "Cancelling a cancelled number answers the same cancellation.",
    tags=["Numbers"],
    responses={
        200: {"description": "The cancellation."},
        **problem_responses(
            404,
            409,
            _403="Partners (`partners-cannot-cancel-numbers`) and support agents cannot cancel numbers.",
            _409="The number cannot be cancelled now (onboarding, deleted, banned or disconnected); `detail` says why.",
        ),
    },
)
def cancel_route(number_id: NumberId, caller: Caller, store: Store, now: Now) -> Cancellation:
    return cancel_number(number_id, caller, numbers=store, now=now)


@router.delete(
    "/v1/numbers/<number_id>/cancellation",
    openapi_extensions=declared(AccessRule(resource="number_id", kind="number", client=True)),
    summary="Withdraw a number's cancellation",
    description="Clients only, before `deletion_at`: the number returns to the status it had before it was cancelled.",
    tags=["Numbers"],
    responses={
        200: {"description": "The number's status after the withdrawal."},
        **problem_responses(
            404,
            409,
            _403="Partners (`partners-cannot-cancel-numbers`) and support agents cannot withdraw cancellations.",
            _409="The number is not cancelled, or its `deletion_at` has passed.",
        ),
    },
)
def withdraw_route(number_id: NumberId, caller: Caller, store: Store, now: Now) -> WithdrawnCancellation:
    return withdraw_cancellation(number_id, caller, numbers=store, now=now)
