"""Read model over the accounts table (written only by the accounts service).

Layout (single table, keys `pk`/`sk`):
- client profile: `CLIENT#<client_id>` / `PROFILE` — name, billing_model (`direct`|`partner`), partner_id,
  prepaid; `gsi1pk=PARTNER#<partner_id>`, `gsi1sk=CLIENT#<client_id>` when the client has a partner.
  `gsi2pk=DIRECTORY`, `gsi2sk=<name, case-folded>#<client_id>`: the client directory support agents search by name.
- partner grant:  `CLIENT#<client_id>` / `GRANT#<partner_id>` — scopes (string set);
  `gsi1pk=PARTNER#<partner_id>`, `gsi1sk=GRANT#<client_id>`.

`client_profile_item` is the one place a profile's item (and its index keys) is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from hub_shared import aws
from hub_shared.settings import get_settings

PARTNER_INDEX = "ByPartner"
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


def client_profile_item(account: ClientAccount) -> dict[str, Any]:
    """A client's profile item (plain values, for `aws.to_item`), with its partner's and the directory's keys."""
    item: dict[str, Any] = {
        "pk": f"CLIENT#{account.client_id}",
        "sk": "PROFILE",
        "client_id": account.client_id,
        "name": account.name,
        "billing_model": str(account.billing_model),
        "prepaid": account.prepaid,
        "gsi2pk": DIRECTORY_PARTITION,
        "gsi2sk": f"{directory_name(account.name)}#{account.client_id}",
    }
    if account.partner_id:
        item |= {"partner_id": account.partner_id, "gsi1pk": f"PARTNER#{account.partner_id}"}
        item["gsi1sk"] = f"CLIENT#{account.client_id}"
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
        key = {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": f"GRANT#{partner_id}"}}
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return frozenset(aws.from_item(item).get("scopes", ())) if item else frozenset()

    def grants_of_partner(self, partner_id: str) -> dict[str, frozenset[str]]:
        """client_id → scopes, for every client that granted this partner anything."""
        out: dict[str, frozenset[str]] = {}
        kwargs = {
            "TableName": self._table,
            "IndexName": PARTNER_INDEX,
            "KeyConditionExpression": "gsi1pk = :p AND begins_with(gsi1sk, :g)",
            "ExpressionAttributeValues": {":p": {"S": f"PARTNER#{partner_id}"}, ":g": {"S": "GRANT#"}},
        }
        while True:
            page = self._client.query(**kwargs)  # type: ignore[arg-type]
            for item in page["Items"]:
                values = aws.from_item(item)
                out[values["client_id"]] = frozenset(values.get("scopes", ()))
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def client_account(values: dict[str, object]) -> ClientAccount:
    return ClientAccount(
        client_id=str(values["client_id"]),
        name=str(values.get("name", "")),
        billing_model=BillingModel(str(values.get("billing_model", BillingModel.DIRECT))),
        partner_id=str(values["partner_id"]) if values.get("partner_id") else None,
        prepaid=bool(values.get("prepaid", False)),
    )
