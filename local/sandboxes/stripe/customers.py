"""Customers (with `invoice_settings.default_payment_method`, invoice prefix and sequence) and card payment methods."""

from __future__ import annotations

import copy
import re

from local.sandboxes.stripe.call import StripeApiError, StripeCall, invalid, no_such, previous_attributes
from local.sandboxes.stripe.state import (
    CARD_EXPIRY,
    CARD_TOKENS,
    CARDS,
    CARDS_BY_FINGERPRINT,
    SUCCEEDING_CARD,
    Json,
    SandboxCard,
    StripeState,
)

CUSTOMER_FIELDS = ("email", "name", "description", "phone")


def _invoice_prefix(state: StripeState, call: StripeCall) -> str:
    """The one asked for (3–12 capitals or digits), else the capitals of the name or email (e.g. "ACME"), made
    unique with a number."""
    used = {customer["invoice_prefix"] for customer in state.customers.values()}
    asked = call.params.get("invoice_prefix")
    if asked is not None:
        if not re.fullmatch(r"[A-Z0-9]{3,12}", str(asked)):
            raise invalid("invoice_prefix", "Invoice prefix must be 3 to 12 uppercase letters or numbers.")
        if asked in used:
            raise invalid("invoice_prefix", f"Invoice prefix {asked} is already in use.")
        return str(asked)
    source = str(call.params.get("name") or call.params.get("email") or "").split("@")[0]
    base = (re.sub(r"[^A-Z0-9]", "", source.upper())[:8] or "CUS").ljust(3, "X")
    prefix, number = base, 1
    while prefix in used:
        number += 1
        prefix = f"{base}{number}"
    return prefix


def create_customer(state: StripeState, call: StripeCall) -> Json:
    customer: Json = {
        "id": state.new_id("cus"),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": call.now,
        "currency": None,
        "default_source": None,
        "delinquent": False,
        **{name: call.params.get(name) or None for name in CUSTOMER_FIELDS},
        "invoice_prefix": _invoice_prefix(state, call),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": call.metadata(),
        "next_invoice_sequence": 1,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
    }
    state.customers[customer["id"]] = customer
    call.emit(state, "customer.created", customer)
    return customer


def get_customer(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.customers:
        raise no_such("customer", call.object_id)
    return state.customers[call.object_id]


def optional_customer(state: StripeState, call: StripeCall) -> str | None:
    customer = call.text("customer")
    if customer is not None and customer not in state.customers:
        raise no_such("customer", customer, param="customer", http_status=400)
    return customer


def required_customer(state: StripeState, call: StripeCall) -> str:
    call.required("customer")
    return str(optional_customer(state, call))


def update_customer(state: StripeState, call: StripeCall) -> Json:
    """Contact fields ("" unsets), metadata merged ("" removes a key), `invoice_settings[default_payment_method]`
    (a payment method attached to this customer; "" unsets)."""
    customer = get_customer(state, call)
    settings = call.params.get("invoice_settings") or {}
    default = settings.get("default_payment_method") if isinstance(settings, dict) else None
    if default:
        method = payment_method(state, call, default, "invoice_settings[default_payment_method]")
        if method["customer"] != customer["id"]:
            raise invalid(
                "invoice_settings[default_payment_method]",
                f"The customer does not have a payment method with the ID {default}. The payment method must be "
                "attached to the customer.",
                "resource_missing",
            )
    before = copy.deepcopy(customer)
    customer.update({name: call.params[name] or None for name in CUSTOMER_FIELDS if name in call.params})
    call.merge_metadata(customer["metadata"])
    if default is not None:
        customer["invoice_settings"]["default_payment_method"] = default or None
    if changed := previous_attributes(before, customer):
        call.emit(state, "customer.updated", customer, changed)
    return customer


def card_of(method: Json) -> SandboxCard:
    return CARDS_BY_FINGERPRINT[method["card"]["fingerprint"]]


def new_card_method(state: StripeState, call: StripeCall, number: str, *, method_id: str | None = None) -> Json:
    """A card payment method of the test card `number`, not attached to any customer."""
    card = CARDS.get(number)
    if card is None:
        raise invalid("card", f"No such test card: {number}. Use one of {', '.join(CARDS)}.")
    method: Json = {
        "id": method_id or state.new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {"address": None, "email": None, "name": None, "phone": None},
        "card": {
            "brand": card.brand,
            "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
            "country": card.country,
            "display_brand": card.brand,
            "exp_month": CARD_EXPIRY[0],
            "exp_year": CARD_EXPIRY[1],
            "fingerprint": card.fingerprint,
            "funding": card.funding,
            "last4": card.number[-4:],
            "networks": {"available": [card.brand], "preferred": None},
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": call.now,
        "customer": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }
    state.payment_methods[method["id"]] = method
    return method


def payment_method(state: StripeState, call: StripeCall, method_id: str, param: str) -> Json:
    """A payment method by id; Stripe's test ids (`pm_card_visa`, ...) are made on first use."""
    if method_id not in state.payment_methods and method_id in CARD_TOKENS:
        new_card_method(state, call, CARD_TOKENS[method_id], method_id=method_id)
    if method_id not in state.payment_methods:
        raise no_such("PaymentMethod", method_id, param=param, http_status=400 if param != "id" else 404)
    return state.payment_methods[method_id]


def get_payment_method(state: StripeState, call: StripeCall) -> Json:
    return payment_method(state, call, call.object_id, "id")


def attach(state: StripeState, call: StripeCall, method: Json, customer_id: str) -> Json:
    """Attach `method` to the customer (a test id attaches a copy, as Stripe does); sends `payment_method.attached`."""
    if method["customer"] == customer_id:
        return method
    if method["customer"] is not None:
        raise StripeApiError(
            "The payment method you provided has already been attached to a customer.", param="payment_method"
        )
    if method["id"] in CARD_TOKENS:
        method = new_card_method(state, call, card_of(method).number)
    method["customer"] = customer_id
    call.emit(state, "payment_method.attached", method)
    return method


def attach_payment_method(state: StripeState, call: StripeCall) -> Json:
    customer = required_customer(state, call)
    return attach(state, call, payment_method(state, call, call.object_id, "id"), customer)


def make_default(state: StripeState, call: StripeCall, customer: Json, method_id: str) -> None:
    before = copy.deepcopy(customer)
    customer["invoice_settings"]["default_payment_method"] = method_id
    if changed := previous_attributes(before, customer):
        call.emit(state, "customer.updated", customer, changed)


def list_customer_payment_methods(state: StripeState, call: StripeCall) -> Json:
    customer = get_customer(state, call)
    methods = [method for method in state.payment_methods.values() if method["customer"] == customer["id"]]
    return call.page(reversed(methods), f"/v1/customers/{customer['id']}/payment_methods")


def seed_card(state: StripeState, call: StripeCall) -> Json:
    """Admin: attach a test card (`card`, 4242… by default) to the customer and make it the default."""
    customer = get_customer(state, call)
    card = new_card_method(state, call, str(call.params.get("card") or SUCCEEDING_CARD))
    method = attach(state, call, card, customer["id"])
    make_default(state, call, customer, method["id"])
    return method


def create_portal_session(state: StripeState, call: StripeCall) -> Json:
    session_id = state.new_id("bps")
    session = {
        "id": session_id,
        "object": "billing_portal.session",
        "customer": required_customer(state, call),
        "return_url": call.params.get("return_url"),
        "url": f"{call.base_url}billing_portal/{session_id}",
        "created": call.now,
        "livemode": False,
    }
    state.portal_sessions[session_id] = session
    return session
