"""Reading numbers: the Numbers page list and one number's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from hub_numbers.errors import NumberNotFound
from hub_numbers.models.numbers import AccountStatus, Number, PhoneNumberView
from hub_numbers.usecases.actions import actions_for
from hub_shared.accounts import ClientAccount, ClientAccounts
from hub_shared.auth import Action, Principal, Role, Scope, Tenant, authorize
from hub_shared.errors import InvalidCursor, NotFound
from hub_shared.pagination import CursorCodec, Page, fingerprint

ALL = ""  # the partition of every client's numbers (support, no client filter)


class NumbersRepository(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...

    def page(
        self,
        *,
        client_id: str | None,
        status: AccountStatus | None,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[Number], dict[str, Any] | None]: ...


@dataclass(frozen=True)
class NumberQuery:
    status: AccountStatus | None = None
    client_id: str | None = None
    limit: int = 50
    cursor: str | None = None


def get_number(
    number_id: str, principal: Principal, *, numbers: NumbersRepository, accounts: ClientAccounts, now: datetime
) -> PhoneNumberView:
    number = authorize(principal, numbers.get(number_id), missing=NumberNotFound(number_id))
    return to_view(number, principal, accounts.clients([number.client_id]).get(number.client_id), now)


def list_numbers(
    principal: Principal,
    query: NumberQuery,
    *,
    numbers: NumbersRepository,
    accounts: ClientAccounts,
    cursors: CursorCodec,
    now: datetime,
) -> Page[PhoneNumberView]:
    partitions = _partitions(principal, query.client_id, accounts)
    query_id = fingerprint(
        subject=principal.subject, role=principal.role, status=query.status, client_id=query.client_id
    )
    partition, start_key = _resume(cursors.decode(query.cursor, query_id)) if query.cursor else (None, None)
    remaining = [p for p in partitions if partition is None or p >= partition]
    if remaining and remaining[0] != partition:
        start_key = None

    found: list[Number] = []
    next_state: dict[str, Any] | None = None
    for current in remaining:
        if principal.role is Role.PARTNER and not principal.can(Action.NUMBERS_READ, current):
            start_key = None
            continue  # revoked since the grants were listed: a revoke takes effect at once
        while len(found) < query.limit:
            page, start_key = numbers.page(
                client_id=current or None, status=query.status, limit=query.limit - len(found), start_key=start_key
            )
            found.extend(page)
            if start_key is None:
                break
        if start_key is not None:
            next_state = {"p": current, "k": start_key}
            break
        if len(found) >= query.limit:
            later = [p for p in remaining if p > current]
            next_state = {"p": later[0], "k": None} if later else None
            break
    owners = accounts.clients({n.client_id for n in found}) if found else {}
    items = [to_view(n, principal, owners.get(n.client_id), now) for n in found]
    return Page[PhoneNumberView](items=items, next_cursor=cursors.encode(next_state, query_id) if next_state else None)


def _partitions(principal: Principal, client_id: str | None, accounts: ClientAccounts) -> list[str]:
    """The clients whose numbers this caller lists, in order; a client it may not see answers 404."""
    if client_id is not None:
        authorize(principal, Tenant(client_id), missing=NotFound(f"Client {client_id} was not found."))
        return [client_id]
    if principal.role is Role.CLIENT:
        return [principal.own_client_id]
    if principal.role is Role.SUPPORT:
        return [ALL]
    grants = accounts.grants_of_partner(principal.own_partner_id)
    return sorted(c for c, scopes in grants.items() if Scope.NUMBERS_READ in scopes)


def _resume(state: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    partition, key = state.get("p"), state.get("k")
    if not isinstance(partition, str) or not (key is None or isinstance(key, dict)):
        raise InvalidCursor("The cursor is not valid for this list; start again without it.")
    return partition, key


def to_view(number: Number, principal: Principal, account: ClientAccount | None, now: datetime) -> PhoneNumberView:
    return PhoneNumberView(
        number_id=number.number_id,
        client_id=number.client_id,
        waba_id=number.waba_id,
        phone_number=number.phone_e164,
        display_phone_number=number.display_phone_number,
        account_status=number.account_status,
        meta_status=number.meta_status,
        display_name=number.display_name,
        display_name_status=number.display_name_status,
        quality_rating=number.quality_rating,
        messaging_limit=number.messaging_limit,
        hosting_platform=number.platform_type,
        registration_status=number.registration_status,
        deletion_at=number.deletion_at,
        reregister_by=number.reregister_by,
        actions=actions_for(number, principal, account, now),
        created_at=number.created_at,
        updated_at=number.updated_at,
    )
