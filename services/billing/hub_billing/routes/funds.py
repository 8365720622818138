"""Prepaid funds per number (channel): balances, the ledger, top-ups through Stripe Checkout, auto-renewal and
refund requests. Direct clients with pre-payment, their own users only."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_billing.models.funds import (
    AutoRenewalRequest,
    FundsOverview,
    FundsView,
    LedgerPage,
    RefundRequest,
    RefundRequestAccepted,
    TopUpRequest,
    TopUpView,
)
from hub_billing.routes.params import (
    CLIENT_ONLY,
    DEFAULT_LIMIT,
    NUMBER_FUNDS,
    Accounts,
    Cursor,
    Cursors,
    IdempotencyKey,
    Limit,
    NumberId,
    Policy,
    Store,
    Stripe,
    new_id,
)
from hub_billing.usecases.prepaid import (
    change_auto_renewal,
    funds_client,
    funds_overview,
    ledger,
    request_refund,
    top_up,
)
from hub_shared.access import declared
from hub_shared.api import Caller, Now
from hub_shared.idempotency import Idempotency, idempotency_layer
from hub_shared.model import HubModel
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()
PATH = "/v1/billing/funds/<number_id>"
NOT_PREPAID = "The client does not use prepaid funds (`funds-not-enabled`)."


class _TopUpAsked(HubModel):
    """What a top-up's Idempotency-Key stands for."""

    number_id: str
    amount: int
    currency: str


@router.get(
    "/v1/billing/funds",
    openapi_extensions=declared(CLIENT_ONLY),
    summary="The client's prepaid funds",
    description="Each billable number's balance (and any other number still holding funds), whether its outbound "
    "messaging is paused (balance at zero or below), its auto-renewal, and the client's total.",
    tags=["Funds"],
    responses={200: {"description": "The funds."}, **problem_responses(404, 409, inputs=False, _409=NOT_PREPAID)},
)
def get_funds_route(caller: Caller, accounts: Accounts, store: Store, policy: Policy, now: Now) -> FundsOverview:
    return funds_overview(caller, accounts=accounts, store=store, policy=policy, now=now)


@router.get(
    f"{PATH}/ledger",
    openapi_extensions=declared(NUMBER_FUNDS),
    summary="A number's funds ledger",
    description="Every credit (top-up, auto-renewal) and debit (a day's approximate charges), newest first, each "
    "with the balance after it.",
    tags=["Funds"],
    responses={200: {"description": "A page of entries."}, **problem_responses(400, 404, 409, _409=NOT_PREPAID)},
)
def get_ledger_route(
    number_id: NumberId,
    caller: Caller,
    accounts: Accounts,
    store: Store,
    cursors: Cursors,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> LedgerPage:
    return ledger(number_id, caller, limit=limit, cursor=cursor, accounts=accounts, store=store, cursors=cursors)


@router.post(
    f"{PATH}/top-ups",
    openapi_extensions=declared(NUMBER_FUNDS),
    summary="Top up a number's funds",
    description="Opens a Stripe Checkout for the amount (minor units, within the hub's bounds, in the funds' "
    "currency) and answers its address. The balance rises once Stripe confirms the payment "
    "(`checkout.session.completed`), exactly once however often Stripe says so. The card paid with is saved for "
    "auto-renewal. `Idempotency-Key` makes a retried request answer the same checkout.",
    tags=["Funds"],
    responses={
        201: {"description": "The checkout to pay at."},
        **problem_responses(400, 404, 409, 502, _400=NOT_JSON, _409=NOT_PREPAID),
    },
)
def create_top_up_route(
    number_id: NumberId,
    request: Annotated[TopUpRequest, Body()],
    caller: Caller,
    accounts: Accounts,
    store: Store,
    stripe: Stripe,
    policy: Policy,
    idempotency_key: IdempotencyKey = None,
) -> tuple[TopUpView, int]:
    def work() -> TopUpView:
        return top_up(
            number_id,
            request,
            caller,
            accounts=accounts,
            store=store,
            payments=stripe,
            policy=policy,
            new_id=lambda: new_id("topup"),
        )

    if idempotency_key is None:
        return work(), 201
    client = funds_client(number_id, caller, accounts, store)
    answer = Idempotency(idempotency_layer(), "billing", router.lambda_context).run(
        idempotency_key,
        operation="top_up",
        client_id=client.client_id,
        body=_TopUpAsked(number_id=number_id, amount=request.amount, currency=request.currency),
        result=TopUpView,
        work=work,
    )
    return answer, 201


@router.put(
    f"{PATH}/auto-renewal",
    openapi_extensions=declared(NUMBER_FUNDS),
    summary="Set a number's auto-renewal",
    description="On or off, the threshold and the amount (more than the threshold, within the top-up bounds). "
    "When a debit takes the balance to the threshold or below, the saved card is charged off-session for the "
    "amount, credited when Stripe confirms; a failed charge emits `PaymentFailed`. The threshold is also the "
    "number's low-balance warning (`FundsLow`).",
    tags=["Funds"],
    responses={
        200: {"description": "The number's funds."},
        **problem_responses(400, 404, 409, _400=NOT_JSON, _409=NOT_PREPAID),
    },
)
def put_auto_renewal_route(
    number_id: NumberId,
    request: Annotated[AutoRenewalRequest, Body()],
    caller: Caller,
    accounts: Accounts,
    store: Store,
    policy: Policy,
    now: Now,
) -> FundsView:
    return change_auto_renewal(number_id, request, caller, accounts=accounts, store=store, policy=policy, now=now)


@router.post(
    f"{PATH}/refund-request",
    openapi_extensions=declared(NUMBER_FUNDS),
    summary="Ask for a number's funds back",
    description="Published as `FundsRefundRequested` with the balance and the reason; support handles it.",
    tags=["Funds"],
    responses={
        202: {"description": "Support was asked."},
        **problem_responses(400, 404, 409, _400=NOT_JSON, _409=NOT_PREPAID),
    },
)
def request_refund_route(
    number_id: NumberId,
    request: Annotated[RefundRequest, Body()],
    caller: Caller,
    accounts: Accounts,
    store: Store,
    policy: Policy,
    now: Now,
) -> tuple[RefundRequestAccepted, int]:
    accepted = request_refund(
        number_id,
        request,
        caller,
        accounts=accounts,
        store=store,
        policy=policy,
        now=now,
        new_id=lambda: new_id("refund"),
    )
    return accepted, 202
