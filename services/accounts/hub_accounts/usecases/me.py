"""The caller's own account: who they are, and the username they choose."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from hub_accounts.events import UsernameChanged
from hub_accounts.models.me import ClientSummary, Me, MeChange, PartnerGrant
from hub_shared.accounts import ClientAccounts
from hub_shared.auth import Principal, Role
from hub_shared.clock import to_rfc3339
from hub_shared.errors import NotFound, StateConflict
from hub_shared.events import Actor, DomainEvent, EventMetadata

ATTEMPTS = 3


class Users(Protocol):
    def username(self, user_id: str) -> tuple[str | None, int]: ...

    def save_username(
        self, user_id: str, username: str, *, version: int, updated_at: str, events: tuple[DomainEvent, ...]
    ) -> bool: ...


def who_am_i(principal: Principal, *, accounts: ClientAccounts, users: Users) -> Me:
    username, _ = users.username(principal.subject)
    me = Me(
        subject=principal.subject,
        email=principal.email,
        username=username,
        role=principal.role,
        partner_id=principal.partner_id,
    )
    if principal.role is Role.CLIENT:
        account = accounts.clients([principal.own_client_id]).get(principal.own_client_id)
        if account is None:
            raise NotFound(f"Client {principal.own_client_id} has no account.")
        me.client = ClientSummary(
            client_id=account.client_id,
            name=account.name,
            billing_model=account.billing_model,
            partner_id=account.partner_id,
            prepaid=account.prepaid,
        )
    elif principal.role is Role.PARTNER:
        grants = accounts.grants_of_partner(principal.own_partner_id)
        me.grants = [PartnerGrant(client_id=c, scopes=sorted(s)) for c, s in sorted(grants.items())]
    return me


def change_me(principal: Principal, change: MeChange, *, accounts: ClientAccounts, users: Users, now: datetime) -> Me:
    """The user's new username (the same one changes nothing)."""
    for _ in range(ATTEMPTS):
        previous, version = users.username(principal.subject)
        if previous == change.username:
            return who_am_i(principal, accounts=accounts, users=users)
        event = UsernameChanged(
            metadata=EventMetadata.at(now),
            user_id=principal.subject,
            client_id=principal.client_id,
            previous=previous,
            username=change.username,
            actor=Actor.of(principal),
        )
        if users.save_username(
            principal.subject, change.username, version=version, updated_at=to_rfc3339(now), events=(event,)
        ):
            return who_am_i(principal, accounts=accounts, users=users)
    raise StateConflict("The account kept changing meanwhile; read it again and retry.")
