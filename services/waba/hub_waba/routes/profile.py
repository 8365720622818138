"""A number's business profile (seed, "WABA Manager → Profile"): GET and PATCH."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import AccessRule, declared
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses
from hub_waba.models.profile import BusinessProfile, ProfileChange
from hub_waba.routes.params import Meta, NumberId, Store
from hub_waba.usecases.profile import change_profile, get_profile

router = APIGatewayHttpRouter()

SEES = ("numbers:read", "waba:read", "profile:write")
PATH = "/v1/numbers/<number_id>/profile"


@router.get(
    PATH,
    openapi_extensions=declared(
        AccessRule(
            resource="number_id",
            kind="number",
            client=True,
            partner=("waba:read", "profile:write"),
            partner_sees=SEES,
            support=True,
        )
    ),
    summary="Read a number's business profile",
    description="About, address, description, email, websites, vertical (with Meta's name for it) and the "
    "profile picture's URL, as Meta has them.",
    tags=["WABA"],
    responses={200: {"description": "The profile."}, **problem_responses(404, 429, 502, 503)},
)
def get_profile_route(number_id: NumberId, caller: Caller, store: Store, graph: Meta) -> BusinessProfile:
    return get_profile(number_id, caller, wabas=store, graph=graph)


@router.patch(
    PATH,
    openapi_extensions=declared(
        AccessRule(resource="number_id", kind="number", client=True, partner=("profile:write",), partner_sees=SEES)
    ),
    summary="Change a number's business profile",
    description="Only the fields sent change, each checked against Meta's limits before Meta is asked (about 1–139 "
    "characters, address ≤ 256, description ≤ 512, a valid email ≤ 128, at most 2 http(s) websites ≤ 256, one of "
    "Meta's verticals); an empty text clears a field. A change goes out as `BusinessProfileChanged` with who made "
    "it and the fields before and after.",
    tags=["WABA"],
    responses={200: {"description": "The profile now."}, **problem_responses(400, 404, 429, 502, 503)},
)
def patch_profile_route(
    number_id: NumberId,
    change: Annotated[ProfileChange, Body()],
    caller: Caller,
    store: Store,
    graph: Meta,
    now: Now,
) -> BusinessProfile:
    return change_profile(number_id, change, caller, wabas=store, graph=graph, now=now)
