"""The billing service's adapters, each built once per process."""

from __future__ import annotations

from hub_billing.store.billable import BillingStore
from hub_shared.singletons import singleton


@singleton
def billing_store() -> BillingStore:
    return BillingStore()
