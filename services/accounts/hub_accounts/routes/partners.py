"""Partner permissions (a client's grants to its partner), the partner's settings and its clients."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.models.partners import (
    PartnerClient,
    PartnerPermissions,
    PartnerSettings,
    PartnerSettingsChange,
    PermissionsChange,
)
from hub_accounts.routes.params import (
    CLIENT_MANAGES,
    CLIENT_READS,
    PARTNERS,
    Accounts,
    ClientId,
    Cursor,
    Cursors,
    Limit,
    Store,
)
from hub_accounts.usecases.partners import (
    ListQuery,
    change_partner_settings,
    partner_clients,
    partner_permissions,
    partner_settings,
    set_partner_permissions,
)
from hub_shared.access import declared
from hub_shared.api import Caller, Now
from hub_shared.pagination import DEFAULT_LIMIT, Page
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()
PERMISSIONS = "/v1/clients/<client_id>/partner-permissions"
NO_PARTNER = "The client works without a partner (`state-conflict`)."


@router.get(
    PERMISSIONS,
    openapi_extensions=declared(CLIENT_READS),
    summary="What the client grants its partner",
    description="The client's partner, the scopes granted, and every scope a client can grant with what it allows.",
    tags=["Partners"],
    responses={200: {"description": "The partner permissions."}, **problem_responses(403, 404, 422)},
)
def get_permissions(client_id: ClientId, caller: Caller, store: Store) -> PartnerPermissions:
    return partner_permissions(client_id, caller, store=store)


@router.put(
    PERMISSIONS,
    openapi_extensions=declared(CLIENT_MANAGES),
    summary="Set what the client grants its partner",
    description="The whole set of scopes from now on: a scope left out is revoked. Every service reads grants on "
    "each request, so the partner's very next request sees the change.",
    tags=["Partners"],
    responses={
        200: {"description": "The partner permissions now."},
        **problem_responses(400, 403, 404, 409, 422, _400=NOT_JSON, _409=NO_PARTNER),
    },
)
def put_permissions(
    client_id: ClientId, change: Annotated[PermissionsChange, Body()], caller: Caller, store: Store, now: Now
) -> PartnerPermissions:
    return set_partner_permissions(client_id, change, caller, store=store, now=now)


@router.delete(
    PERMISSIONS,
    openapi_extensions=declared(CLIENT_MANAGES),
    summary="Revoke everything the client granted its partner",
    description="The partner keeps the client (and its numbers) but may do nothing for it until it grants again.",
    tags=["Partners"],
    responses={
        200: {"description": "The partner permissions now."},
        **problem_responses(403, 404, 409, 422, _409=NO_PARTNER),
    },
)
def delete_permissions(client_id: ClientId, caller: Caller, store: Store, now: Now) -> PartnerPermissions:
    return set_partner_permissions(client_id, PermissionsChange(scopes=[]), caller, store=store, now=now)


@router.get(
    "/v1/partner/settings",
    openapi_extensions=declared(PARTNERS),
    summary="The calling partner's settings",
    tags=["Partners"],
    responses={200: {"description": "The settings."}, **problem_responses(403, inputs=False)},
)
def get_partner_settings(caller: Caller, store: Store) -> PartnerSettings:
    return partner_settings(caller, store=store)


@router.put(
    "/v1/partner/settings",
    openapi_extensions=declared(PARTNERS),
    summary="Change the calling partner's settings",
    description="`auto_approve`: accept every partner change request addressed to the partner at once.",
    tags=["Partners"],
    responses={200: {"description": "The settings now."}, **problem_responses(400, 403, 409, 422, _400=NOT_JSON)},
)
def put_partner_settings(
    change: Annotated[PartnerSettingsChange, Body()], caller: Caller, store: Store, now: Now
) -> PartnerSettings:
    return change_partner_settings(change, caller, store=store, now=now)


@router.get(
    "/v1/partner/clients",
    openapi_extensions=declared(PARTNERS),
    summary="The calling partner's clients",
    description="Every client that works with the partner, with the scopes it granted (maybe none), in name order. "
    "`GET /v1/partner/clients/export` has them as CSV with their numbers.",
    tags=["Partners"],
    responses={200: {"description": "A page of clients."}, **problem_responses(400, 403)},
)
def get_partner_clients(
    caller: Caller,
    store: Store,
    accounts: Accounts,
    cursors: Cursors,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PartnerClient]:
    query = ListQuery(limit, cursor)
    return partner_clients(caller, query, store=store, profiles=accounts, cursors=cursors)
