"""Subscriptions of one or more items: quantities with prorations, cancelling, and the next period on demand.

A period is 30 days. A quantity change under `proration_behavior=create_prorations` (the default) records a
pending proration (an invoice item): unit amount × quantity change × the unused share of the item's current
period, rounded half away from zero; the next invoice bills it. `always_invoice` bills it at once, `none` skips it.
"""

from __future__ import annotations

import copy

from local.sandboxes.stripe import invoices
from local.sandboxes.stripe.call import StripeApiError, StripeCall, invalid, missing, no_such, previous_attributes
from local.sandboxes.stripe.customers import required_customer
from local.sandboxes.stripe.state import PERIOD_SECONDS, Json, StripeState

PRORATION_BEHAVIORS = ("create_prorations", "none", "always_invoice")


def _rounded(numerator: int, denominator: int) -> int:
    """numerator / denominator, rounded half away from zero."""
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def _new_item(
    state: StripeState, call: StripeCall, subscription_id: str, raw: object, param: str, period: tuple[int, int]
) -> Json:
    if not isinstance(raw, dict) or not raw.get("price"):
        raise missing(f"{param}[price]")
    if raw["price"] not in state.prices:
        raise no_such("price", raw["price"], param=f"{param}[price]", http_status=400)
    return {
        "id": state.new_id("si"),
        "object": "subscription_item",
        "subscription": subscription_id,
        "price": copy.deepcopy(state.prices[raw["price"]]),
        "quantity": call.integer(f"{param}[quantity]", raw.get("quantity"), 1),
        "created": call.now,
        "current_period_start": period[0],
        "current_period_end": period[1],
        "metadata": {},
    }


def _prorate(state: StripeState, call: StripeCall, subscription: Json, item: Json, old: int, new: int) -> None:
    """Record the proration of a quantity change from `old` to `new`, if it comes to a non-zero amount."""
    start, end = item["current_period_start"], item["current_period_end"]
    remaining = min(max(end - call.now, 0), end - start)
    price = item["price"]
    amount = _rounded(price["unit_amount"] * (new - old) * remaining, end - start)
    if amount == 0:
        return
    since = max(call.now, start)
    what = "Remaining time on" if new > old else "Unused time on"
    proration_id = state.new_id("ii")
    state.invoice_items[proration_id] = {
        "id": proration_id,
        "object": "invoiceitem",
        "amount": amount,
        "currency": price["currency"],
        "customer": subscription["customer"],
        "date": call.now,
        "description": f"{what} {abs(new - old)} × {price['nickname']} after {invoices.day(since)}",
        "discountable": False,
        "discounts": [],
        "invoice": None,
        "livemode": False,
        "metadata": {},
        "net_amount": amount,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription["id"], "subscription_item": item["id"]},
        },
        "period": {"start": since, "end": end},
        "pricing": {
            "type": "price_details",
            "price_details": {"price": price["id"], "product": price["product"]},
            "unit_amount_decimal": str(price["unit_amount"]),
        },
        "proration": True,
        "proration_details": {"credited_items": None},
        "quantity": abs(new - old),
    }


