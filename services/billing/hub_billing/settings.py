"""The billing service's settings: the shared ones and its own table."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class BillingSettings(Settings):
    billing_table: str = Field(default="hub-billing", description="DynamoDB table owned by the billing service.")


@singleton
def billing_settings() -> BillingSettings:
    """The billing service's settings, read once."""
    return BillingSettings()
