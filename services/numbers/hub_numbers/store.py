"""DynamoDB access to the numbers table (its only writer is this service).

A number is the item `pk=NUMBER#<number_id>`, `sk=NUMBER`, indexed by client (`ByClient`:
client_id / `<e164>#<number_id>`) and across all clients (`AllNumbers`: list_pk `NUMBER` /
`<client_id>#<e164>#<number_id>`), so every list is a Query in a stable order; by WABA (`ByWaba`) and by
its E.164 digits (`ByDisplayPhone`: phone_digits) for Meta's webhooks. The table also holds the service's
outbox items (`hub_shared.outbox`), written in the same transaction as the change they announce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from hub_numbers.models import AccountStatus, MetaNumberUpdate, Number
from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put
from hub_shared.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, UpdateTypeDef

DELETION_SHARDS = 16
BY_CLIENT = "ByClient"
BY_WABA = "ByWaba"
BY_DISPLAY_PHONE = "ByDisplayPhone"
ALL_NUMBERS = "AllNumbers"
ALL_PARTITION = "NUMBER"

StartKey = dict[str, Any]


def number_key(number_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": "NUMBER"}}


def deletion_shard(number_id: str) -> str:
    """The `DueForDeletion` partition of a number: spreads due numbers over DELETION_SHARDS partitions."""
    return str(int(number_id) % DELETION_SHARDS)


def number_item(number: Number) -> dict[str, Any]:
    """The stored item of a number, with its index attributes.

    A cancelled number (`pending_deletion` with a `deletion_at`) also carries `deletion_shard`, which puts it
    in the sparse `DueForDeletion` index (sorted by `deletion_at`); any other status leaves it out.
    """
    values = number.model_dump(mode="json")
    values.update(
        pk=f"NUMBER#{number.number_id}",
        sk="NUMBER",
        client_sort=f"{number.phone_e164}#{number.number_id}",
        list_pk=ALL_PARTITION,
        list_sort=f"{number.client_id}#{number.phone_e164}#{number.number_id}",
        phone_digits=number.phone_e164.lstrip("+"),
    )
    if number.account_status is AccountStatus.PENDING_DELETION and number.deletion_at is not None:
        values["deletion_shard"] = deletion_shard(number.number_id)
    return aws.to_item(values)


class NumbersStore:
    def __init__(self, table: str | None = None, client: DynamoDBClient | None = None, bus_name: str | None = None):
        self._table = table or get_settings().numbers_table
        self._client = client or aws.dynamodb()
        self._bus = bus_name or get_settings().event_bus_name

    def get(self, number_id: str, *, consistent: bool = False) -> Number | None:
        item = self._client.get_item(TableName=self._table, Key=number_key(number_id), ConsistentRead=consistent).get(
            "Item"
        )
        return Number.model_validate(aws.from_item(item)) if item else None

    def put(self, number: Number) -> None:
        self._client.put_item(TableName=self._table, Item=number_item(number))

    def page(
        self,
        *,
        client_id: str | None,
        status: AccountStatus | None,
        limit: int,
        start_key: StartKey | None,
    ) -> tuple[list[Number], StartKey | None]:
        """One Query page of a client's numbers (or of all numbers), at most `limit` items, in order."""
        if client_id is None:
            index, condition, values = ALL_NUMBERS, "list_pk = :p", {":p": {"S": ALL_PARTITION}}
        else:
            index, condition, values = BY_CLIENT, "client_id = :p", {":p": {"S": client_id}}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "Limit": limit,
        }
        if status is not None:
            kwargs["FilterExpression"] = "account_status = :s"
            values[":s"] = {"S": status.value}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        answer = self._client.query(**kwargs)
        numbers = [Number.model_validate(aws.from_item(item)) for item in answer["Items"]]
        return numbers, answer.get("LastEvaluatedKey")

    def of_waba(self, waba_id: str) -> list[Number]:
        """Every number of a WABA (the `ByWaba` index: eventually consistent)."""
        return self._query(BY_WABA, "waba_id = :v", waba_id)

    def with_phone_digits(self, digits: str) -> list[Number]:
        """The numbers whose E.164 number is `+<digits>` (the `ByDisplayPhone` index: eventually consistent)."""
        return self._query(BY_DISPLAY_PHONE, "phone_digits = :v", digits)

    def _query(self, index: str, condition: str, value: str) -> list[Number]:
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table,
            IndexName=index,
            KeyConditionExpression=condition,
            ExpressionAttributeValues={":v": {"S": value}},
        )
        return [Number.model_validate(aws.from_item(item)) for page in pages for item in page["Items"]]

    def apply_meta_update(self, update: MetaNumberUpdate, event: DomainEvent | None = None) -> bool:
        """Write what a Meta change does to a number, with `event`'s outbox item in the same transaction.

        The write is conditional: the number still has the status it was read with, and the aspect's last Meta
        time is older than the update's. Answers False (nothing written) when that no longer holds.
        """
        names = {"#status": "account_status", "#time": update.aspect.value, "#at": "updated_at"}
        values: dict[str, Any] = {
            ":read": update.number.account_status.value,
            ":status": update.status.value,
            ":time": update.time,
            ":at": to_rfc3339(update.at),
        }
        sets, removes = ["#status = :status", "#time = :time", "#at = :at"], []
        for i, (attribute, value) in enumerate(sorted(update.recorded.items())):
            names[f"#r{i}"] = attribute
            if value is None:
                removes.append(f"#r{i}")
            else:
                values[f":r{i}"] = value
                sets.append(f"#r{i} = :r{i}")
        change: UpdateTypeDef = {
            "TableName": self._table,
            "Key": number_key(update.number.number_id),
            "UpdateExpression": f"SET {', '.join(sets)}" + (f" REMOVE {', '.join(removes)}" if removes else ""),
            "ConditionExpression": "#status = :read AND (attribute_not_exists(#time) OR #time < :time)",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": aws.to_item(values),
        }
        try:
            if event is None:
                self._client.update_item(**change)
            else:
                self._client.transact_write_items(
                    TransactItems=[
                        {"Update": change},
                        cast("TransactWriteItemTypeDef", outbox_put(self._table, event, self._bus)),
                    ]
                )
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True


def _condition_failed(error: ClientError) -> bool:
    """A conditional write refused (alone, or as the first item of a transaction)."""
    code = error.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return True
    reasons = error.response.get("CancellationReasons") or [{}]
    return code == "TransactionCanceledException" and reasons[0].get("Code") == "ConditionalCheckFailed"
