"""A local stand-in for the parts of Stripe's API the hub uses, spoken to by the real `stripe` SDK (v16, API
version 2026-10-28): `stripe.StripeClient(key, base_addresses={"api": "http://127.0.0.1:<port>"})`, `client.v1.*`.

Wire format: requests form-encoded as the SDK sends them (`items[0][price]=...`), any bearer key accepted;
answers are Stripe's JSON objects, `expand[]` replaces ids with objects; errors are Stripe's envelope
`{"error": {type, message, code, param, ...}}` (a declined card: HTTP 402 `card_error` with `decline_code` and the
`payment_intent`, which the SDK raises as `stripe.CardError`). A POST repeating an `Idempotency-Key` gets the first
answer again (and sends no event again).

API (see `app.API`): customers (create, retrieve, update incl. `invoice_settings[default_payment_method]`, list
their payment methods); payment methods (retrieve, attach); PaymentIntents (create, confirmed at once on the
card, e.g. off-session; retrieve); subscriptions (create, retrieve, update, cancel with `DELETE`) and subscription
items (update), with prorations (`subscriptions.py`); invoices (list, retrieve, `create_preview`, pay, void,
mark uncollectible; `invoices.py`); billing portal and Checkout sessions (payment and setup modes); events
(retrieve). Each `url` of a session, invoice page and invoice PDF is served here (`pages.py`).

Test cards (`state.CARDS`): 4242424242424242 succeeds; 4000000000000341 attaches but every charge is declined
(`card_declined`, `generic_decline`). Stripe's test ids `pm_card_visa` and `pm_card_chargeCustomerFail` are those
cards, made on first use and usable as `payment_method` with any customer. Checkout's page lets the user pick
either card (4242 by default), Pay or Cancel.

Webhooks: every change sends Stripe `event` objects (`customer.created`, `customer.updated`,
`payment_method.attached`, `payment_intent.created|succeeded|payment_failed`, `checkout.session.completed`,
`customer.subscription.created|updated|deleted`, `invoice.created|finalized|paid|payment_succeeded|payment_failed|
voided|marked_uncollectible`), POSTed to the webhook URL once each, in order, signed `Stripe-Signature:
t=...,v1=...` with the webhook secret as `stripe.Webhook.construct_event` checks it, after the state is changed and
outside the lock: before the API call answers, or (`deliver_in_background`, the local hub) from a thread of their
own after it, as Stripe does. `state.events` keeps each with its delivery.

Admin API (local only, JSON or form body): `POST /_sandbox/checkout/sessions/{id}/complete` (`card`),
`POST /_sandbox/customers/{id}/payment_method` (`card`: attach it and make it the default),
`POST /_sandbox/subscriptions/{id}/advance` (bill the next period), `POST /_sandbox/invoices/{id}/void` and
`/mark_uncollectible`, `POST /_sandbox/events/{id}/resend` (the same event again), `GET /_sandbox/state`.

Prices are those of `StripeState.prices`; `clock` gives Unix seconds (real time by default, since the SDK refuses
signatures older than 5 minutes); ids are sequential, so a run is deterministic.
"""

from local.sandboxes.stripe.app import StripeSandbox, build_stripe_sandbox
from local.sandboxes.stripe.call import decode_form
from local.sandboxes.stripe.state import FAILING_CARD, NUMBER_PRICE_ID, SUCCEEDING_CARD, StripeState

__all__ = [
    "FAILING_CARD",
    "NUMBER_PRICE_ID",
    "SUCCEEDING_CARD",
    "StripeSandbox",
    "StripeState",
    "build_stripe_sandbox",
    "decode_form",
]
