"""GET /v1/numbers and GET /v1/numbers/{number_id}."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends, Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_numbers.deps import accounts_reader, cursor_codec, numbers_store
from hub_numbers.models.numbers import AccountStatus, PhoneNumberView
from hub_numbers.routes.params import NumberId
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.usecases.export import partner_clients_csv
from hub_numbers.usecases.listing import NumberQuery, get_number, list_numbers
from hub_shared.access import ANY_PARTNER, AccessRule, declared
from hub_shared.accounts import AccountsReader
from hub_shared.api import Caller, Now
from hub_shared.auth import ID_PATTERN
from hub_shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, CursorCodec, Page
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()

Store = Annotated[NumbersStore, Depends(numbers_store)]
AccountsDep = Annotated[AccountsReader, Depends(accounts_reader)]
Cursors = Annotated[CursorCodec, Depends(cursor_codec)]


@router.get(
    "/v1/numbers",
    openapi_extensions=declared(
        AccessRule(lists=True, tenant_query="client_id", client=True, partner=("numbers:read",), support=True)
    ),
    summary="List phone numbers",
    description="The caller's numbers (clients), the numbers of clients that granted `numbers:read` "
    "(partners), or every number (support), in a stable order.",
    tags=["Numbers"],
    responses={200: {"description": "A page of numbers."}, **problem_responses(400, 404)},
)
def list_numbers_route(
    caller: Caller,
    store: Store,
    accounts: AccountsDep,
    cursors: Cursors,
    now: Now,
    status: Annotated[AccountStatus | None, Query(description="Only numbers in this status.")] = None,
    client_id: Annotated[
        str | None, Query(pattern=ID_PATTERN.pattern, description="Only this client's numbers (partners, support).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
    ] = None,
) -> Page[PhoneNumberView]:
    query = NumberQuery(status=status, client_id=client_id, limit=limit, cursor=cursor)
    return list_numbers(caller, query, numbers=store, accounts=accounts, cursors=cursors, now=now)


@router.get(
    "/v1/numbers/<number_id>",
    openapi_extensions=declared(
        AccessRule(resource="number_id", kind="number", client=True, partner=("numbers:read",), support=True)
    ),
    summary="Read one phone number",
    tags=["Numbers"],
    responses={200: {"description": "The number."}, **problem_responses(404)},
)
def get_number_route(
    number_id: NumberId,
    caller: Caller,
    store: Store,
    accounts: AccountsDep,
    now: Now,
) -> PhoneNumberView:
    return get_number(number_id, caller, numbers=store, accounts=accounts, now=now)


@router.get(
    "/v1/partner/clients/export",
    openapi_extensions=declared(AccessRule(partner=(ANY_PARTNER,))),
    summary="The calling partner's clients and their numbers, as CSV",
    description="One row per number (E.164, display name, status, quality, messaging limit, WABA) of each client that "
    "granted `numbers:read`, and one row without a number for a client that did not or has none; clients in name "
    "order, with their legal name, billing model and the scopes they granted.",
    tags=["Partners"],
    responses={
        200: {
            "description": "The CSV file (RFC 4180, a header row first).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problem_responses(inputs=False),
    },
)
def export_partner_clients(caller: Caller, store: Store, accounts: AccountsDep) -> Response[str]:
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=partner_clients_csv(caller, numbers=store, accounts=accounts),
        headers={"Content-Disposition": 'attachment; filename="clients.csv"'},
    )
