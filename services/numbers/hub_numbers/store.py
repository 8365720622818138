"""DynamoDB access to the numbers table (its only writer is this service).

A number is the item `pk=NUMBER#<number_id>`, `sk=NUMBER`, indexed by client (`ByClient`:
client_id / `<e164>#<number_id>`) and across all clients (`AllNumbers`: list_pk `NUMBER` /
`<client_id>#<e164>#<number_id>`), so every list is a Query in a stable order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hub_numbers.models import AccountStatus, Number
from hub_shared import aws
from hub_shared.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DELETION_SHARDS = 16
BY_CLIENT = "ByClient"
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
    def __init__(self, table: str | None = None, client: DynamoDBClient | None = None):
        self._table = table or get_settings().numbers_table
        self._client = client or aws.dynamodb()

    def get(self, number_id: str) -> Number | None:
        item = self._client.get_item(TableName=self._table, Key=number_key(number_id)).get("Item")
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