def create_subscription(state: StripeState, call: StripeCall) -> Json:
    """Starts at once; its first invoice (the first period) is created and charged."""
    customer = required_customer(state, call)
    call.choice("proration_behavior", PRORATION_BEHAVIORS)
    raw_items = call.params.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise missing("items")
    subscription_id = state.new_id("sub")
    period = (call.now, call.now + PERIOD_SECONDS)
    items = [
        _new_item(state, call, subscription_id, raw, f"items[{index}]", period) for index, raw in enumerate(raw_items)
    ]
    if len({item["price"]["currency"] for item in items}) > 1:
        raise invalid("items", "All prices on a subscription must have the same currency.")
    subscription = {
        "id": subscription_id,
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "created": call.now,
        "start_date": call.now,
        "billing_cycle_anchor": call.now,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "currency": items[0]["price"]["currency"],
        "default_payment_method": None,
        "description": None,
        "ended_at": None,
        "items": {
            "object": "list",
            "data": items,
            "has_more": False,
            "total_count": len(items),
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "metadata": call.metadata(),
        "latest_invoice": None,
        "livemode": False,
    }
    state.subscriptions[subscription_id] = subscription
    invoice = invoices.draft(state, call, subscription, period=period, billing_reason="subscription_create")
    call.emit(state, "customer.subscription.created", subscription)
    invoices.collect(state, call, invoice)
    return subscription


def get_subscription(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.subscriptions:
        raise no_such("subscription", call.object_id)
    return state.subscriptions[call.object_id]


def _changeable(call: StripeCall, subscription: Json) -> str:
    """The call's proration behaviour, once the subscription is known to take changes."""
    if subscription["status"] == "canceled":
        raise StripeApiError(
            "A canceled subscription can only update its cancellation_details and metadata.", param="items"
        )
    return call.choice("proration_behavior", PRORATION_BEHAVIORS)


def _changed(state: StripeState, call: StripeCall, subscription: Json, before: Json, behavior: str) -> None:
    """After a change: `customer.subscription.updated` with what changed, and the invoice `always_invoice` asks."""
    if changed := previous_attributes(before, subscription):
        call.emit(state, "customer.subscription.updated", subscription, changed)
    if behavior == "always_invoice":
        _invoice_prorations(state, call, subscription)


def _invoice_prorations(state: StripeState, call: StripeCall, subscription: Json) -> None:
    """Bill the subscription's pending prorations now, if there are any."""
    if invoices.pending_prorations(state, subscription["id"]):
        invoice = invoices.draft(state, call, subscription, period=None, billing_reason="subscription_update")
        invoices.collect(state, call, invoice)


def update_subscription(state: StripeState, call: StripeCall) -> Json:
    """Items by `id` (new `quantity`, or `deleted`) or by `price` (added, in the current period); metadata merged
    ("" removes a key); `cancel_at_period_end`; `proration_behavior`."""
    subscription = get_subscription(state, call)
    behavior = _changeable(call, subscription)
    items: list[Json] = subscription["items"]["data"]
    period = (items[0]["current_period_start"], items[0]["current_period_end"])
    added: list[Json] = []
    changes: list[tuple[Json, int, int | None]] = []  # (item, quantity before, after; None when deleted)
    for index, raw in enumerate(call.params.get("items") or []):
        param = f"items[{index}]"
        if not isinstance(raw, dict) or "id" not in raw:
            added.append(_new_item(state, call, subscription["id"], raw, param, period))
            changes.append((added[-1], 0, added[-1]["quantity"]))
            continue
        item = next((item for item in items if item["id"] == raw["id"]), None)
        if item is None:
            raise no_such("subscription_item", raw["id"], param=f"{param}[id]", http_status=400)
        if any(changed is item for changed, _, _ in changes):
            raise invalid(f"{param}[id]", f"Subscription item {item['id']} is given more than once.")
        deleted = raw.get("deleted") == "true"
        quantity = None if deleted else call.integer(f"{param}[quantity]", raw.get("quantity"), item["quantity"])
        changes.append((item, item["quantity"], quantity))
    if len(items) + len(added) == sum(new is None for _, _, new in changes):
        raise invalid("items", "A subscription needs at least one item; cancel it instead.")
    cancel_at_period_end = call.flag("cancel_at_period_end") if "cancel_at_period_end" in call.params else None
    before = copy.deepcopy(subscription)
    items.extend(added)
    for item, old, new in changes:
        if new is None:
            items.remove(item)
        else:
            item["quantity"] = new
        if behavior != "none" and (new or 0) != old:
            _prorate(state, call, subscription, item, old, new or 0)
    subscription["items"]["total_count"] = len(items)
    call.merge_metadata(subscription["metadata"])
    if cancel_at_period_end is not None:
        subscription["cancel_at_period_end"] = cancel_at_period_end
        subscription["cancel_at"] = period[1] if cancel_at_period_end else None
    _changed(state, call, subscription, before, behavior)
    return subscription


def update_subscription_item(state: StripeState, call: StripeCall) -> Json:
    """`quantity`, `metadata` (merged), `proration_behavior`."""
    for subscription in state.subscriptions.values():
        item: Json | None = next((item for item in subscription["items"]["data"] if item["id"] == call.object_id), None)
        if item is None:
            continue
        behavior = _changeable(call, subscription)
        quantity = call.integer("quantity", call.params.get("quantity"), item["quantity"])
        before = copy.deepcopy(subscription)
        if behavior != "none" and quantity != item["quantity"]:
            _prorate(state, call, subscription, item, item["quantity"], quantity)
        item["quantity"] = quantity
        call.merge_metadata(item["metadata"])
        _changed(state, call, subscription, before, behavior)
        return item
    raise no_such("subscription_item", call.object_id)


def _end(state: StripeState, call: StripeCall, subscription: Json, ended_at: int) -> None:
    subscription.update(status="canceled", canceled_at=call.now, ended_at=ended_at, cancel_at_period_end=False)
    subscription["cancellation_details"]["reason"] = "cancellation_requested"
    call.emit(state, "customer.subscription.deleted", subscription)


def cancel_subscription(state: StripeState, call: StripeCall) -> Json:
    """At once (`DELETE`); `prorate=true` credits the unused time, `invoice_now=true` bills pending prorations."""
    subscription = get_subscription(state, call)
    if subscription["status"] == "canceled":
        raise StripeApiError(f"Subscription {subscription['id']} is already canceled.")
    prorate, invoice_now = call.flag("prorate"), call.flag("invoice_now")
    for item in subscription["items"]["data"] if prorate else []:
        _prorate(state, call, subscription, item, item["quantity"], 0)
    _end(state, call, subscription, call.now)
    if invoice_now:
        _invoice_prorations(state, call, subscription)
    return subscription


def advance_subscription(state: StripeState, call: StripeCall) -> Json:
    """Admin: move to the next period and bill it (items at their quantities plus pending prorations), or end the
    subscription there if it cancels at period end. `{subscription, invoice}`."""
    subscription = get_subscription(state, call)
    if subscription["status"] == "canceled":
        raise StripeApiError(f"Subscription {subscription['id']} is canceled.")
    items = subscription["items"]["data"]
    if subscription["cancel_at_period_end"]:
        _end(state, call, subscription, items[0]["current_period_end"])
        return {"subscription": subscription, "invoice": None}
    before = copy.deepcopy(subscription)
    for item in items:
        item["current_period_start"] = item["current_period_end"]
        item["current_period_end"] += PERIOD_SECONDS
    call.emit(state, "customer.subscription.updated", subscription, previous_attributes(before, subscription))
    period = (items[0]["current_period_start"], items[0]["current_period_end"])
    invoice = invoices.draft(state, call, subscription, period=period, billing_reason="subscription_cycle")
    invoices.collect(state, call, invoice)
    return {"subscription": subscription, "invoice": invoice}
