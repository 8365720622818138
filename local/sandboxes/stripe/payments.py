"""Charges on the test cards: PaymentIntents (confirmed at once) and Checkout sessions (payment and setup modes)."""

from __future__ import annotations

import copy

from local.sandboxes.stripe.call import StripeApiError, StripeCall, invalid, missing, no_such
from local.sandboxes.stripe.customers import (
    attach,
    card_of,
    make_default,
    new_card_method,
    optional_customer,
    payment_method,
)
from local.sandboxes.stripe.state import (
    CARD_TOKENS,
    CHECKOUT_LIFETIME_SECONDS,
    SUCCEEDING_CARD,
    Json,
    StripeState,
    money,
)

CURRENCIES = ("eur", "usd", "gbp", "chf", "dkk", "sek", "nok", "pln", "czk", "cad", "aud")
MINIMUM_AMOUNTS = {"gbp": 30}
"""Stripe's smallest charge per currency where it is not 50 minor units."""
DECLINE_DOC_URL = "https://docs.stripe.com/error-codes/card-declined"
FUTURE_USAGES = ("off_session", "on_session")


def charge(state: StripeState, method: Json) -> tuple[str, Json | None]:
    """Charge the card: the charge's id, and Stripe's `last_payment_error` when the card declines."""
    charge_id = state.new_id("ch")
    if not card_of(method).declines:
        return charge_id, None
    return charge_id, {
        "charge": charge_id,
        "code": "card_declined",
        "decline_code": "generic_decline",
        "doc_url": DECLINE_DOC_URL,
        "message": "Your card was declined.",
        "payment_method": copy.deepcopy(method),
        "type": "card_error",
    }


def card_error(error: Json, intent: Json | None = None) -> StripeApiError:
    """Stripe's 402 `card_error` envelope for a decline (the SDK raises `stripe.CardError`)."""
    details = {key: error[key] for key in ("charge", "decline_code", "doc_url", "payment_method")}
    if intent is not None:
        details["payment_intent"] = copy.deepcopy(intent)
    return StripeApiError(
        error["message"], http_status=402, code=error["code"], error_type="card_error", details=details
    )


def _new_intent(state: StripeState, call: StripeCall, amount: int, currency: str, **fields: object) -> Json:
    intent_id = state.new_id("pi")
    intent: Json = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": 0,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic_async",
        "client_secret": f"{intent_id}_secret_sandbox",
        "confirmation_method": "automatic",
        "created": call.now,
        "currency": currency,
        "customer": None,
        "description": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": {},
        "next_action": None,
        "payment_method": None,
        "payment_method_types": ["card"],
        "setup_future_usage": None,
        "status": "requires_payment_method",
        **fields,
    }
    state.payment_intents[intent_id] = intent
    call.emit(state, "payment_intent.created", intent)
    return intent


def _confirm(state: StripeState, call: StripeCall, intent: Json, method: Json) -> Json | None:
    """Charge `method` for the intent: "succeeded" (saving the card to the customer when `setup_future_usage`
    asks), or back to "requires_payment_method"; each with its event. The decline, if any."""
    charge_id, error = charge(state, method)
    intent.update(latest_charge=charge_id, last_payment_error=error)
    if error is not None:
        intent.update(status="requires_payment_method", payment_method=None)
        call.emit(state, "payment_intent.payment_failed", intent)
        return error
    if intent["setup_future_usage"] and intent["customer"]:
        method = attach(state, call, method, intent["customer"])
    intent.update(status="succeeded", amount_received=intent["amount"], payment_method=method["id"])
    call.emit(state, "payment_intent.succeeded", intent)
    return None


def create_payment_intent(state: StripeState, call: StripeCall) -> Json:
    """`amount`, `currency`, `customer`, `payment_method` (the customer's, or a test id), `confirm`, `off_session`,
    `setup_future_usage`, `metadata`, `description`. Confirmed: succeeded, or a 402 `card_error`."""
    amount = call.integer("amount", call.required("amount"), 0)
    if amount < 1:
        raise invalid("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer")
    currency = call.required("currency").lower()
    if currency not in CURRENCIES:
        supported = ", ".join(CURRENCIES)
        raise invalid("currency", f"Invalid currency: {currency}. Stripe currently supports: {supported}")
    minimum = MINIMUM_AMOUNTS.get(currency, 50)
    if amount < minimum:
        raise StripeApiError(
            f"Amount must be at least {money(minimum, currency)}", code="amount_too_small", param="amount"
        )
    customer = optional_customer(state, call)
    confirm, off_session = call.flag("confirm"), call.flag("off_session")
    if off_session and not confirm:
        raise invalid("off_session", "You can only pass in off_session when confirm is set to true.")
    usage = call.params.get("setup_future_usage")
    if usage is not None and usage not in FUTURE_USAGES:
        raise invalid("setup_future_usage", f"Invalid setup_future_usage: must be one of {', '.join(FUTURE_USAGES)}")
    method_id = call.text("payment_method")
    method = None if method_id is None else payment_method(state, call, method_id, "payment_method")
    if method is not None and method["customer"] != customer and method["id"] not in CARD_TOKENS:
        raise invalid(
            "payment_method",
            f"The provided PaymentMethod {method['id']} does not belong to the Customer {customer}. Attach it to the "
            "Customer first, or pass the Customer it is attached to.",
            "resource_missing",
        )
    if confirm and method is None:
        raise missing("payment_method")
    intent = _new_intent(
        state,
        call,
        amount,
        currency,
        customer=customer,
        description=call.text("description"),
        metadata=call.metadata(),
        setup_future_usage=usage,
    )
    if method is not None:
        intent.update(payment_method=method["id"], status="requires_confirmation")
    if confirm and method is not None and (error := _confirm(state, call, intent, method)) is not None:
        raise card_error(error, intent)
    return intent


