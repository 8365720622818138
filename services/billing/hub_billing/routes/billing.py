"""The client's billing: its licence subscription, the Stripe portal and its invoices (seed "Details": Billing
Started, plan; Menu → "Billing")."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_billing.models.billing import BillingView, InvoicePage, PortalSessionView
from hub_billing.routes.params import (
    CLIENT_ONLY,
    DEFAULT_LIMIT,
    Accounts,
    Cursor,
    Cursors,
    Limit,
    Policy,
    Store,
    Stripe,
)
from hub_billing.usecases.accounts import billing_overview, list_invoices, portal_session
from hub_shared.access import declared
from hub_shared.api import Caller
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()


@router.get(
    "/v1/billing",
    openapi_extensions=declared(CLIENT_ONLY),
    summary="The client's billing",
    description="Billing model, plan, the date billing started, how many numbers are billed (added and not yet "
    "deleted: a number pending deletion is billed until it is deleted), the next invoice's estimate and the saved "
    "card (brand, last 4 digits, expiry). A partner-paid client learns only that its partner pays.",
    tags=["Billing"],
    responses={200: {"description": "The billing."}, **problem_responses(404, 502, inputs=False)},
)
def get_billing_route(caller: Caller, accounts: Accounts, store: Store, stripe: Stripe) -> BillingView:
    return billing_overview(caller, accounts=accounts, store=store, payments=stripe)


@router.post(
    "/v1/billing/portal-session",
    openapi_extensions=declared(CLIENT_ONLY),
    summary="Open the Stripe billing portal",
    description="A short-lived address of Stripe's billing portal for the client (plan, invoice history, payment "
    "method, billing address) that returns to the portal. Partner-paid clients get 403 `billing-through-partner`.",
    tags=["Billing"],
    responses={201: {"description": "The portal's address."}, **problem_responses(404, 502, inputs=False)},
)
def create_portal_session_route(
    caller: Caller, accounts: Accounts, store: Store, stripe: Stripe, policy: Policy
) -> tuple[PortalSessionView, int]:
    session = portal_session(caller, accounts=accounts, store=store, payments=stripe, return_url=policy.portal_url)
    return session, 201


@router.get(
    "/v1/billing/invoices",
    openapi_extensions=declared(CLIENT_ONLY),
    summary="The client's invoices",
    description="From Stripe, newest first: number, period, amount, status (paid, open, void, uncollectible) and "
    "the PDF's link.",
    tags=["Billing"],
    responses={200: {"description": "A page of invoices."}, **problem_responses(400, 404, 502)},
)
def list_invoices_route(
    caller: Caller,
    accounts: Accounts,
    store: Store,
    stripe: Stripe,
    cursors: Cursors,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> InvoicePage:
    return list_invoices(
        caller, limit=limit, cursor=cursor, accounts=accounts, store=store, payments=stripe, cursors=cursors
    )
