"""Tickets other services ask for on the bus, each with its request as context: a client's wanted commerce
settings of an OBO number (the waba service), a refund of a number's prepaid funds (billing). One ticket per event,
however often the bus delivers it: its id is derived from the event's. A ticket is opened when the request was made
(the event's time), so support's first-response time counts from then."""

from __future__ import annotations

import hashlib
from datetime import datetime

from hub_support.models.contracts import CommerceSupportDetail, FundsRefundDetail, Settings
from hub_support.models.tickets import Ticket, TicketAuthor, TicketCategory, TicketOrigin, TicketPriority, TicketStatus
from hub_support.usecases.tickets import Tickets, ticket_created


def ticket_id_of_event(event_id: str) -> str:
    return "tkt_" + hashlib.sha256(f"event:{event_id}".encode()).hexdigest()[:24]


def _settings(settings: Settings | None) -> str:
    if settings is None:
        return "unknown (Meta did not answer)"
    catalog = "visible" if settings.is_catalog_visible else "hidden"
    cart = "enabled" if settings.is_cart_enabled else "disabled"
    return f"catalog {catalog}, cart {cart}"


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:,.2f} {currency.upper()}"


def _requested(
    detail: CommerceSupportDetail | FundsRefundDetail,
    *,
    subject: str,
    category: TicketCategory,
    description: str,
    origin: TicketOrigin,
) -> Ticket:
    """The ticket a request asks for: about its number, opened by who asked when they asked, the request kept."""
    return Ticket(
        ticket_id=ticket_id_of_event(detail.metadata.event_id),
        client_id=detail.client_id,
        subject=subject,
        category=category,
        description=description,
        number_id=detail.number_id,
        priority=TicketPriority.NORMAL,
        status=TicketStatus.OPEN,
        origin=origin,
        context=detail.model_dump(mode="json", exclude={"metadata"}),
        requester=TicketAuthor(**detail.actor.model_dump()),
        created_at=detail.metadata.occurred_at,
        updated_at=detail.metadata.occurred_at,
    )


def commerce_ticket(detail: CommerceSupportDetail) -> Ticket:
    note = f"\n\nThe client wrote: {detail.note}" if detail.note else ""
    return _requested(
        detail,
        subject=f"Commerce settings of number {detail.number_id}",
        category=TicketCategory.NUMBERS,
        description=(
            f"The number {detail.number_id} is in the OBO WABA {detail.waba_id}, whose commerce settings support "
            f"changes. Now: {_settings(detail.current)}. Wanted: {_settings(detail.wanted)}.{note}"
        ),
        origin=TicketOrigin.COMMERCE_SUPPORT_REQUEST,
    )


def refund_ticket(detail: FundsRefundDetail) -> Ticket:
    return _requested(
        detail,
        subject=f"Refund of the prepaid funds of number {detail.number_id}",
        category=TicketCategory.BILLING,
        description=(
            f"The client asks for the remaining funds of number {detail.number_id} back: "
            f"{_money(detail.balance, detail.currency)} when asked.\n\nReason: {detail.reason}"
        ),
        origin=TicketOrigin.FUNDS_REFUND_REQUEST,
    )


def open_requested_ticket(ticket: Ticket, *, tickets: Tickets, now: datetime) -> bool:
    """Open the ticket a request asked for; False when it is open already (the event was delivered before)."""
    return tickets.save(None, ticket, events=(ticket_created(ticket, now),))
