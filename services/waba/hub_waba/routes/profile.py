"""A number's business profile (seed, "WABA Manager → Profile"): GET and PATCH."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, File, UploadFile
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import AccessRule, declared
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses
from hub_waba.models.profile import MAX_PICTURE_BYTES, MIN_PICTURE_SIDE, BusinessProfile, ProfileChange
from hub_waba.routes.params import AppId, Cache, Meta, NumberId, Refresh, Store
from hub_waba.usecases.profile import change_picture, change_profile, get_profile

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
    "profile picture's URL, as Meta has them. Read from Meta and kept for a few minutes (`refresh=true` asks Meta "
    "now); when Meta cannot be asked, the kept copy answers with `stale: true`.",
    tags=["WABA"],
    responses={200: {"description": "The profile."}, **problem_responses(404, 429, 502, 503)},
)
def get_profile_route(
    number_id: NumberId, caller: Caller, store: Store, graph: Meta, now: Now, cache: Cache, refresh: Refresh = False
) -> BusinessProfile:
    return get_profile(number_id, caller, wabas=store, graph=graph, now=now, cache=cache, refresh=refresh)


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


@router.post(
    f"{PATH}/picture",
    openapi_extensions=declared(
        AccessRule(resource="number_id", kind="number", client=True, partner=("profile:write",), partner_sees=SEES)
    ),
    summary="Change a number's profile picture",
    description=f"A JPEG or PNG (told by its bytes, not its name) of at most {MAX_PICTURE_BYTES // (1024 * 1024)} MB "
    f"whose sides are at least {MIN_PICTURE_SIDE} pixels, sent as the `picture` field of a `multipart/form-data` "
    "body. It goes to Meta through the Resumable Upload API and becomes the profile's picture by its handle; Meta "
    "shows it cropped to a circle and keeps at most 640 pixels a side. The change goes out as "
    "`BusinessProfileChanged` (`profile_picture_url` before and after).",
    tags=["WABA"],
    responses={
        200: {"description": "The profile now, with the new picture's URL."},
        **problem_responses(400, 404, 413, 422, 429, 502, 503),
    },
)
def post_picture_route(
    number_id: NumberId,
    picture: Annotated[UploadFile, File(description="The picture: a JPEG or PNG file.")],
    caller: Caller,
    store: Store,
    graph: Meta,
    app_id: AppId,
    now: Now,
) -> BusinessProfile:
    return change_picture(number_id, picture.content, caller, wabas=store, graph=graph, app_id=app_id, now=now)
