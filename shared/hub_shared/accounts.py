"""Read model over the accounts table (written only by the accounts service).

Layout (single table, keys `pk`/`sk`; the accounts service's own items are in `hub_accounts.store`):
- client profile: `CLIENT#<client_id>` / `PROFILE` — name, billing_model (`direct`|`partner`), partner_id,
  prepaid, version; `gsi2pk=DIRECTORY`, `gsi2sk=<name, case-folded>#<client_id>`: the client directory support
  agents search by name.
- partner link: `PARTNER#<partner_id>` / `CLIENT#<client_id>` — the client works with this partner (its profile's
  partner_id) and granted it `scopes` (a list, maybe empty). One item per client, in the partner's partition, so
  both of the hub's questions are strongly consistent reads of the table itself (no index, no cache): "what did
  this client grant this partner" (GetItem) and "which clients granted this partner what" (Query) — a revoke counts
  on the partner's very next request, in every service.

`client_profile_item` and `partner_link_item` are the one place each item is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from hub_shared import aws
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

DIRECTORY_INDEX = "ByName"
DIRECTORY_PARTITION = "DIRECTORY"


class BillingModel(StrEnum):
    DIRECT = "direct"
    PARTNER = "partner"


@dataclass(frozen=True)
class ClientAccount:
    client_id: str
    name: str
    billing_model: BillingModel
    partner_id: str | None = None
    prepaid: bool = False


def client_key(client_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": "PROFILE"}}


def directory_name(text: str) -> str:
    """A name as the directory sorts and searches it: case-folded, its white space collapsed."""
    return " ".join(text.casefold().split())


def client_profile_item(account: ClientAccount, version: int = 1) -> dict[str, Any]:
    """A client's profile item (plain values, for `aws.to_item`), with the directory's keys."""
    item: dict[str, Any] = {
        "pk": f"CLIENT#{account.client_id}",
        "sk": "PROFILE",
        "client_id": account.client_id,
        "name": account.name,
        "billing_model": str(account.billing_model),
        "prepaid": account.prepaid,
        "gsi2pk": DIRECTORY_PARTITION,
        "gsi2sk": f"{directory_name(account.name)}#{account.client_id}",
        "version": version,
    }
    if account.partner_id:
        item["partner_id"] = account.partner_id
    return item


def partner_link_key(partner_id: str, client_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"PARTNER#{partner_id}"}, "sk": {"S": f"CLIENT#{client_id}"}}


def partner_link_item(
    client_id: str, partner_id: str, scopes: Iterable[str], *, updated_at: str, updated_by: str | None = None
) -> dict[str, Any]:
    """The link of a client to its partner with the scopes it granted (plain values, for `aws.to_item`)."""
    item: dict[str, Any] = {
        "pk": f"PARTNER#{partner_id}",
        "sk": f"CLIENT#{client_id}",
        "client_id": client_id,
        "partner_id": partner_id,
        "scopes": sorted(set(scopes)),
        "updated_at": updated_at,
    }
    if updated_by:
        item["updated_by"] = updated_by
    return item


class ClientAccounts(Protocol):
    """What services read of the accounts table: the port their use cases take (`AccountsReader` implements it)."""

    def client(self, client_id: str) -> ClientAccount | None: ...

    def clients(self, client_ids: Iterable[str]) -> dict[str, ClientAccount]: ...

    def scopes(self, partner_id: str, client_id: str) -> frozenset[str]: ...

    def grants_of_partner(self, partner_id: str) -> dict[str, frozenset[str]]: ...


class AccountsReader(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return get_settings().accounts_table

    def client(self, client_id: str) -> ClientAccount | None:
        found = self._client.get_item(TableName=self._table, Key=client_key(client_id)).get("Item")
        return client_account(aws.from_item(found)) if found else None

    def clients(self, client_ids: Iterable[str]) -> dict[str, ClientAccount]:
        """Many clients, eventually consistent (profiles change rarely), in bounded BatchGetItem calls."""
        keys = [client_key(c) for c in sorted(set(client_ids))]
        accounts = (
            client_account(aws.from_item(item))
            for item in aws.batch_get(self._client, self._table, keys, consistent=False)
        )
        return {account.client_id: account for account in accounts}

    def scopes(self, partner_id: str, client_id: str) -> frozenset[str]:
        """What `client_id` granted `partner_id` (nothing when it is not the client's partner), read consistently."""
        key = partner_link_key(partner_id, client_id)
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return frozenset(aws.from_item(item).get("scopes", ())) if item else frozenset()

    def grants_of_partner(self, partner_id: str) -> dict[str, frozenset[str]]:
        """client_id → scopes, for every client whose partner this is (scopes maybe empty), read consistently."""
        query = {
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :c)",
            "ExpressionAttributeValues": {":p": {"S": f"PARTNER#{partner_id}"}, ":c": {"S": "CLIENT#"}},
            "ConsistentRead": True,
        }
        return {item["client_id"]: frozenset(item.get("scopes", ())) for item in self._query_all(query)}


def client_account(values: dict[str, object]) -> ClientAccount:
    return ClientAccount(
        client_id=str(values["client_id"]),
        name=str(values.get("name", "")),
        billing_model=BillingModel(str(values.get("billing_model", BillingModel.DIRECT))),
        partner_id=str(values["partner_id"]) if values.get("partner_id") else None,
        prepaid=bool(values.get("prepaid", False)),
    )


@singleton
def accounts_reader() -> AccountsReader:
    """The process's reader of the accounts table (every service's functions, its routes through Depends)."""
    return AccountsReader()
