"""The billing service's errors: what its routes can answer besides the hub's common problems."""

from __future__ import annotations

from hub_shared.errors import Forbidden, NotFound, StateConflict, Unauthorized, UpstreamError


class StripeFailed(UpstreamError):
    slug = "stripe-unavailable"
    title = "Stripe could not be reached or failed"


class PartnerPaid(Forbidden):
    slug = "billing-through-partner"
    title = "The client is billed through its partner"

    def __init__(self, what: str):
        super().__init__(f"Your partner pays for your numbers, so {what} is with your partner, not here.")


class ClientUsersOnly(Forbidden):
    slug = "client-users-only"
    title = "Only the client's own users may do this"

    def __init__(self) -> None:
        super().__init__("Billing, payments and funds are the client's own: partners and support cannot act on them.")


class NotPrepaid(StateConflict):
    slug = "funds-not-enabled"
    title = "The client does not pay messages from prepaid funds"

    def __init__(self) -> None:
        super().__init__("Your account does not use prepaid funds; ask support to enable pre-payment.")


class NumberNotFound(NotFound):
    def __init__(self, number_id: str):
        super().__init__(f"Number {number_id} was not found.")


class NotSubscribed(StateConflict):
    slug = "no-subscription"
    title = "There is no billing account yet"

    def __init__(self) -> None:
        super().__init__("Your billing account is opened with your first number; add a number first.")


class StripeSignatureInvalid(Unauthorized):
    slug = "stripe-signature-invalid"
    title = "The Stripe signature does not verify"
