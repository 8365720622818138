"""A WABA's details (seed, "WABA Manager → WhatsApp Business Account"), read from Meta and kept in the waba table
for `cache` (a page view with a warm cache asks Meta nothing); when Meta cannot be asked, the kept copy is answered
with `stale: true` instead of an error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from hub_shared.auth import Action, Principal, Role, Tenant, authorize
from hub_shared.errors import InvalidCursor, NotFound, QuotaExceeded, UpstreamError, WabaNotFound
from hub_shared.graph import Graph, text_or_none
from hub_shared.pagination import CursorCodec, Page, fingerprint
from hub_waba.models.wabas import (
    Health,
    KeptDetails,
    RegisteredWaba,
    WabaDetails,
    WabaNumberSummary,
    WabaSummary,
    WabaType,
    WabaView,
)

logger = Logger(child=True)

WABA_FIELDS = (
    "id,name,timezone_id,message_template_namespace,account_review_status,business_verification_status,"
    "ownership_type,on_behalf_of_business_info,owner_business_info,currency,health_status"
)
NUMBER_FIELDS = "id,display_phone_number,verified_name,quality_rating,status"
SEES = (Action.NUMBERS_READ, Action.WABA_READ)
"""What lets a partner know a client's WABAs exist (its numbers name them); reading them needs `waba:read`."""
META_DOWN = (UpstreamError, QuotaExceeded)
"""What a Graph read raises when Meta cannot answer (`hub_shared.graph.GraphClient`)."""


class WabaRepository(Protocol):
    def waba(self, waba_id: str) -> RegisteredWaba | None: ...

    def details(self, waba_id: str) -> KeptDetails | None: ...

    def many_details(self, waba_ids: list[str]) -> dict[str, WabaDetails]: ...

    def save_details(self, details: WabaDetails) -> None: ...

    def page(
        self, *, client_id: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[RegisteredWaba], dict[str, Any] | None]: ...


class PartnerGrants(Protocol):
    def grants_of_partner(self, partner_id: str) -> dict[str, frozenset[str]]: ...


def get_waba(
    waba_id: str,
    principal: Principal,
    *,
    wabas: WabaRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
    refresh: bool = False,
) -> WabaView:
    registered = authorize(
        principal, wabas.waba(waba_id), missing=WabaNotFound(waba_id), via=SEES, action=Action.WABA_READ
    )
    found = wabas.details(registered.waba_id)
    return details_of(registered, found, wabas=wabas, graph=graph, now=now, cache=cache, refresh=refresh)


def details_of(
    registered: RegisteredWaba,
    found: KeptDetails | None,
    *,
    wabas: WabaRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
    refresh: bool = False,
) -> WabaView:
    """The WABA's details: the kept copy `found` (`wabas.details`, read by the caller: with what else it reads,
    maybe) while it is fresh, else Meta's answer (kept), else the kept copy stale."""
    if found is not None and not (refresh or found.outdated) and now - found.details.fetched_at < cache:
        return WabaView(**found.details.model_dump())
    try:
        details = read_from_meta(registered, graph, now)
    except META_DOWN:
        if found is None:
            raise
        logger.warning("Meta unavailable: the kept WABA details answer", extra={"waba_id": registered.waba_id})
        return WabaView(**found.details.model_dump(), stale=True)
    wabas.save_details(details)
    return WabaView(**details.model_dump())


