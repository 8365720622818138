"""The billing service's settings: the shared ones and its own table, Stripe, the rate card and the funds' bounds."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class BillingSettings(Settings):
    billing_table: str = Field(default="hub-billing", description="DynamoDB table owned by the billing service.")

    stripe_secret_key_secret: str = Field(
        default="hub/stripe/secret-key", description="Secrets Manager name of the Stripe secret API key."
    )
    stripe_webhook_secret: str = Field(
        default="hub/stripe/webhook-secret",
        description="Secrets Manager name of the Stripe webhook endpoint's signing secret (`whsec_…`).",
    )
    stripe_api_base: str | None = Field(
        default=None, description="Stripe API base URL override (the local Stripe sandbox only)."
    )
    stripe_timeout_seconds: float = Field(default=8.0, gt=0, description="Timeout of one Stripe API request.")
    stripe_number_price: str = Field(
        default="price_whatsapp_number_monthly",
        description="The Stripe price of one hosted number a month (the licence subscription's item).",
    )
    portal_url: str = Field(
        default="https://hub.example.com",
        description="The portal's address: the Stripe billing portal and checkout pages return to it.",
    )

    billing_currency: str = Field(
        default="eur", pattern="^[a-z]{3}$", description="The currency of funds and approximate charges (ISO 4217)."
    )
    rate_card: str = Field(
        default="",
        description="The rate card approximate charges are computed with, as JSON (see the README's Billing "
        "section); empty: the packaged card (`hub_billing/rate_card.json`).",
    )
    top_up_min: int = Field(default=10_00, ge=1, description="The smallest top-up, in minor units (cents).")
    top_up_max: int = Field(default=5_000_00, ge=1, description="The largest top-up, in minor units (cents).")
    default_low_balance_threshold: int = Field(
        default=10_00,
        ge=0,
        description="A number's low-balance threshold (minor units) until its auto-renewal settings set one.",
    )
    analytics_lookback_days: int = Field(
        default=365, ge=1, description="How far back insights may ask Meta (its pricing analytics keep one year)."
    )
    analytics_cache_days: int = Field(
        default=400, ge=1, description="How long a closed day's pricing analytics are kept in the billing table."
    )
    usage_workers: int = Field(
        default=8, ge=1, le=64, description="WABAs whose day is fetched and debited at once by the daily usage job."
    )


@singleton
def billing_settings() -> BillingSettings:
    """The billing service's settings, read once."""
    return BillingSettings()
