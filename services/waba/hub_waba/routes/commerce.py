"""A number's commerce settings (seed, "WABA Manager → Commerce Settings"): GET, PUT, and the support request of an
OBO WABA's number."""

from __future__ import annotations

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import AccessRule, declared
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses
from hub_waba.models.commerce import (
    CommerceSettingsChange,
    CommerceSettingsView,
    CommerceSupportRequest,
    CommerceSupportRequestAccepted,
)
from hub_waba.routes.params import Cache, Meta, NumberId, Refresh, Store
from hub_waba.usecases.commerce import get_commerce, request_commerce_support, set_commerce

router = APIGatewayHttpRouter()

SEES = ("numbers:read", "waba:read", "commerce:write")
PATH = "/v1/numbers/<number_id>/commerce-settings"


@router.get(
    PATH,
    openapi_extensions=declared(
        AccessRule(
            resource="number_id",
            kind="number",
            client=True,
            partner=("waba:read", "commerce:write"),
            partner_sees=SEES,
            support=True,
        )
    ),
    summary="Read a number's commerce settings",
    description="Catalog visibility and cart, as Meta has them, whether the caller can change them (numbers of a "
    "SHARED WABA) or support does (OBO), and what to tell the user about it. Read from Meta and kept for a few "
    "minutes (`refresh=true` asks Meta now); when Meta cannot be asked, the kept copy answers with `stale: true`.",
    tags=["WABA"],
    responses={200: {"description": "The settings."}, **problem_responses(404, 429, 502, 503)},
)
def get_commerce_route(
    number_id: NumberId, caller: Caller, store: Store, graph: Meta, now: Now, cache: Cache, refresh: Refresh = False
) -> CommerceSettingsView:
    return get_commerce(number_id, caller, wabas=store, graph=graph, now=now, cache=cache, refresh=refresh)


@router.put(
    PATH,
    openapi_extensions=declared(
        AccessRule(resource="number_id", kind="number", client=True, partner=("commerce:write",), partner_sees=SEES)
    ),
    summary="Change a number's commerce settings",
    description="Both settings as they are to be, changed at Meta (numbers of a SHARED WABA). On an OBO WABA the "
    "answer is 409: support changes them (`POST …/commerce-settings/support-request`). A change goes out as "
    "`CommerceSettingsChanged` with who made it and the settings before and after.",
    tags=["WABA"],
    responses={200: {"description": "The settings now."}, **problem_responses(400, 404, 409, 429, 502, 503)},
)
def put_commerce_route(
    number_id: NumberId,
    change: Annotated[CommerceSettingsChange, Body()],
    caller: Caller,
    store: Store,
    graph: Meta,
    now: Now,
    cache: Cache,
) -> CommerceSettingsView:
    return set_commerce(number_id, change, caller, wabas=store, graph=graph, now=now, cache=cache)


@router.post(
    f"{PATH}/support-request",
    openapi_extensions=declared(
        AccessRule(resource="number_id", kind="number", client=True, partner=("commerce:write",), partner_sees=SEES)
    ),
    summary="Ask support to change an OBO number's commerce settings",
    description="The settings wanted, and a note: published as `CommerceSupportRequested` (support opens a ticket "
    "from it). A number of a SHARED WABA answers 409: change them yourself.",
    tags=["WABA"],
    responses={
        202: {"description": "Support was asked."},
        **problem_responses(400, 404, 409, 429, 502, 503),
    },
)
def request_commerce_support_route(
    number_id: NumberId,
    request: Annotated[CommerceSupportRequest, Body()],
    caller: Caller,
    store: Store,
    graph: Meta,
    now: Now,
    cache: Cache,
) -> tuple[CommerceSupportRequestAccepted, int]:
    accepted = request_commerce_support(
        number_id,
        request,
        caller,
        wabas=store,
        graph=graph,
        now=now,
        cache=cache,
        new_id=lambda: f"csr_{uuid.uuid4().hex[:24]}",
    )
    return accepted, 202
