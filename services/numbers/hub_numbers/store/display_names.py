"""DynamoDB access to display-name requests, kept in the numbers table beside their number.

A request is `pk=NUMBER#<number_id>`, `sk=DISPLAY_NAME#<request_id>` (ids sort by time: a number's history, or
the requests of the last 30 days, is one Query). An open request (submitting, pending_review, deferred) also has
`dn_pending_shard` and `dn_submitted_at`, the keys of the sparse KEYS_ONLY `PendingDisplayName` index the polling
job reads shard by shard; a final request drops them.

Every change is one TransactWriteItems: the request's conditional update (its status is still the one read), the
number's (it still points at the request; opening one needs it to point at none and its request counter to be
unchanged), and the outbox item of the event the change announces. Any condition failing writes nothing and
answers False.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from hub_numbers.models.display_names import EDITABLE, DisplayNameRequest, RequestDecision
from hub_numbers.models.numbers import Number
from hub_numbers.settings import numbers_settings
from hub_numbers.store.numbers import number_key
from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put

PENDING_DISPLAY_NAME = "PendingDisplayName"
PENDING_SHARDS = 16
REQUEST_PREFIX = "DISPLAY_NAME#"

RequestKey = tuple[str, str]
"""(number_id, request_id)."""


def pending_shard(number_id: str) -> str:
    return str(int(number_id) % PENDING_SHARDS)


def request_key(number_id: str, request_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": f"{REQUEST_PREFIX}{request_id}"}}


def request_item(request: DisplayNameRequest) -> dict[str, Any]:
    values = request.model_dump(mode="json", exclude_none=True)
    values.update(pk=f"NUMBER#{request.number_id}", sk=f"{REQUEST_PREFIX}{request.request_id}")
    if not request.status.is_final:
        values.update(dn_pending_shard=pending_shard(request.number_id), dn_submitted_at=values["submitted_at"])
    return aws.to_item(values)


class DisplayNamesStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return numbers_settings().numbers_table

    def get(self, number_id: str, request_id: str) -> DisplayNameRequest | None:
        item = self._client.get_item(
            TableName=self._table, Key=request_key(number_id, request_id), ConsistentRead=True
        ).get("Item")
        return DisplayNameRequest.model_validate(aws.from_item(item)) if item else None

    def history(self, number_id: str, *, limit: int) -> list[DisplayNameRequest]:
        """A number's `limit` most recent requests, newest first."""
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": {"S": f"NUMBER#{number_id}"}, ":prefix": {"S": REQUEST_PREFIX}},
            ScanIndexForward=False,
            ConsistentRead=True,
            PaginationConfig={"MaxItems": limit},
        )
        return [DisplayNameRequest.model_validate(aws.from_item(item)) for page in pages for item in page["Items"]]

    def open(self, number: Number, request: DisplayNameRequest) -> bool:
        """Record `request` and point `number` at it, if the number (as read) is editable and has none open."""
        number_change = {
            "Update": {
                "TableName": self._table,
                "Key": number_key(number.number_id),
                "UpdateExpression": "SET display_name_request = :id, display_name_requests = :next, updated_at = :at",
                "ConditionExpression": "attribute_not_exists(display_name_request) AND account_status IN "
                f"({', '.join(f':s{i}' for i in range(len(EDITABLE)))}) AND "
                "(attribute_not_exists(display_name_requests) OR display_name_requests = :count)",
                "ExpressionAttributeValues": aws.to_item(
                    {
                        ":id": request.request_id,
                        ":next": number.display_name_requests + 1,
                        ":count": number.display_name_requests,
                        ":at": to_rfc3339(request.submitted_at),
                        **{f":s{i}": status.value for i, status in enumerate(sorted(EDITABLE))},
                    }
                ),
            }
        }
        request_put = {
            "Put": {
                "TableName": self._table,
                "Item": request_item(request),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        return self._written([number_change, request_put])

    def decide(
        self,
        read: DisplayNameRequest,
        decision: RequestDecision,
        *,
        number_sets: Mapping[str, Any] | None = None,
        sent: bool = False,
        event: DomainEvent | None = None,
    ) -> bool:
        """Move `read` to `decision.status`, if it still has the status it was read with (and, for a decision of
        Meta's, no later one was recorded). A final status releases the number (setting `number_sets` on it) and
        leaves the pending index; `sent` records that Meta accepted the request now."""
        recorded = {
            "meta_decision": decision.meta_decision,
            "decision_time": decision.decision_time,
            "rejection_reason": decision.rejection_reason,
            "failure": decision.failure,
        }
        changes: dict[str, Any] = {
            "status": decision.status.value,
            **{attribute: value for attribute, value in recorded.items() if value is not None},
        }
        if sent:
            changes["sent_to_meta_at"] = to_rfc3339(decision.at)
        if decision.status.is_final:
            changes.update(
                decided_at=to_rfc3339(decision.at),
                decided_by=decision.by.value,
                dn_pending_shard=None,
                dn_submitted_at=None,
            )
        expression, names, values = aws.update_clause(changes)
        names["#status"], values[":read"] = "status", read.status.value
        condition = "#status = :read"
        if decision.decision_time is not None and not decision.status.is_final:  # a final decision always wins
            names["#decision_time"], values[":decision_time"] = "decision_time", decision.decision_time
            condition += " AND (attribute_not_exists(#decision_time) OR #decision_time < :decision_time)"
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": request_key(read.number_id, read.request_id),
                    "UpdateExpression": expression,
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": aws.to_item(values),
                }
            }
        ]
        if decision.status.is_final:
            items.append(self._release(read, decision.at, number_sets or {}))
        if event is not None:
            items.append(outbox_put(self._table, event, self._bus))
        return self._written(items)

    def count_send(self, read: DisplayNameRequest) -> bool:
        """One more send of a `submitting` request (before the Graph call, so attempts are never undercounted)."""
        return self._updated(
            Key=request_key(read.number_id, read.request_id),
            UpdateExpression="SET send_attempts = :next",
            ConditionExpression="#status = :read AND send_attempts = :count",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=aws.to_item(
                {":read": read.status.value, ":next": read.send_attempts + 1, ":count": read.send_attempts}
            ),
        )

    def name_decided(self, number: Number, *, name_status: str, time: int, at: datetime) -> bool:
        """Meta's decision on the number's current name (no request of the hub's): set `display_name_status`, if the
        name is still the one decided, no request is open and no later decision was recorded."""
        return self._updated(
            Key=number_key(number.number_id),
            UpdateExpression="SET display_name_status = :status, name_decision_time = :time, updated_at = :at",
            ConditionExpression="display_name = :name AND attribute_not_exists(display_name_request) AND "
            "(attribute_not_exists(name_decision_time) OR name_decision_time < :time)",
            ExpressionAttributeValues=aws.to_item(
                {":status": name_status, ":time": time, ":at": to_rfc3339(at), ":name": number.display_name}
            ),
        )

    def pending(self, shard: str) -> Iterator[list[RequestKey]]:
        """Pages of the open requests of `shard` (the `PendingDisplayName` index, oldest first)."""
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table,
            IndexName=PENDING_DISPLAY_NAME,
            KeyConditionExpression="dn_pending_shard = :shard",
            ExpressionAttributeValues={":shard": {"S": shard}},
        )
        for page in pages:
            if page["Items"]:
                yield [
                    (item["pk"]["S"].removeprefix("NUMBER#"), item["sk"]["S"].removeprefix(REQUEST_PREFIX))
                    for item in page["Items"]
                ]

    def get_many(self, keys: Iterable[RequestKey]) -> list[DisplayNameRequest]:
        """The requests of `keys` that exist."""
        wanted = [request_key(*key) for key in dict.fromkeys(keys)]
        items = aws.batch_get(self._client, self._table, wanted, consistent=True)
        return [DisplayNameRequest.model_validate(aws.from_item(item)) for item in items]

    def _release(self, read: DisplayNameRequest, at: datetime, sets: Mapping[str, Any]) -> dict[str, Any]:
        """The number's update that ends `read`: it no longer points at it, and takes `sets`."""
        expression, names, values = aws.update_clause(
            {"updated_at": to_rfc3339(at), **sets, "display_name_request": None}
        )
        return {
            "Update": {
                "TableName": self._table,
                "Key": number_key(read.number_id),
                "UpdateExpression": expression,
                "ConditionExpression": "#request = :id",
                "ExpressionAttributeNames": {**names, "#request": "display_name_request"},
                "ExpressionAttributeValues": aws.to_item({**values, ":id": read.request_id}),
            }
        }

    def _updated(self, **change: Any) -> bool:
        """One conditional UpdateItem on the table; False when its condition failed."""
        return self._written([{"Update": {"TableName": self._table, **change}}])
