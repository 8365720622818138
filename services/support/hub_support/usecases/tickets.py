"""Tickets: open, list, read, answer, close, reopen, and the agents' work (assign, prioritise, solve, figures).

Who sees a ticket is `hub_shared.auth.authorize`'s rule with `tickets:write` as what reveals it: a client's users see
their client's tickets, a partner those of clients that granted it `tickets:write`, agents every ticket; another
tenant's ticket answers as a missing one. Internal notes are the agents' only: a customer never reads one, nor
counts one. Every change is written with its event (`TicketCreated`, `TicketUpdated`) at the version read;
a concurrent change makes it read again and retry.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from hub_shared.accounts import ClientAccounts
from hub_shared.auth import Action, Principal, Role, authorize
from hub_shared.errors import FieldError, Forbidden, ValidationFailed
from hub_shared.events import DomainEvent, EventMetadata
from hub_shared.pagination import CursorCodec, fingerprint
from hub_support.errors import (
    AgentsOnly,
    ClientNotFound,
    NumberNotFound,
    ReopenWindowPassed,
    StatusConflict,
    TicketClosed,
    TicketNotFound,
)
from hub_support.events import TicketChangeKind, TicketCreated, TicketUpdated
from hub_support.models.tickets import (
    ACTIVE_STATUSES,
    Attachment,
    Message,
    NewTicket,
    NewTicketMessage,
    SupportFigures,
    Ticket,
    TicketAuthor,
    TicketCategory,
    TicketChange,
    TicketCounts,
    TicketMessage,
    TicketPage,
    TicketPriority,
    TicketStatus,
    TicketView,
)

SEES = (Action.TICKETS_WRITE,)
"""What reveals a ticket to a partner: the client granted it `tickets:write`."""
SAVE_ATTEMPTS = 5
MAX_READ_PER_PAGE = 1000
"""Tickets a list reads for one page at most; a filter that matches few answers a short page and a cursor."""
EXCERPT = 280


class Tickets(Protocol):
    """The support table (`hub_support.store.tickets.SupportStore`)."""

    def ticket(self, ticket_id: str) -> Ticket | None: ...

    def ticket_with_thread(self, ticket_id: str) -> tuple[Ticket | None, list[Message], list[Attachment]]: ...

    def tickets(
        self, *, client_id: str | None, start: Mapping[str, Any] | None, since: datetime | None = None
    ) -> Iterator[tuple[Ticket, dict[str, Any]]]: ...

    def counts(self) -> dict[str, int]: ...

    def save(
        self,
        before: Ticket | None,
        after: Ticket,
        *,
        message: Message | None = None,
        attachment: Attachment | None = None,
        events: tuple[DomainEvent, ...] = (),
    ) -> bool: ...


class NumberOwners(Protocol):
    """Whose a number is (the waba service's registry, `hub_shared.wabas`)."""

    def owner_of_number(self, number_id: str) -> str | None: ...


@dataclass(frozen=True)
class TicketPolicy:
    reopen_window: timedelta
    first_response_window: timedelta


class Conflict(Exception):
    """The ticket changed between its read and its write (retried)."""


# ---------------------------------------------------------------- access


def author_of(principal: Principal) -> TicketAuthor:
    return TicketAuthor(
        user_id=principal.subject, role=principal.role, partner_id=principal.partner_id, email=principal.email
    )


def _agents_only(what: str) -> Callable[[Principal], Forbidden]:
    return lambda principal: AgentsOnly(f"Only support agents {what}.")


def visible_ticket(ticket_id: str, principal: Principal, tickets: Tickets) -> Ticket:
    return authorize(
        principal,
        tickets.ticket(ticket_id),
        missing=TicketNotFound(ticket_id),
        action=Action.TICKETS_WRITE,
        via=SEES,
    )


def _client_for_new_ticket(request: NewTicket, principal: Principal, clients: ClientAccounts) -> str:
    """The client a new ticket is for: a client user's own, or the one a partner or an agent names."""
    if principal.role is Role.CLIENT:
        own = principal.own_client_id
        if request.client_id not in (None, own):
            raise ClientNotFound(str(request.client_id))
        return own
    if request.client_id is None:
        if principal.role is Role.PARTNER and not any(
            Action.TICKETS_WRITE.value in scopes
            for scopes in clients.grants_of_partner(principal.own_partner_id).values()
        ):
            raise Forbidden("None of your clients has granted your partner account tickets:write.")
        raise ValidationFailed(
            "Name the client the ticket is for.",
            errors=[FieldError("body.client_id", "Partners and support agents name the client.")],
        )
    client_id = request.client_id
    if not principal.sees(client_id, SEES) or clients.client(client_id) is None:
        raise ClientNotFound(client_id)
    if not principal.can(Action.TICKETS_WRITE, client_id):
        raise Forbidden("The client has not granted your partner account tickets:write.")
    return client_id


# ---------------------------------------------------------------- views


def reopen_until(ticket: Ticket, policy: TicketPolicy) -> datetime | None:
    ended = ticket.closed_at if ticket.status is TicketStatus.CLOSED else ticket.solved_at
    if ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED) or ended is None:
        return None
    return ended + policy.reopen_window


