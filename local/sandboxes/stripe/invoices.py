"""Invoices of subscriptions: lines and prorations, numbering, collection on the default card, preview and list.

A draft is finalized at once: it takes the customer's next number (`{invoice_prefix}-{sequence:04d}`), applies
the customer's balance (a credit lowers `amount_due`; a negative total becomes credit), then is charged to the
customer's `invoice_settings.default_payment_method`.
"""

from __future__ import annotations

import time

from local.sandboxes.stripe.call import StripeApiError, StripeCall, invalid, no_such
from local.sandboxes.stripe.customers import optional_customer, payment_method
from local.sandboxes.stripe.payments import card_error, charge
from local.sandboxes.stripe.state import PERIOD_SECONDS, Json, StripeState, money

STATUSES = ("draft", "open", "paid", "uncollectible", "void")
NO_PAYMENT_METHOD = (
    "This customer has no attached payment source or default payment method. Please consider adding a default "
    "payment method."
)


def day(seconds: int) -> str:
    return time.strftime("%d %b %Y", time.gmtime(seconds))


def _line(
    state: StripeState,
    line_id: str,
    *,
    price_id: str,
    subscription: str,
    item: str,
    amount: int,
    quantity: int,
    period: Json,
    description: str,
    invoice_item: str | None = None,
) -> Json:
    price = state.prices[price_id]
    return {
        "id": line_id,
        "object": "line_item",
        "amount": amount,
        "currency": price["currency"],
        "description": description,
        "discount_amounts": [],
        "discountable": invoice_item is None,
        "discounts": [],
        "invoice": None,
        "livemode": False,
        "metadata": {},
        "parent": {
            "type": "subscription_item_details",
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": invoice_item,
                "proration": invoice_item is not None,
                "proration_details": {"credited_items": None},
                "subscription": subscription,
                "subscription_item": item,
            },
        },
        "period": dict(period),
        "pretax_credit_amounts": [],
        "pricing": {
            "type": "price_details",
            "price_details": {"price": price_id, "product": price["product"]},
            "unit_amount_decimal": str(price["unit_amount"]),
        },
        "quantity": quantity,
        "subtotal": amount,
        "taxes": [],
    }


def pending_prorations(state: StripeState, subscription_id: str) -> list[Json]:
    return [
        invoice_item
        for invoice_item in state.invoice_items.values()
        if invoice_item["invoice"] is None
        and invoice_item["parent"]["subscription_details"]["subscription"] == subscription_id
    ]


def _lines(state: StripeState, subscription: Json, period: tuple[int, int] | None, prefix: str) -> list[Json]:
    """The pending prorations, then (with `period`) each item at its quantity for that period."""
    lines = [
        _line(
            state,
            state.new_id(prefix),
            price_id=proration["pricing"]["price_details"]["price"],
            subscription=subscription["id"],
            item=proration["parent"]["subscription_details"]["subscription_item"],
            amount=proration["amount"],
            quantity=proration["quantity"],
            period=proration["period"],
            description=proration["description"],
            invoice_item=proration["id"],
        )
        for proration in pending_prorations(state, subscription["id"])
    ]
    if period is None:
        return lines
    for item in subscription["items"]["data"]:
        price, quantity = item["price"], item["quantity"]
        lines.append(
            _line(
                state,
                state.new_id(prefix),
                price_id=price["id"],
                subscription=subscription["id"],
                item=item["id"],
                amount=price["unit_amount"] * quantity,
                quantity=quantity,
                period={"start": period[0], "end": period[1]},
                description=f"{quantity} × {price['nickname']} (at {money(price['unit_amount'], price['currency'])}"
                " / month)",
            )
        )
    return lines


def _build(
    state: StripeState,
    call: StripeCall,
    subscription: Json,
    *,
    invoice_id: str,
    period: tuple[int, int] | None,
    billing_reason: str,
    line_prefix: str,
) -> Json:
    customer = state.customers[subscription["customer"]]
    lines = _lines(state, subscription, period, line_prefix)
    for invoice_line in lines:
        invoice_line["invoice"] = invoice_id
    total = sum(invoice_line["amount"] for invoice_line in lines)
    start, end = period or (
        min(invoice_line["period"]["start"] for invoice_line in lines),
        max(invoice_line["period"]["end"] for invoice_line in lines),
    )
    amount_due = max(total + customer["balance"], 0)
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": amount_due,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": amount_due,
        "amount_shipping": 0,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": True,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": call.now,
        "currency": subscription["currency"],
        "customer": customer["id"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "default_payment_method": None,
        "description": None,
        "due_date": None,
        "effective_at": None,
        "ending_balance": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "last_finalization_error": None,
        "lines": {
            "object": "list",
            "data": lines,
            "has_more": False,
            "total_count": len(lines),
            "url": f"/v1/invoices/{invoice_id}/lines",
        },
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": None,
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(subscription["metadata"]),
                "subscription": subscription["id"],
                "subscription_proration_date": None,
            },
        },
        "period_end": end,
        "period_start": start,
        "starting_balance": customer["balance"],
        "status": "draft",
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "total": total,
        "total_discount_amounts": [],
        "total_excluding_tax": total,
        "total_taxes": [],
        "webhooks_delivered_at": None,
    }


def draft(
    state: StripeState, call: StripeCall, subscription: Json, *, period: tuple[int, int] | None, billing_reason: str
) -> Json:
    """A draft of the subscription's pending prorations and, with `period`, its items for that period; the
    subscription's latest invoice, billing those prorations."""
    invoice = _build(
        state,
        call,
        subscription,
        invoice_id=state.new_id("in"),
        period=period,
        billing_reason=billing_reason,
        line_prefix="il",
    )
    for invoice_line in invoice["lines"]["data"]:
        if proration := invoice_line["parent"]["subscription_item_details"]["invoice_item"]:
            state.invoice_items[proration]["invoice"] = invoice["id"]
    state.invoices[invoice["id"]] = invoice
    subscription["latest_invoice"] = invoice["id"]
    return invoice


