"""Partner permissions (what a client grants its partner), a partner's settings and its list of clients.

Every service reads a partner's grants from the accounts table on each request, consistently (`hub_shared.accounts`):
a changed grant counts on the partner's very next request, with nothing to invalidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from hub_accounts.events import PartnerPermissionsChanged, PartnerSettingsChanged
from hub_accounts.models.partners import (
    SCOPE_MEANINGS,
    Partner,
    PartnerClient,
    PartnerLink,
    PartnerPermissions,
    PartnerRef,
    PartnerSettings,
    PartnerSettingsChange,
    PermissionsChange,
    ScopeChoice,
)
from hub_shared.accounts import ClientAccount
from hub_shared.auth import Action, Principal, Scope, authorize
from hub_shared.clock import to_rfc3339
from hub_shared.errors import InvalidCursor, NotFound, StateConflict
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_shared.pagination import CursorCodec, Page, fingerprint

ATTEMPTS = 3
"""Reads and conditional writes of one change before it answers 409 (others keep changing the same item)."""


class PartnerStore(Protocol):
    def profile(self, client_id: str) -> tuple[ClientAccount, int] | None: ...

    def partner(self, partner_id: str) -> Partner | None: ...

    def partner_and_link(self, partner_id: str, client_id: str) -> tuple[Partner | None, PartnerLink | None]: ...

    def links_of_partner(self, partner_id: str) -> list[PartnerLink]: ...

    def save_grant(
        self,
        link: PartnerLink,
        scopes: list[str],
        *,
        updated_at: str,
        updated_by: str,
        events: tuple[DomainEvent, ...],
    ) -> bool: ...

    def save_partner(self, before: Partner | None, after: Partner, events: tuple[DomainEvent, ...]) -> bool: ...


class Directory(Protocol):
    def clients(self, client_ids: list[str]) -> dict[str, ClientAccount]: ...


class Profiles(Protocol):
    def profile(self, client_id: str) -> tuple[ClientAccount, int] | None: ...


def client_for(principal: Principal, client_id: str, action: Action, store: Profiles) -> ClientAccount:
    """The client named in the path: 404 for one that does not exist or the caller may not know (ownership before
    role), 403 for one it sees but may not act on this way (partners never; support agents read only)."""
    found = store.profile(client_id)
    missing = NotFound(f"Client {client_id} was not found.")
    return authorize(principal, found[0] if found else None, missing=missing, action=action)


def _ordered(scopes: frozenset[str]) -> list[Scope]:
    """In the order the portal lists them (`SCOPE_MEANINGS`): reading, then changing, numbers to tickets."""
    return [scope for scope in SCOPE_MEANINGS if scope.value in scopes]


def _permissions(account: ClientAccount, partner: Partner | None, link: PartnerLink | None) -> PartnerPermissions:
    granted = link.scopes if link is not None else frozenset()
    return PartnerPermissions(
        client_id=account.client_id,
        partner=PartnerRef(partner_id=partner.partner_id, name=partner.name)
        if partner is not None
        else (PartnerRef(partner_id=account.partner_id, name=account.partner_id) if account.partner_id else None),
        scopes=_ordered(granted),
        choices=[
            ScopeChoice(scope=scope, granted=scope.value in granted, meaning=meaning)
            for scope, meaning in SCOPE_MEANINGS.items()
        ],
        updated_at=link.updated_at if link is not None else None,
    )


def partner_permissions(client_id: str, principal: Principal, *, store: PartnerStore) -> PartnerPermissions:
    account = client_for(principal, client_id, Action.PARTNERS_READ, store)
    if account.partner_id is None:
        return _permissions(account, None, None)
    return _permissions(account, *store.partner_and_link(account.partner_id, client_id))


def set_partner_permissions(
    client_id: str, change: PermissionsChange, principal: Principal, *, store: PartnerStore, now: datetime
) -> PartnerPermissions:
    """The client grants its partner exactly `change.scopes` from now on (none: revokes everything)."""
    wanted = frozenset(scope.value for scope in change.scopes)
    for _ in range(ATTEMPTS):
        account = client_for(principal, client_id, Action.PARTNERS_MANAGE, store)
        if account.partner_id is None:
            raise StateConflict("The client works without a partner: there is nobody to grant permissions to.")
        partner, link = store.partner_and_link(account.partner_id, client_id)
        if link is None:  # the client is between partners (a change completing): its profile moves with the link
            continue
        if link.scopes == wanted:
            return _permissions(account, partner, link)
        event = PartnerPermissionsChanged(
            metadata=EventMetadata.at(now),
            client_id=client_id,
            partner_id=account.partner_id,
            partner_name=partner.name if partner is not None else None,
            scopes=_ordered(wanted),
            granted=_ordered(wanted - link.scopes),
            revoked=_ordered(link.scopes - wanted),
            actor=Actor.of(principal),
        )
        stamp = to_rfc3339(now)
        if store.save_grant(link, sorted(wanted), updated_at=stamp, updated_by=principal.subject, events=(event,)):
            saved = link.model_copy(update={"scopes": wanted, "updated_at": now, "version": link.version + 1})
            return _permissions(account, partner, saved)
    raise StateConflict("The partner permissions kept changing meanwhile; read them again and retry.")


def partner_settings(principal: Principal, *, store: PartnerStore) -> PartnerSettings:
    partner = _own_partner(principal, store)
    return PartnerSettings(partner_id=partner.partner_id, name=partner.name, auto_approve=partner.auto_approve)


def change_partner_settings(
    change: PartnerSettingsChange, principal: Principal, *, store: PartnerStore, now: datetime
) -> PartnerSettings:
    for _ in range(ATTEMPTS):
        partner = _own_partner(principal, store)
        if partner.auto_approve == change.auto_approve:
            return partner_settings(principal, store=store)
        after = partner.model_copy(update={"auto_approve": change.auto_approve})
        event = PartnerSettingsChanged(
            metadata=EventMetadata.at(now),
            partner_id=partner.partner_id,
            auto_approve=change.auto_approve,
            actor=Actor.of(principal),
        )
        if store.save_partner(partner, after, (event,)):
            return PartnerSettings(partner_id=after.partner_id, name=after.name, auto_approve=after.auto_approve)
    raise StateConflict("The partner's settings kept changing meanwhile; read them again and retry.")


def _own_partner(principal: Principal, store: PartnerStore) -> Partner:
    partner_id = principal.own_partner_id
    partner = store.partner(partner_id)
    if partner is None:  # a partner the hub knows only from its users' tokens: its settings start at their defaults
        return Partner(partner_id=partner_id, name=partner_id)
    return partner


@dataclass(frozen=True)
class ListQuery:
    limit: int = 50
    cursor: str | None = None


def partner_clients(
    principal: Principal, query: ListQuery, *, store: PartnerStore, profiles: Directory, cursors: CursorCodec
) -> Page[PartnerClient]:
    """The calling partner's clients with what each granted, in name order, a page at a time."""
    links = store.links_of_partner(principal.own_partner_id)
    accounts = profiles.clients([link.client_id for link in links])
    clients = [
        PartnerClient(
            client_id=link.client_id,
            name=accounts[link.client_id].name,
            billing_model=accounts[link.client_id].billing_model,
            scopes=_ordered(link.scopes),
            granted_at=link.updated_at,
        )
        for link in links
        if link.client_id in accounts
    ]
    clients.sort(key=lambda client: (client.name.casefold(), client.client_id))
    query_id = fingerprint(list="partner-clients", partner=principal.own_partner_id)
    offset = cursors.decode(query.cursor, query_id).get("o", 0) if query.cursor else 0
    if not isinstance(offset, int) or offset < 0:
        raise InvalidCursor("The cursor is not valid for this list; start again without it.")
    end = offset + query.limit
    following = cursors.encode({"o": end}, query_id) if end < len(clients) else None
    return Page(items=clients[offset:end], next_cursor=following)