def ticket_view(ticket: Ticket, principal: Principal, policy: TicketPolicy) -> TicketView:
    return TicketView(
        **ticket.model_dump(
            include={
                "ticket_id",
                "client_id",
                "subject",
                "category",
                "number_id",
                "priority",
                "status",
                "origin",
                "requester",
                "assignee",
                "created_at",
                "updated_at",
                "first_response_at",
                "solved_at",
                "closed_at",
            }
        ),
        first_response_seconds=ticket.first_response_seconds,
        messages=ticket.messages + (ticket.notes if principal.role is Role.SUPPORT else 0),
        reopen_until=reopen_until(ticket, policy),
    )


def message_view(message: Message) -> TicketMessage:
    return TicketMessage(
        message_id=message.message_id,
        author=message.author,
        body=message.body,
        internal=message.internal,
        at=message.at,
    )


# ---------------------------------------------------------------- writes

A = TypeVar("A", Message, Attachment, None)
"""What a change adds to the ticket: a message, a file, or nothing."""


@dataclass(frozen=True)
class Changed(Generic[A]):
    """What one change of a ticket writes: the ticket after it, its event, and what it adds."""

    ticket: Ticket
    event: DomainEvent
    added: A


def save_change(
    ticket_id: str, principal: Principal, tickets: Tickets, change: Callable[[Ticket], Changed[A]]
) -> Changed[A]:
    """Read the ticket (as the principal may see it), apply `change`, write it at the version read; again when
    another write came first."""
    for _ in range(SAVE_ATTEMPTS):
        before = visible_ticket(ticket_id, principal, tickets)
        changed = change(before)
        added = changed.added
        message = added if isinstance(added, Message) else None
        attachment = added if isinstance(added, Attachment) else None
        if tickets.save(before, changed.ticket, message=message, attachment=attachment, events=(changed.event,)):
            return changed
    raise Conflict(f"ticket {ticket_id} kept changing while it was written")


def ticket_updated(
    before: Ticket,
    after: Ticket,
    change: TicketChangeKind,
    principal: Principal,
    now: datetime,
    *,
    internal: bool = False,
    excerpt: str | None = None,
) -> TicketUpdated:
    return TicketUpdated(
        metadata=EventMetadata.at(now),
        ticket_id=after.ticket_id,
        client_id=after.client_id,
        subject=after.subject,
        change=change,
        status=after.status,
        previous_status=before.status,
        internal=internal,
        actor=author_of(principal).actor(),
        excerpt=excerpt,
        requester_email=after.requester.email,
        assignee=after.assignee,
        priority=after.priority,
    )


def advanced(ticket: Ticket, now: datetime, **changes: Any) -> Ticket:
    return ticket.model_copy(
        update={**changes, "updated_at": max(now, ticket.updated_at), "version": ticket.version + 1}
    )