def collect(state: StripeState, call: StripeCall, invoice: Json) -> None:
    """Send `invoice.created`, finalize (`invoice.finalized`) and charge the customer's default card."""
    call.emit(state, "invoice.created", invoice)
    customer = state.customers[invoice["customer"]]
    balance = invoice["total"] + invoice["starting_balance"]
    customer["balance"] = min(balance, 0)
    invoice.update(
        number=f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}",
        status="open",
        effective_at=call.now,
        ending_balance=customer["balance"],
        hosted_invoice_url=f"{call.base_url}invoices/{invoice['id']}",
        invoice_pdf=f"{call.base_url}invoices/{invoice['id']}/pdf",
    )
    invoice["status_transitions"]["finalized_at"] = call.now
    customer["next_invoice_sequence"] += 1
    call.emit(state, "invoice.finalized", invoice)
    _attempt(state, call, invoice, customer["invoice_settings"]["default_payment_method"])


def _attempt(state: StripeState, call: StripeCall, invoice: Json, method_id: str | None) -> Json | None:
    """Charge the amount due to `method_id`: "paid" (`invoice.paid`, `invoice.payment_succeeded`), or still "open"
    (`invoice.payment_failed`). The decline, or Stripe's error when there is no payment method."""
    if invoice["amount_due"] > 0:
        invoice.update(attempt_count=invoice["attempt_count"] + 1, attempted=True)
        method = state.payment_methods.get(method_id or "")
        error = {"message": NO_PAYMENT_METHOD} if method is None else charge(state, method)[1]
        if error is not None:
            call.emit(state, "invoice.payment_failed", invoice)
            return error
    invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
    invoice["status_transitions"]["paid_at"] = call.now
    call.emit(state, "invoice.paid", invoice)
    call.emit(state, "invoice.payment_succeeded", invoice)
    return None


def get_invoice(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.invoices:
        raise no_such("invoice", call.object_id)
    return state.invoices[call.object_id]


def list_invoices(state: StripeState, call: StripeCall) -> Json:
    """Newest first; by `customer`, `subscription` and `status`."""
    customer = optional_customer(state, call)
    status = call.params.get("status")
    if status is not None and status not in STATUSES:
        raise invalid("status", f"Invalid status: must be one of {', '.join(STATUSES)}")
    subscription = call.params.get("subscription")
    invoices = [
        invoice
        for invoice in reversed(state.invoices.values())
        if customer in (None, invoice["customer"])
        and status in (None, invoice["status"])
        and subscription in (None, invoice["parent"]["subscription_details"]["subscription"])
    ]
    return call.page(invoices, "/v1/invoices")


def preview_invoice(state: StripeState, call: StripeCall) -> Json:
    """The subscription's next invoice: pending prorations and its items for the next period (not stored)."""
    subscription_id = call.required("subscription")
    subscription = state.subscriptions.get(subscription_id)
    if subscription is None:
        raise no_such("subscription", subscription_id, param="subscription", http_status=400)
    customer = optional_customer(state, call) or subscription["customer"]
    if (
        customer != subscription["customer"]
        or subscription["status"] == "canceled"
        or (subscription["cancel_at_period_end"] and not pending_prorations(state, subscription_id))
    ):
        raise StripeApiError(f"No upcoming invoices for customer: {customer}", code="invoice_upcoming_none")
    period_end = subscription["items"]["data"][0]["current_period_end"]
    next_period = None if subscription["cancel_at_period_end"] else (period_end, period_end + PERIOD_SECONDS)
    return _build(
        state,
        call,
        subscription,
        invoice_id=f"upcoming_in_{subscription_id.split('_', 1)[1]}",
        period=next_period,
        billing_reason="upcoming",
        line_prefix="il_tmp",
    )


def pay_invoice(state: StripeState, call: StripeCall) -> Json:
    """Charge an open invoice again: to `payment_method` (the customer's) or the customer's default card."""
    invoice = get_invoice(state, call)
    if invoice["status"] != "open":
        raise StripeApiError(f"Invoice is already {invoice['status']}.", code="invoice_not_editable")
    method_id = call.text("payment_method")
    if method_id is None:
        method_id = state.customers[invoice["customer"]]["invoice_settings"]["default_payment_method"]
    elif payment_method(state, call, method_id, "payment_method")["customer"] != invoice["customer"]:
        raise invalid("payment_method", f"The payment method {method_id} is not attached to this invoice's customer.")
    error = _attempt(state, call, invoice, method_id)
    if error is not None and "code" in error:
        raise card_error(error)
    if error is not None:
        raise StripeApiError(error["message"])
    return invoice


def _close(state: StripeState, call: StripeCall, allowed: tuple[str, ...], status: str, event: str) -> Json:
    invoice = get_invoice(state, call)
    if invoice["status"] not in allowed:
        raise StripeApiError(
            f"You can only mark {' or '.join(allowed)} invoices as {status}; invoice {invoice['id']} is "
            f"{invoice['status']}.",
            code="invoice_not_editable",
        )
    transition = "voided_at" if status == "void" else "marked_uncollectible_at"
    invoice["status"] = status
    invoice["status_transitions"][transition] = call.now
    call.emit(state, event, invoice)
    return invoice


def void_invoice(state: StripeState, call: StripeCall) -> Json:
    return _close(state, call, ("open", "uncollectible"), "void", "invoice.voided")


def mark_uncollectible(state: StripeState, call: StripeCall) -> Json:
    return _close(state, call, ("open",), "uncollectible", "invoice.marked_uncollectible")
