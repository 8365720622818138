"""The clients a caller may act for: the client picker's list, searchable by name (or an exact client id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from hub_accounts.models.clients import ClientEntry
from hub_shared.accounts import ClientAccount, ClientAccounts, directory_name
from hub_shared.auth import Principal, Role
from hub_shared.errors import InvalidCursor
from hub_shared.pagination import CursorCodec, Page, fingerprint


class Directory(Protocol):
    def page(
        self, *, name_prefix: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ClientAccount], dict[str, Any] | None]: ...


@dataclass(frozen=True)
class ClientSearch:
    q: str | None = None
    """A name prefix (case and spacing ignored), or a client's exact id."""
    limit: int = 50
    cursor: str | None = None


def find_clients(
    principal: Principal, search: ClientSearch, *, directory: Directory, accounts: ClientAccounts, cursors: CursorCodec
) -> Page[ClientEntry]:
    """Support agents: every client, from the directory (the client whose id is `q` first). Partners: the clients
    that granted them any permission (read at once, so a revoke shows). Client users: their own client."""
    query_id = fingerprint(subject=principal.subject, role=principal.role, q=search.q)
    state = cursors.decode(search.cursor, query_id) if search.cursor else {}
    if principal.role is Role.SUPPORT:
        return _search_directory(search, state, query_id, directory=directory, accounts=accounts, cursors=cursors)
    if principal.role is Role.PARTNER:
        granted = accounts.grants_of_partner(principal.own_partner_id)  # consistent: what `scopes_for` would read
        candidates = [client_id for client_id, scopes in granted.items() if scopes]
    else:
        candidates = [principal.own_client_id]
    found = sorted(
        (a for a in accounts.clients(candidates).values() if _matches(a, search.q)),
        key=lambda a: (directory_name(a.name), a.client_id),
    )
    offset = _offset(state)
    shown = found[offset : offset + search.limit]
    more = offset + search.limit < len(found)
    cursor = cursors.encode({"o": offset + search.limit}, query_id) if more else None
    return Page(items=[_entry(a) for a in shown], next_cursor=cursor)


def _search_directory(
    search: ClientSearch,
    state: dict[str, Any],
    query_id: str,
    *,
    directory: Directory,
    accounts: ClientAccounts,
    cursors: CursorCodec,
) -> Page[ClientEntry]:
    exact = accounts.clients([search.q]).get(search.q) if search.q else None
    items: list[ClientAccount] = [exact] if exact is not None and not state else []
    start_key: dict[str, Any] | None = state.get("k")  # a later page: where the directory goes on (None: its start)
    prefix = directory_name(search.q or "")
    done = False
    while not done and len(items) < search.limit:
        page, start_key = directory.page(name_prefix=prefix, limit=search.limit - len(items), start_key=start_key)
        items += [a for a in page if exact is None or a.client_id != exact.client_id]
        done = start_key is None
    cursor = None if done else cursors.encode({"k": start_key}, query_id)
    return Page(items=[_entry(a) for a in items], next_cursor=cursor)


def _matches(account: ClientAccount, q: str | None) -> bool:
    return not q or account.client_id == q or directory_name(account.name).startswith(directory_name(q))


def _offset(state: dict[str, Any]) -> int:
    offset = state.get("o", 0)
    if not isinstance(offset, int) or offset < 0:
        raise InvalidCursor("The cursor is not valid for this list; start again without it.")
    return offset


def _entry(account: ClientAccount) -> ClientEntry:
    return ClientEntry(
        client_id=account.client_id,
        name=account.name,
        billing_model=account.billing_model,
        partner_id=account.partner_id,
    )