def ticket_created(ticket: Ticket, now: datetime) -> TicketCreated:
    """The event of a ticket just opened, by its requester."""
    return TicketCreated(
        metadata=EventMetadata.at(now),
        ticket_id=ticket.ticket_id,
        client_id=ticket.client_id,
        subject=ticket.subject,
        category=ticket.category,
        priority=ticket.priority,
        status=ticket.status,
        origin=ticket.origin,
        number_id=ticket.number_id,
        actor=ticket.requester.actor(),
        requester_email=ticket.requester.email,
    )


def open_ticket(
    request: NewTicket,
    principal: Principal,
    *,
    tickets: Tickets,
    clients: ClientAccounts,
    numbers: NumberOwners,
    policy: TicketPolicy,
    now: datetime,
    new_id: Callable[[str], str],
) -> TicketView:
    client_id = _client_for_new_ticket(request, principal, clients)
    if request.number_id is not None and numbers.owner_of_number(request.number_id) != client_id:
        raise NumberNotFound(request.number_id)
    ticket = Ticket(
        ticket_id=new_id("tkt"),
        client_id=client_id,
        subject=request.subject,
        category=request.category,
        description=request.description,
        number_id=request.number_id,
        priority=request.priority,
        status=TicketStatus.OPEN,
        requester=author_of(principal),
        created_at=now,
        updated_at=now,
    )
    if not tickets.save(None, ticket, events=(ticket_created(ticket, now),)):
        raise Conflict(f"ticket id {ticket.ticket_id} is taken")
    return ticket_view(ticket, principal, policy)


def reply(
    ticket_id: str,
    request: NewTicketMessage,
    principal: Principal,
    *,
    tickets: Tickets,
    now: datetime,
    new_id: Callable[[str], str],
) -> TicketMessage:
    """A message on the thread: an agent's answer waits for the customer, the customer's for support (a solved
    ticket the customer answers is open again); an agent's internal note changes no status."""
    agent = principal.role is Role.SUPPORT
    if request.internal and not agent:
        visible_ticket(ticket_id, principal, tickets)  # another tenant's ticket: 404 before the 403
        raise AgentsOnly("Only support agents write internal notes.")
    message_id = new_id("msg")

    def change(ticket: Ticket) -> Changed[Message]:
        if ticket.status is TicketStatus.CLOSED:
            raise TicketClosed()
        message = Message(
            message_id=message_id,
            ticket_id=ticket.ticket_id,
            author=author_of(principal),
            body=request.body,
            internal=request.internal,
            at=max(now, ticket.updated_at),
        )
        if request.internal:
            after = advanced(ticket, now, notes=ticket.notes + 1)
            kind = TicketChangeKind.NOTE_ADDED
        elif agent:
            after = advanced(
                ticket,
                now,
                status=TicketStatus.PENDING_CUSTOMER,
                messages=ticket.messages + 1,
                first_response_at=ticket.first_response_at or message.at,
                solved_at=None,
            )
            kind = TicketChangeKind.REPLIED
        else:
            after = advanced(
                ticket, now, status=TicketStatus.PENDING_SUPPORT, messages=ticket.messages + 1, solved_at=None
            )
            kind = TicketChangeKind.REPLIED
        event = ticket_updated(
            ticket, after, kind, principal, now, internal=request.internal, excerpt=request.body[:EXCERPT]
        )
        return Changed(after, event, message)

    return message_view(save_change(ticket_id, principal, tickets, change).added)


def close(ticket_id: str, principal: Principal, *, tickets: Tickets, policy: TicketPolicy, now: datetime) -> TicketView:
    def change(ticket: Ticket) -> Changed[None]:
        if ticket.status is TicketStatus.CLOSED:
            raise StatusConflict("The ticket is closed already.")
        after = advanced(ticket, now, status=TicketStatus.CLOSED, closed_at=now)
        return Changed(after, ticket_updated(ticket, after, TicketChangeKind.CLOSED, principal, now), None)

    return ticket_view(save_change(ticket_id, principal, tickets, change).ticket, principal, policy)


