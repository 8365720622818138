"""DynamoDB access to the waba table (its only writer is this service).

- `pk=WABA#<waba_id>`, `sk=REGISTRY`: a WABA the hub manages — client_id, `event_at` (the last event applied),
  with the index keys of a client's WABAs and of every WABA (`hub_shared.wabas`, which other services read it by).
- `pk=WABA#<waba_id>`, `sk=DETAILS`: the details Meta last answered (`WabaDetails`, `fetched_at`), `outdated` once
  a webhook said they changed (read again on the next view).
- `pk=NUMBER#<number_id>`, `sk=REGISTRY`: a number of a managed WABA — waba_id, client_id, deleted, `event_at`.
- `pk=NUMBER#<number_id>`, `sk=KEPT#<kind>`: what Meta last answered for one of the number's settings (`PROFILE`,
  `COMMERCE`) as `data`, and its `fetched_at`.
- `pk=NUMBER#<number_id>`, `sk=HISTORY#<occurred_at>#<event_id>`: a change made to the number's WABA Manager
  settings (commerce, profile) or a request to support, as its event states it; written with the event's outbox
  item (`hub_shared.outbox`), which the table's stream relays to the bus.

Registry items are written from the numbers service's events, each only if it is newer than the one applied last
(events may arrive out of order and more than once).
"""

from __future__ import annotations

from typing import Any

from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put
from hub_shared.wabas import ALL_INDEX, ALL_PARTITION, CLIENT_INDEX, registry_item, registry_key
from hub_waba.models.wabas import KeptCopy, KeptDetails, RegisteredNumber, RegisteredWaba, WabaDetails
from hub_waba.settings import waba_settings

NEWER = "attribute_not_exists(pk) OR event_at <= :at"