def read_from_meta(waba: RegisteredWaba, graph: Graph, now: datetime) -> WabaDetails:
    """The WABA node with its health, and its numbers (one page: a WABA has at most a few dozen)."""
    node = graph.get(waba.waba_id, params={"fields": WABA_FIELDS})
    numbers = graph.get(f"{waba.waba_id}/phone_numbers", params={"fields": NUMBER_FIELDS, "limit": "100"})
    obo = node.get("ownership_type") == "SELF_OWNED" or bool(node.get("on_behalf_of_business_info"))
    client_business = node.get("on_behalf_of_business_info") if obo else node.get("owner_business_info")
    on_behalf = node.get("on_behalf_of_business_info") or {}
    health = node.get("health_status")
    return WabaDetails(
        waba_id=waba.waba_id,
        client_id=waba.client_id,
        name=str(node.get("name") or waba.waba_id),
        type=WabaType.OBO if obo else WabaType.SHARED,
        message_on_behalf_status=(on_behalf.get("status") or "APPROVED") if obo else None,
        timezone_id=text_or_none(node.get("timezone_id")),
        business_manager_id=text_or_none((client_business or {}).get("id")),
        namespace=text_or_none(node.get("message_template_namespace")),
        account_review_status=text_or_none(node.get("account_review_status")),
        business_verification_status=text_or_none(node.get("business_verification_status")),
        currency=text_or_none(node.get("currency")),
        health=Health.model_validate(health) if isinstance(health, dict) else None,
        numbers=[
            WabaNumberSummary(
                number_id=str(found["id"]),
                phone_number=text_or_none(found.get("display_phone_number")),
                display_name=text_or_none(found.get("verified_name")),
                quality_rating=text_or_none(found.get("quality_rating")),
                status=text_or_none(found.get("status")),
            )
            for found in numbers.get("data", [])
            if isinstance(found, dict) and found.get("id")
        ],
        fetched_at=now,
    )


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class WabaQuery:
    client_id: str | None = None
    limit: int = 50
    cursor: str | None = None


def list_wabas(
    principal: Principal, query: WabaQuery, *, wabas: WabaRepository, grants: PartnerGrants, cursors: CursorCodec
) -> Page[WabaSummary]:
    """The caller's WABAs (clients), those of clients that granted `waba:read` (partners), every one or one client's
    (support), from the hub's own records: no Graph call."""
    partitions = _partitions(principal, query.client_id, grants)
    query_id = fingerprint(subject=principal.subject, role=principal.role, client_id=query.client_id)
    state = cursors.decode(query.cursor, query_id) if query.cursor else {}
    current, start_key = state.get("p"), state.get("k")
    if current is not None and current not in partitions:
        raise InvalidCursor("The cursor is not valid for this list; start again without it.")
    remaining = partitions[partitions.index(current) :] if current is not None else partitions
    found: list[RegisteredWaba] = []
    next_state: dict[str, Any] | None = None
    for partition in remaining:
        if partition is not None and not principal.can(Action.WABA_READ, partition):
            start_key = None
            continue  # revoked since the grants were listed
        while len(found) < query.limit:
            page, start_key = wabas.page(client_id=partition, limit=query.limit - len(found), start_key=start_key)
            found += page
            if start_key is None:
                break
        if start_key is not None:
            next_state = {"p": partition, "k": start_key}
            break
    kept = wabas.many_details([w.waba_id for w in found])
    items = [_summary(w, kept.get(w.waba_id)) for w in found]
    return Page(items=items, next_cursor=cursors.encode(next_state, query_id) if next_state else None)


def _partitions(principal: Principal, client_id: str | None, grants: PartnerGrants) -> Sequence[str | None]:
    """The clients whose WABAs the list reads, in order (None: every client, for support)."""
    if principal.role is Role.SUPPORT:
        return [client_id]
    if client_id is not None:
        missing = NotFound(f"Client {client_id} was not found.")
        authorize(principal, Tenant(client_id), missing=missing, via=SEES, action=Action.WABA_READ)
        return [client_id]
    if principal.role is Role.CLIENT:
        return [principal.own_client_id]
    granted = grants.grants_of_partner(principal.own_partner_id)
    return [c for c in sorted(granted) if principal.can(Action.WABA_READ, c)]


def _summary(waba: RegisteredWaba, details: WabaDetails | None) -> WabaSummary:
    return WabaSummary(
        waba_id=waba.waba_id,
        client_id=waba.client_id,
        name=details.name if details else None,
        type=details.type if details else None,
        numbers=len(details.numbers) if details else None,
        fetched_at=details.fetched_at if details else None,
    )