def reopen(
    ticket_id: str, principal: Principal, *, tickets: Tickets, policy: TicketPolicy, now: datetime
) -> TicketView:
    """A solved or closed ticket open again, within the reopen window: waiting for support (or, reopened by an
    agent, open)."""

    def change(ticket: Ticket) -> Changed[None]:
        until = reopen_until(ticket, policy)
        if until is None:
            raise StatusConflict(f"Only a solved or closed ticket can be reopened; this one is {ticket.status.value}.")
        if now > until:
            raise ReopenWindowPassed(
                f"The ticket could be reopened until {until:%Y-%m-%d %H:%M} UTC; open a new ticket instead."
            )
        status = TicketStatus.OPEN if principal.role is Role.SUPPORT else TicketStatus.PENDING_SUPPORT
        after = advanced(ticket, now, status=status, solved_at=None, closed_at=None)
        return Changed(after, ticket_updated(ticket, after, TicketChangeKind.REOPENED, principal, now), None)

    return ticket_view(save_change(ticket_id, principal, tickets, change).ticket, principal, policy)


def _agent_ticket(ticket_id: str, principal: Principal, tickets: Tickets, what: str) -> Ticket:
    return authorize(
        principal,
        tickets.ticket(ticket_id),
        missing=TicketNotFound(ticket_id),
        action=Action.TICKETS_WORK,
        via=SEES,
        refused=_agents_only(what),
    )


def solve(ticket_id: str, principal: Principal, *, tickets: Tickets, policy: TicketPolicy, now: datetime) -> TicketView:
    _agent_ticket(ticket_id, principal, tickets, "mark a ticket solved")

    def change(ticket: Ticket) -> Changed[None]:
        if ticket.status is TicketStatus.CLOSED:
            raise TicketClosed()
        if ticket.status is TicketStatus.SOLVED:
            raise StatusConflict("The ticket is solved already.")
        after = advanced(ticket, now, status=TicketStatus.SOLVED, solved_at=now)
        return Changed(after, ticket_updated(ticket, after, TicketChangeKind.SOLVED, principal, now), None)

    return ticket_view(save_change(ticket_id, principal, tickets, change).ticket, principal, policy)


def update(
    ticket_id: str,
    request: TicketChange,
    principal: Principal,
    *,
    tickets: Tickets,
    policy: TicketPolicy,
    now: datetime,
) -> TicketView:
    """An agent assigns the ticket (or unassigns it: `null`) and sets its priority; each change one event."""
    _agent_ticket(ticket_id, principal, tickets, "assign tickets and set their priority")
    fields = request.model_fields_set
    if not fields:
        raise ValidationFailed(
            "Say what to change.", errors=[FieldError("body", "Give `assignee`, `priority` or both.")]
        )
    if "priority" in fields and request.priority is None:
        raise ValidationFailed("A ticket always has a priority.", errors=[FieldError("body.priority", "Not null.")])

    def change(ticket: Ticket) -> Changed[None]:
        changes: dict[str, Any] = {}
        if "assignee" in fields:
            changes["assignee"] = request.assignee
        if request.priority is not None:
            changes["priority"] = request.priority
        after = advanced(ticket, now, **changes)
        kind = (
            TicketChangeKind.ASSIGNED
            if "assignee" in fields and request.assignee != ticket.assignee
            else TicketChangeKind.PRIORITY_CHANGED
        )
        return Changed(after, ticket_updated(ticket, after, kind, principal, now), None)

    return ticket_view(save_change(ticket_id, principal, tickets, change).ticket, principal, policy)


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class TicketFilters:
    status: TicketStatus | None = None
    category: TicketCategory | None = None
    client_id: str | None = None
    assignee: str | None = None
    priority: TicketPriority | None = None

    def admits(self, ticket: Ticket, clients: frozenset[str] | None) -> bool:
        return (
            (clients is None or ticket.client_id in clients)
            and (self.status is None or ticket.status is self.status)
            and (self.category is None or ticket.category is self.category)
            and (self.assignee is None or ticket.assignee == self.assignee)
            and (self.priority is None or ticket.priority is self.priority)
        )


