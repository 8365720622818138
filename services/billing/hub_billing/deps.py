"""The billing service's adapters, each built once per process, and what its routes inject with Depends(). Tests
override Stripe (`payments`), Meta (`meta_graph`) and the clock (`hub_shared.api.request_time`)."""

from __future__ import annotations

from hub_billing.settings import billing_settings
from hub_billing.store.billing import BillingStore
from hub_billing.usecases.payments import Payments
from hub_billing.usecases.prepaid import FundsPolicy
from hub_billing.usecases.usage import RateCard, load_rate_card
from hub_shared.accounts import accounts_reader
from hub_shared.graph import GraphClient, graph_client
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton
from hub_shared.wabas import WabaRegistry

__all__ = [
    "accounts_reader",
    "analytics_lookback_days",
    "billing_store",
    "cursor_codec",
    "funds_policy",
    "meta_graph",
    "payments",
    "rate_card",
    "waba_registry",
    "webhook_secret",
]


@singleton
def billing_store() -> BillingStore:
    return BillingStore()


@singleton
def waba_registry() -> WabaRegistry:
    return WabaRegistry()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(billing_settings().cursor_secret))


@singleton
def payments() -> Payments:
    """Stripe through its SDK (the secret key read once per process), loaded by the first request that pays or
    asks Stripe: not every request of the billing functions does, and the SDK costs ≈ 100 ms to import."""
    from hub_billing.gateways.stripe import StripePayments, stripe_client  # noqa: PLC0415 - see above

    settings = billing_settings()
    client = stripe_client(
        get_secret(settings.stripe_secret_key_secret),
        api_base=settings.stripe_api_base,
        timeout=settings.stripe_timeout_seconds,
    )
    return StripePayments(client, number_price=settings.stripe_number_price)


def webhook_secret() -> str:
    """The signing secret of the hub's Stripe webhook endpoint (`whsec_…`)."""
    return get_secret(billing_settings().stripe_webhook_secret)


def meta_graph() -> GraphClient:
    return graph_client()


@singleton
def rate_card() -> RateCard:
    return load_rate_card(billing_settings().rate_card)


def analytics_lookback_days() -> int:
    """How far back Meta answers pricing analytics (insights refuse earlier starts)."""
    return billing_settings().analytics_lookback_days


def funds_policy() -> FundsPolicy:
    settings = billing_settings()
    return FundsPolicy(
        currency=settings.billing_currency,
        top_up_min=settings.top_up_min,
        top_up_max=settings.top_up_max,
        default_threshold=settings.default_low_balance_threshold,
        portal_url=settings.portal_url,
    )
