"""A number's commerce settings: read at Meta; changed at Meta by the client on a SHARED WABA, by support on an OBO
one (the client asks them); each change and request goes out as an event with who made it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from hub_shared.auth import Action, Principal
from hub_shared.errors import UpstreamError
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_shared.graph import Graph
from hub_waba.errors import CommerceManagedBySupport, CommerceSelfService
from hub_waba.events import CommerceSettings, CommerceSettingsChanged, CommerceSupportRequested
from hub_waba.models.commerce import (
    CommerceSettingsChange,
    CommerceSettingsView,
    CommerceSupportRequest,
    CommerceSupportRequestAccepted,
)
from hub_waba.models.wabas import Freshness, KeptCopy, KeptDetails, RegisteredNumber, RegisteredWaba, WabaType
from hub_waba.usecases.details import WabaRepository, details_of
from hub_waba.usecases.kept import KeptCopies, kept, read_through
from hub_waba.usecases.numbers import NumberRegistry, registered_number

SEES = (Action.NUMBERS_READ, Action.WABA_READ, Action.COMMERCE_WRITE)
"""What lets a partner know a client's number exists here."""
SHARED_HOW = "Turn them on or off here; the change is made at Meta at once."
OBO_HOW = "Your WhatsApp Business Account is managed by the hub on your behalf: ask support to change them."


KIND = "COMMERCE"


class CommerceRepository(WabaRepository, NumberRegistry, KeptCopies, Protocol):
    def record(self, event: DomainEvent, *, number_id: str) -> None: ...

    def details_and_kept(self, waba_id: str, number_id: str, kind: str) -> tuple[KeptDetails | None, KeptCopy | None]:
        """`details(waba_id)` and `kept(number_id, kind)` in one request."""
        ...


def get_commerce(
    number_id: str,
    principal: Principal,
    *,
    wabas: CommerceRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
    refresh: bool = False,
) -> CommerceSettingsView:
    """The settings: the kept copy while it is fresh, else Meta's (kept), else the kept copy stale."""
    number = registered_number(number_id, principal, wabas, sees=SEES, reads=(Action.WABA_READ, Action.COMMERCE_WRITE))
    details, copy = wabas.details_and_kept(number.waba_id, number_id, KIND)
    waba_type = _waba_type(number, details, wabas, graph, now, cache)
    data, freshness = read_through(
        number_id,
        KIND,
        lambda: _current(number, graph).model_dump(),
        found=copy,
        copies=wabas,
        now=now,
        cache=cache,
        refresh=refresh,
    )
    return _view(number, waba_type, CommerceSettings.model_validate(data), freshness)


def set_commerce(
    number_id: str,
    change: CommerceSettingsChange,
    principal: Principal,
    *,
    wabas: CommerceRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
) -> CommerceSettingsView:
    number = registered_number(number_id, principal, wabas, sees=SEES, action=Action.COMMERCE_WRITE)
    if _waba_type(number, wabas.details(number.waba_id), wabas, graph, now, cache) is WabaType.OBO:
        raise CommerceManagedBySupport(number_id, number.waba_id)
    before = _current(number, graph)
    after = CommerceSettings(is_catalog_visible=change.is_catalog_visible, is_cart_enabled=change.is_cart_enabled)
    if after != before:
        graph.post(f"{number_id}/whatsapp_commerce_settings", params=_flags(after), idempotent=True)
        event = CommerceSettingsChanged(
            metadata=EventMetadata.at(now),
            number_id=number_id,
            waba_id=number.waba_id,
            client_id=number.client_id,
            actor=Actor.of(principal),
            before=before,
            after=after,
        )
        wabas.record(event, number_id=number_id)
    return _view(number, WabaType.SHARED, after, kept(number_id, KIND, after.model_dump(), copies=wabas, now=now))


def request_commerce_support(
    number_id: str,
    request: CommerceSupportRequest,
    principal: Principal,
    *,
    wabas: CommerceRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
    new_id: Callable[[], str],
) -> CommerceSupportRequestAccepted:
    number = registered_number(number_id, principal, wabas, sees=SEES, action=Action.COMMERCE_WRITE)
    if _waba_type(number, wabas.details(number.waba_id), wabas, graph, now, cache) is WabaType.SHARED:
        raise CommerceSelfService(number_id)
    try:
        current: CommerceSettings | None = _current(number, graph)
    except UpstreamError:
        current = None  # support reads them anyway; the request is worth more than Meta's answer
    event = CommerceSupportRequested(
        metadata=EventMetadata.at(now),
        request_id=new_id(),
        number_id=number_id,
        waba_id=number.waba_id,
        client_id=number.client_id,
        actor=Actor.of(principal),
        current=current,
        wanted=CommerceSettings(is_catalog_visible=request.is_catalog_visible, is_cart_enabled=request.is_cart_enabled),
        note=request.note,
    )
    wabas.record(event, number_id=number_id)
    return CommerceSupportRequestAccepted(request_id=event.request_id, number_id=number_id)


def _waba_type(
    number: RegisteredNumber,
    found: KeptDetails | None,
    wabas: CommerceRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
) -> WabaType:
    """SHARED or OBO, from the WABA's details (`found`: the kept ones, `wabas.details`)."""
    registered = RegisteredWaba(waba_id=number.waba_id, client_id=number.client_id)
    return details_of(registered, found, wabas=wabas, graph=graph, now=now, cache=cache).type


def _current(number: RegisteredNumber, graph: Graph) -> CommerceSettings:
    answer = graph.get(f"{number.number_id}/whatsapp_commerce_settings")
    data = answer.get("data") or [{}]
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    return CommerceSettings(
        is_catalog_visible=bool(first.get("is_catalog_visible", False)),
        is_cart_enabled=bool(first.get("is_cart_enabled", False)),
    )


def _flags(settings: CommerceSettings) -> dict[str, str]:
    return {name: "true" if value else "false" for name, value in settings.model_dump().items()}


def _view(
    number: RegisteredNumber, waba_type: WabaType, settings: CommerceSettings, freshness: Freshness
) -> CommerceSettingsView:
    shared = waba_type is WabaType.SHARED
    return CommerceSettingsView(
        **freshness.model_dump(),
        number_id=number.number_id,
        waba_id=number.waba_id,
        waba_type=waba_type,
        is_catalog_visible=settings.is_catalog_visible,
        is_cart_enabled=settings.is_cart_enabled,
        editable=shared,
        how_to_change=SHARED_HOW if shared else OBO_HOW,
    )