def _listed_clients(
    principal: Principal, filters: TicketFilters, grants_of_partner: Callable[[str], Mapping[str, frozenset[str]]]
) -> tuple[str | None, frozenset[str] | None]:
    """Which partition a list reads (a client's, or None: every client's) and which clients it keeps (None: all)."""
    wanted = filters.client_id
    if principal.role is Role.CLIENT:
        if wanted not in (None, principal.own_client_id):
            raise ClientNotFound(str(wanted))
        return principal.own_client_id, None
    if principal.role is Role.SUPPORT:
        return wanted, None
    if wanted is not None:
        if not principal.sees(wanted, SEES):
            raise ClientNotFound(wanted)
        return wanted, None
    granted = grants_of_partner(principal.own_partner_id)
    return None, frozenset(client for client, scopes in granted.items() if Action.TICKETS_WRITE.value in scopes)


def list_tickets(
    principal: Principal,
    filters: TicketFilters,
    *,
    limit: int,
    cursor: str | None,
    tickets: Tickets,
    cursors: CursorCodec,
    grants_of_partner: Callable[[str], Mapping[str, frozenset[str]]],
    policy: TicketPolicy,
) -> TicketPage:
    """The tickets the caller may see, newest activity first, filtered; at most `limit` a page."""
    partition, clients = _listed_clients(principal, filters, grants_of_partner)
    query = fingerprint(who=principal.subject, role=principal.role.value, partition=partition, **filters.__dict__)
    start = cursors.decode(cursor, query)["key"] if cursor else None
    if clients is not None and not clients:
        return TicketPage(items=[])
    items: list[TicketView] = []
    last: dict[str, Any] | None = None
    for read, (ticket, key) in enumerate(tickets.tickets(client_id=partition, start=start), start=1):
        if filters.admits(ticket, clients):
            if len(items) == limit:  # one more than the page: the next page starts after the page's last
                return TicketPage(items=items, next_cursor=cursors.encode({"key": last}, query))
            items.append(ticket_view(ticket, principal, policy))
            last = key
        if read >= MAX_READ_PER_PAGE:  # a short page; the next one goes on after what was read
            return TicketPage(items=items, next_cursor=cursors.encode({"key": key}, query))
    return TicketPage(items=items)


def read_ticket(
    ticket_id: str, principal: Principal, *, tickets: Tickets
) -> tuple[Ticket, list[Message], list[Attachment]]:
    """The ticket with its thread (internal notes for agents only) and its attachments."""
    ticket, messages, attachments = tickets.ticket_with_thread(ticket_id)
    ticket = authorize(principal, ticket, missing=TicketNotFound(ticket_id), action=Action.TICKETS_WRITE, via=SEES)
    if principal.role is not Role.SUPPORT:
        messages = [message for message in messages if not message.internal]
    return ticket, messages, attachments


def queue_figures(principal: Principal, *, tickets: Tickets, policy: TicketPolicy, now: datetime) -> SupportFigures:
    """Tickets not closed by status and category, the unassigned active ones, and the first-response time of the
    tickets opened in the window."""
    if principal.role is not Role.SUPPORT:
        raise AgentsOnly("Only support agents see the queue's figures.")
    counts = tickets.counts()
    by_status = [
        TicketCounts(status=status, category=category, tickets=counts.get(f"{status.value}#{category.value}", 0))
        for status in TicketStatus
        if status is not TicketStatus.CLOSED
        for category in TicketCategory
    ]
    since = now - policy.first_response_window
    opened = [
        ticket for ticket, _ in tickets.tickets(client_id=None, start=None, since=since) if ticket.created_at >= since
    ]
    answered = [seconds for ticket in opened if (seconds := ticket.first_response_seconds) is not None]
    awaiting = sum(1 for ticket in opened if ticket.first_response_at is None and ticket.status in ACTIVE_STATUSES)
    return SupportFigures(
        counts=[entry for entry in by_status if entry.tickets],
        unassigned=counts.get("unassigned", 0),
        first_response_median_seconds=int(statistics.median(answered)) if answered else None,
        first_response_window_days=policy.first_response_window.days,
        awaiting_first_response=awaiting,
    )
