"""Read model over the waba service's registry of the WABAs the hub manages (written only by the waba service, from
the numbers service's `NumberAdded` and `NumberDeleted`): whose each WABA is.

Layout of its registry items in the waba table (keys `pk`/`sk`): `NUMBER#<number_id>` / `REGISTRY` — waba_id,
client_id, `deleted` (a number of a managed WABA); `WABA#<waba_id>` / `REGISTRY` — client_id,
`event_at`; `gsi1pk=CLIENT#<client_id>`, `gsi1sk=WABA#<waba_id>` (index `ByClient`: a client's WABAs);
`gsi2pk=WABAS`, `gsi2sk=<waba_id>` (index `All`: every WABA). `registry_item` is the one place such an item is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ConfigDict

from hub_shared import aws
from hub_shared.model import HubModel
from hub_shared.settings import get_settings

CLIENT_INDEX = "ByClient"
ALL_INDEX = "All"
ALL_PARTITION = "WABAS"


class RegisteredWaba(HubModel):
    """A WABA the hub manages for a client: whose it is (learnt from NumberAdded)."""

    model_config = ConfigDict(frozen=True)

    waba_id: str
    client_id: str


def registry_key(waba_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": "REGISTRY"}}


def registry_item(waba: RegisteredWaba, *, event_at: str) -> dict[str, Any]:
    """The registry item of `waba` as of the event at `event_at`, with its index keys."""
    return {
        **waba.model_dump(mode="json"),
        "pk": f"WABA#{waba.waba_id}",
        "sk": "REGISTRY",
        "gsi1pk": f"CLIENT#{waba.client_id}",
        "gsi1sk": f"WABA#{waba.waba_id}",
        "gsi2pk": ALL_PARTITION,
        "gsi2sk": waba.waba_id,
        "event_at": event_at,
    }


class WabaRegistry(aws.TableStore):
    """Whose a WABA is, for the services that act on a WABA's things (its templates) but do not own it."""

    @classmethod
    def default_table(cls) -> str:
        return get_settings().waba_table

    def waba(self, waba_id: str) -> RegisteredWaba | None:
        item = self._client.get_item(TableName=self._table, Key=registry_key(waba_id)).get("Item")
        return RegisteredWaba.model_validate(aws.from_item(item)) if item else None

    def owner_of_number(self, number_id: str) -> str | None:
        """The client a number the hub manages is with (None: unknown, or deleted)."""
        key = {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": "REGISTRY"}}
        item = self._client.get_item(TableName=self._table, Key=key).get("Item")
        values = aws.from_item(item) if item else {}
        return None if not values or values.get("deleted") else str(values["client_id"])

    def every_waba(self) -> Iterator[RegisteredWaba]:
        """Every managed WABA, in id order, page by page (a scheduled job's walk)."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": ALL_INDEX,
            "KeyConditionExpression": "gsi2pk = :p",
            "ExpressionAttributeValues": {":p": {"S": ALL_PARTITION}},
        }
        while True:
            page = self._client.query(**query)
            yield from (RegisteredWaba.model_validate(aws.from_item(item)) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
