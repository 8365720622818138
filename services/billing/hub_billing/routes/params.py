"""What the billing service's routes share: their dependencies, parameters and access rule."""

from __future__ import annotations

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from hub_billing.deps import (
    analytics_lookback_days,
    billing_store,
    cursor_codec,
    funds_policy,
    meta_graph,
    payments,
    rate_card,
)
from hub_billing.store.billing import BillingStore
from hub_billing.usecases.payments import Payments
from hub_billing.usecases.prepaid import FundsPolicy
from hub_billing.usecases.usage import RateCard
from hub_shared.access import AccessRule
from hub_shared.accounts import AccountsReader, accounts_reader
from hub_shared.graph import GraphClient
from hub_shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, CursorCodec

Store = Annotated[BillingStore, Depends(billing_store)]
Accounts = Annotated[AccountsReader, Depends(accounts_reader)]
Stripe = Annotated[Payments, Depends(payments)]
Cursors = Annotated[CursorCodec, Depends(cursor_codec)]
Policy = Annotated[FundsPolicy, Depends(funds_policy)]
Meta = Annotated[GraphClient, Depends(meta_graph)]
Rates = Annotated[RateCard, Depends(rate_card)]
Lookback = Annotated[int, Depends(analytics_lookback_days)]

NumberId = Annotated[str, Path(pattern=r"^[0-9]{1,20}$", description="Meta's phone number id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Cursor = Annotated[
    str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Makes a retried request safe: the same key (per client) answers the first answer.",
    ),
]

CLIENT_ONLY = AccessRule(client=True)
"""Billing, payments and funds: the client's own users only (partners and support get 403)."""
NUMBER_FUNDS = AccessRule(resource="number_id", kind="number", client=True)
"""A number's funds: its client's users only."""

__all__ = ["DEFAULT_LIMIT", "new_id"]


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"
