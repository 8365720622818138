"""Support tickets: open, list, read with the thread, answer, close, reopen; the agents' assign, priority, solve and
the queue's figures."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import declared
from hub_shared.api import Caller, Now
from hub_shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT
from hub_shared.problems import NOT_JSON, problem_responses
from hub_support.models.tickets import (
    NewTicket,
    NewTicketMessage,
    SupportFigures,
    TicketCategory,
    TicketChange,
    TicketDetail,
    TicketMessage,
    TicketPage,
    TicketPriority,
    TicketStatus,
    TicketView,
)
from hub_support.routes.params import (
    AGENT_TICKET,
    AGENTS,
    TICKET,
    TICKET_LIST,
    TICKETS,
    Accounts,
    Cursors,
    Files,
    Policy,
    Registry,
    Store,
    TicketId,
    Uploads,
    new_id,
)
from hub_support.usecases.attachments import ticket_detail
from hub_support.usecases.tickets import (
    TicketFilters,
    close,
    list_tickets,
    open_ticket,
    queue_figures,
    reopen,
    reply,
    solve,
    update,
)

router = APIGatewayHttpRouter()
PATH = "/v1/tickets/<ticket_id>"
CLOSED = "The ticket is closed (`ticket-closed`), or its status does not allow it (`ticket-status-conflict`)."


@router.post(
    "/v1/tickets",
    openapi_extensions=declared(TICKETS),
    summary="Open a support ticket",
    description="A client's user opens one for its client; a partner (granted `tickets:write`) or a support agent "
    "names the client (`client_id`). `number_id`, when given, must be one of the client's numbers. Support is told "
    "by e-mail (`TicketCreated`).",
    tags=["Support"],
    responses={201: {"description": "The ticket."}, **problem_responses(400, 403, 404, 422, _400=NOT_JSON)},
)
def open_ticket_route(
    request: Annotated[NewTicket, Body()],
    caller: Caller,
    store: Store,
    accounts: Accounts,
    registry: Registry,
    policy: Policy,
    now: Now,
) -> tuple[TicketView, int]:
    view = open_ticket(
        request, caller, tickets=store, clients=accounts, numbers=registry, policy=policy, now=now, new_id=new_id
    )
    return view, 201


@router.get(
    "/v1/tickets",
    openapi_extensions=declared(TICKET_LIST),
    summary="List support tickets",
    description="The tickets the caller may see — its client's; a partner's clients' that granted `tickets:write`; "
    "every client's for agents — newest activity first, filtered.",
    tags=["Support"],
    responses={200: {"description": "A page of tickets."}, **problem_responses(400, 404, inputs=True)},
)
def list_tickets_route(
    caller: Caller,
    store: Store,
    accounts: Accounts,
    cursors: Cursors,
    policy: Policy,
    status: Annotated[TicketStatus | None, Query(description="Only tickets of this status.")] = None,
    category: Annotated[TicketCategory | None, Query(description="Only tickets of this category.")] = None,
    priority: Annotated[TicketPriority | None, Query(description="Only tickets of this priority.")] = None,
    client_id: Annotated[
        str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", description="Only this client's tickets.")
    ] = None,
    assignee: Annotated[str | None, Query(min_length=1, max_length=254, description="Only tickets it works.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
    ] = None,
) -> TicketPage:
    filters = TicketFilters(status=status, category=category, priority=priority, client_id=client_id, assignee=assignee)
    return list_tickets(
        caller,
        filters,
        limit=limit,
        cursor=cursor,
        tickets=store,
        cursors=cursors,
        grants_of_partner=accounts.grants_of_partner,
        policy=policy,
    )


@router.get(
    "/v1/support/figures",
    openapi_extensions=declared(AGENTS),
    summary="The support queue's figures",
    description="Tickets not closed by status and category, the active ones nobody is assigned to, and the median "
    "first-response time of the tickets opened in the window. Agents only.",
    tags=["Support"],
    responses={200: {"description": "The figures."}, **problem_responses(403, inputs=False)},
)
def figures_route(caller: Caller, store: Store, policy: Policy, now: Now) -> SupportFigures:
    return queue_figures(caller, tickets=store, policy=policy, now=now)


@router.get(
    PATH,
    openapi_extensions=declared(TICKET),
    summary="A ticket with its thread",
    description="The ticket, its messages oldest first (internal notes for agents only) and its files, each "
    "uploaded one with a download address valid a few minutes.",
    tags=["Support"],
    responses={200: {"description": "The ticket."}, **problem_responses(404, 422)},
)
def get_ticket_route(
    ticket_id: TicketId, caller: Caller, store: Store, files: Files, policy: Policy, uploads: Uploads, now: Now
) -> TicketDetail:
    return ticket_detail(ticket_id, caller, tickets=store, files=files, policy=policy, attachments=uploads, now=now)


@router.post(
    f"{PATH}/messages",
    openapi_extensions=declared(TICKET),
    summary="Answer on a ticket",
    description="A customer's message makes the ticket wait for support (`pending_support`, a solved one "
    "included), an agent's for the customer (`pending_customer`). Agents may write an internal note "
    "(`internal: true`) that only agents see and that changes no status. Not on a closed ticket.",
    tags=["Support"],
    responses={201: {"description": "The message."}, **problem_responses(400, 403, 404, 409, 422, _409=CLOSED)},
)
def reply_route(
    ticket_id: TicketId, request: Annotated[NewTicketMessage, Body()], caller: Caller, store: Store, now: Now
) -> tuple[TicketMessage, int]:
    return reply(ticket_id, request, caller, tickets=store, now=now, new_id=new_id), 201


@router.post(
    f"{PATH}/close",
    openapi_extensions=declared(TICKET),
    summary="Close a ticket",
    description="Closed tickets take no messages; they can be reopened within the reopen window.",
    tags=["Support"],
    responses={200: {"description": "The ticket."}, **problem_responses(404, 409, 422, _409=CLOSED)},
)
def close_route(ticket_id: TicketId, caller: Caller, store: Store, policy: Policy, now: Now) -> TicketView:
    return close(ticket_id, caller, tickets=store, policy=policy, now=now)


@router.post(
    f"{PATH}/reopen",
    openapi_extensions=declared(TICKET),
    summary="Reopen a solved or closed ticket",
    description="Within the reopen window after it was solved or closed (`reopen_until`): it waits for support "
    "again. Later: `reopen-window-passed`, open a new ticket.",
    tags=["Support"],
    responses={
        200: {"description": "The ticket."},
        **problem_responses(
            404, 409, 422, _409="Not solved or closed (`ticket-status-conflict`), or too late (`reopen-window-passed`)."
        ),
    },
)
def reopen_route(ticket_id: TicketId, caller: Caller, store: Store, policy: Policy, now: Now) -> TicketView:
    return reopen(ticket_id, caller, tickets=store, policy=policy, now=now)


@router.post(
    f"{PATH}/solve",
    openapi_extensions=declared(AGENT_TICKET),
    summary="Mark a ticket solved (agents)",
    description="The customer may still answer (it reopens) or close it. Agents only: `agents-only` otherwise.",
    tags=["Support"],
    responses={200: {"description": "The ticket."}, **problem_responses(403, 404, 409, 422, _409=CLOSED)},
)
def solve_route(ticket_id: TicketId, caller: Caller, store: Store, policy: Policy, now: Now) -> TicketView:
    return solve(ticket_id, caller, tickets=store, policy=policy, now=now)


@router.patch(
    PATH,
    openapi_extensions=declared(AGENT_TICKET),
    summary="Assign a ticket or set its priority (agents)",
    description="`assignee` (null: nobody) and `priority`. Agents only: `agents-only` otherwise.",
    tags=["Support"],
    responses={200: {"description": "The ticket."}, **problem_responses(400, 403, 404, 422, _400=NOT_JSON)},
)
def update_route(
    ticket_id: TicketId,
    request: Annotated[TicketChange, Body()],
    caller: Caller,
    store: Store,
    policy: Policy,
    now: Now,
) -> TicketView:
    return update(ticket_id, request, caller, tickets=store, policy=policy, now=now)