def get_payment_intent(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.payment_intents:
        raise no_such("payment_intent", call.object_id)
    return state.payment_intents[call.object_id]


def _line(state: StripeState, call: StripeCall, raw: object, param: str) -> Json:
    """One checkout line: a known `price` or inline `price_data`, times `quantity` → {name, amount, currency}."""
    if not isinstance(raw, dict):
        raise missing(param)
    quantity = call.integer(f"{param}[quantity]", raw.get("quantity"), 1)
    if raw.get("price"):
        if raw["price"] not in state.prices:
            raise no_such("price", raw["price"], param=f"{param}[price]", http_status=400)
        price = state.prices[raw["price"]]
        return {"name": price["nickname"], "amount": price["unit_amount"] * quantity, "currency": price["currency"]}
    data = raw.get("price_data")
    if not isinstance(data, dict) or not data.get("currency"):
        raise missing(f"{param}[price_data][currency]")
    product = data.get("product_data") if isinstance(data.get("product_data"), dict) else {}
    unit_amount = call.integer(f"{param}[price_data][unit_amount]", data.get("unit_amount"), 0)
    return {
        "name": str((product or {}).get("name") or "Item"),
        "amount": unit_amount * quantity,
        "currency": str(data["currency"]).lower(),
    }


def _payment_intent_data(call: StripeCall, mode: str) -> Json:
    raw = call.params.get("payment_intent_data") or {}
    if raw and mode != "payment":
        raise invalid("payment_intent_data", "You can only specify `payment_intent_data` in `payment` mode.")
    if not isinstance(raw, dict):
        raise invalid("payment_intent_data", "Invalid hash", "parameter_invalid_empty")
    usage = raw.get("setup_future_usage")
    if usage is not None and usage not in FUTURE_USAGES:
        raise invalid("payment_intent_data[setup_future_usage]", f"Invalid setup_future_usage: {usage}")
    return {"setup_future_usage": usage, "metadata": call.metadata(raw.get("metadata") or {})}


def create_checkout_session(state: StripeState, call: StripeCall) -> Json:
    mode = call.required("mode")
    if mode not in ("payment", "setup"):
        raise invalid("mode", f"Invalid mode: {mode} (the sandbox's Checkout takes payment and setup).")
    raw_lines = call.params.get("line_items") or []
    if mode == "payment" and not raw_lines:
        raise missing("line_items")
    lines = [_line(state, call, raw, f"line_items[{index}]") for index, raw in enumerate(raw_lines)]
    details = {"lines": lines, "payment_intent_data": _payment_intent_data(call, mode)}
    session_id = state.new_id("cs_test")
    total = sum(line["amount"] for line in lines)
    session = {
        "id": session_id,
        "object": "checkout.session",
        "mode": mode,
        "status": "open",
        "payment_status": "unpaid" if mode == "payment" else "no_payment_required",
        "amount_subtotal": total,
        "amount_total": total,
        "currency": lines[0]["currency"] if lines else call.text("currency"),
        "customer": optional_customer(state, call),
        "client_reference_id": call.text("client_reference_id"),
        "metadata": call.metadata(),
        "success_url": call.text("success_url"),
        "cancel_url": call.text("cancel_url"),
        "url": f"{call.base_url}checkout/{session_id}",
        "payment_intent": None,
        "payment_method_types": ["card"],
        "setup_intent": None,
        "subscription": None,
        "invoice": None,
        "created": call.now,
        "expires_at": call.now + CHECKOUT_LIFETIME_SECONDS,
        "livemode": False,
    }
    state.checkout_sessions[session_id] = session
    state.checkout_details[session_id] = details
    return session


def get_checkout_session(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.checkout_sessions:
        raise no_such("checkout.session", call.object_id)
    return state.checkout_sessions[call.object_id]


def complete_checkout(state: StripeState, call: StripeCall) -> Json:
    """Pay an open session with the test card `card` (4242… by default); the `checkout.session.completed` event.

    Payment mode: a PaymentIntent of the total, saving the card to the session's customer when
    `payment_intent_data[setup_future_usage]` asks (and making it the default if the customer has none); a
    declined card leaves the session open and answers the 402 `card_error`. Setup mode: the card is saved.
    """
    session = get_checkout_session(state, call)
    if session["status"] != "open":
        raise StripeApiError(f"Checkout session {session['id']} is {session['status']}, not open.")
    method = new_card_method(state, call, str(call.params.get("card") or SUCCEEDING_CARD))
    customer = state.customers.get(session["customer"] or "")
    if session["mode"] == "setup":
        if customer is not None:
            method = attach(state, call, method, customer["id"])
        session["setup_intent"] = state.new_id("seti")
    else:
        intent_data = state.checkout_details[session["id"]]["payment_intent_data"]
        intent = state.payment_intents.get(session["payment_intent"] or "") or _new_intent(
            state,
            call,
            session["amount_total"],
            session["currency"],
            customer=session["customer"],
            metadata=copy.deepcopy(intent_data["metadata"]),
            setup_future_usage=intent_data["setup_future_usage"],
        )
        session["payment_intent"] = intent["id"]
        if (error := _confirm(state, call, intent, method)) is not None:
            raise card_error(error, intent)
        method = state.payment_methods[intent["payment_method"]]
        session["payment_status"] = "paid"
    saved = customer is not None and method["customer"] == customer["id"]
    if saved and customer is not None and customer["invoice_settings"]["default_payment_method"] is None:
        make_default(state, call, customer, method["id"])
    session.update(status="complete", url=None)
    return call.emit(state, "checkout.session.completed", session)