def waba_key(waba_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": sk}}


def number_key(number_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": "REGISTRY"}}


class WabaStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return waba_settings().waba_table

    # ------------------------------------------------------------ reads

    def waba(self, waba_id: str) -> RegisteredWaba | None:
        item = self._client.get_item(TableName=self._table, Key=registry_key(waba_id)).get("Item")
        return RegisteredWaba.model_validate(aws.from_item(item)) if item else None

    def number(self, number_id: str) -> RegisteredNumber | None:
        item = self._client.get_item(TableName=self._table, Key=number_key(number_id)).get("Item")
        return RegisteredNumber.model_validate(aws.from_item(item)) if item else None

    def details(self, waba_id: str) -> KeptDetails | None:
        item = self._client.get_item(TableName=self._table, Key=waba_key(waba_id, "DETAILS")).get("Item")
        if item is None:
            return None
        values = aws.from_item(item)
        return KeptDetails(WabaDetails.model_validate(values), outdated=bool(values.get("outdated", False)))

    def kept(self, number_id: str, kind: str) -> KeptCopy | None:
        key = {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": f"KEPT#{kind}"}}
        item = self._client.get_item(TableName=self._table, Key=key).get("Item")
        if item is None:
            return None
        return KeptCopy.model_validate(aws.from_item(item))

    def details_and_kept(self, waba_id: str, number_id: str, kind: str) -> tuple[KeptDetails | None, KeptCopy | None]:
        """`details(waba_id)` and `kept(number_id, kind)` in one BatchGetItem (eventually consistent, as each is)."""
        keys = [waba_key(waba_id, "DETAILS"), {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": f"KEPT#{kind}"}}]
        found = {
            item["pk"]["S"]: aws.from_item(item)
            for item in aws.batch_get(self._client, self._table, keys, consistent=False)
        }
        details, copy = found.get(f"WABA#{waba_id}"), found.get(f"NUMBER#{number_id}")
        return (
            KeptDetails(WabaDetails.model_validate(details), outdated=bool(details.get("outdated", False)))
            if details
            else None,
            KeptCopy.model_validate(copy) if copy else None,
        )

    def many_details(self, waba_ids: list[str]) -> dict[str, WabaDetails]:
        keys = [waba_key(w, "DETAILS") for w in sorted(set(waba_ids))]
        found = aws.batch_get(self._client, self._table, keys, consistent=False)
        return {d.waba_id: d for d in (WabaDetails.model_validate(aws.from_item(item)) for item in found)}

    def page(
        self, *, client_id: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[RegisteredWaba], dict[str, Any] | None]:
        """A page of a client's WABAs (every WABA when `client_id` is None), in id order."""
        if client_id is None:
            index, condition, values = ALL_INDEX, "gsi2pk = :p", {":p": {"S": ALL_PARTITION}}
        else:
            index, condition = CLIENT_INDEX, "gsi1pk = :p AND begins_with(gsi1sk, :w)"
            values = {":p": {"S": f"CLIENT#{client_id}"}, ":w": {"S": "WABA#"}}
        query = {"IndexName": index, "KeyConditionExpression": condition, "ExpressionAttributeValues": values}
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        return [RegisteredWaba.model_validate(item) for item in items], last

    # ------------------------------------------------------------ writes

    def register(self, waba: RegisteredWaba, number: RegisteredNumber, *, event_at: str) -> bool:
        """Record the WABA and its number as of the event at `event_at`; False when a newer event was applied."""
        at = {":at": {"S": event_at}}
        waba_item = registry_item(waba, event_at=event_at)
        number_item = {
            **number.model_dump(mode="json"),
            "pk": f"NUMBER#{number.number_id}",
            "sk": "REGISTRY",
            "event_at": event_at,
        }
        writes: list[aws.Write] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": aws.to_item(number_item),
                    "ConditionExpression": NEWER,
                    "ExpressionAttributeValues": at,
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": aws.to_item(waba_item),
                    "ConditionExpression": NEWER,
                    "ExpressionAttributeValues": at,
                }
            },
        ]
        if self._write_all(writes[:1]):
            return False
        self._write_all(writes[1:])  # a WABA already known from a newer event keeps it
        return True

    def outdate(self, waba_id: str, changes: dict[str, str]) -> bool:
        """A webhook said the WABA changed: apply what it states (`changes`, details fields) to the kept details and
        mark them outdated, so the next view asks Meta for the rest. False when no details are kept."""
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": {"S": value} for i, value in enumerate(changes.values())}
        sets = ["outdated = :t", *(f"#f{i} = :v{i}" for i in range(len(changes)))]
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": waba_key(waba_id, "DETAILS"),
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":t": {"BOOL": True}, **values},
        }
        if names:
            update["ExpressionAttributeNames"] = names
        return not self._write_all([{"Update": update}])

    def record(self, event: DomainEvent, *, number_id: str) -> None:
        """The change (or request) in the number's history, with its event in the outbox, at once."""
        history = {
            "pk": f"NUMBER#{number_id}",
            "sk": f"HISTORY#{to_rfc3339(event.metadata.occurred_at)}#{event.metadata.event_id}",
            "detail_type": event.DETAIL_TYPE,
            "event": event.model_dump(mode="json"),
        }
        put = {"Put": {"TableName": self._table, "Item": aws.to_item(history)}}
        self._write_all([put, outbox_put(self._table, event, self._bus)])

    def history(self, number_id: str) -> list[dict[str, Any]]:
        """The number's recorded changes and requests, oldest first (each as its event's detail)."""
        answer = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :p AND begins_with(sk, :h)",
            ExpressionAttributeValues={":p": {"S": f"NUMBER#{number_id}"}, ":h": {"S": "HISTORY#"}},
        )
        return [aws.from_item(item)["event"] for item in answer["Items"]]

    def save_details(self, details: WabaDetails) -> None:
        """The details Meta answered, over the older ones (a copy fetched earlier never replaces a later one)."""
        self._put_newer({**details.model_dump(mode="json"), "pk": f"WABA#{details.waba_id}", "sk": "DETAILS"})

    def keep(self, number_id: str, kind: str, copy: KeptCopy) -> None:
        """What Meta answered for one of the number's settings, over an older copy (likewise)."""
        self._put_newer({**copy.model_dump(mode="json"), "pk": f"NUMBER#{number_id}", "sk": f"KEPT#{kind}"})

    def _put_newer(self, item: dict[str, Any]) -> None:
        """`item` (with its `fetched_at`), unless the one it replaces was fetched later."""
        put = {
            "TableName": self._table,
            "Item": aws.to_item(item),
            "ConditionExpression": "attribute_not_exists(pk) OR fetched_at <= :f",
            "ExpressionAttributeValues": {":f": {"S": item["fetched_at"]}},
        }
        self._write_all([{"Put": put}])
