"""DynamoDB access to the numbers table (its only writer is this service).

A number is the item `pk=NUMBER#<number_id>`, `sk=NUMBER`, indexed by client (`ByClient`:
client_id / `<e164>#<number_id>`) and across all clients (`AllNumbers`: list_pk `NUMBER` /
`<client_id>#<e164>#<number_id>`), so every list is a Query in a stable order; by WABA (`ByWaba`) and by
its E.164 digits (`ByDisplayPhone`: phone_digits) for Meta's webhooks. The table also holds the service's
outbox items (`hub_shared.outbox`), written in the same transaction as the change they announce.

Lifecycle changes (cancel, withdraw, delete) are conditional updates of the attributes they own, each written
with its event's outbox item in one TransactWriteItems: they answer False (nothing written) when the number is
no longer as it was read. Due numbers are found through the sparse `DueForDeletion` index (KEYS_ONLY), shard by
shard, and read back in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hub_numbers.models.numbers import DELETION_SHARDS, AccountStatus, MetaNumberUpdate, Number, RegistrationStatus
from hub_numbers.settings import numbers_settings
from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import UpdateTypeDef

DUE_FOR_DELETION = "DueForDeletion"
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


class NumbersStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return numbers_settings().numbers_table

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
        query: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": condition}
        if status is not None:
            query["FilterExpression"] = "account_status = :s"
            values[":s"] = {"S": status.value}
        query["ExpressionAttributeValues"] = values
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        return [Number.model_validate(item) for item in items], last

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
        expression, names, values = aws.update_clause(
            {
                "account_status": update.status.value,
                update.aspect.value: update.time,
                "updated_at": to_rfc3339(update.at),
                **update.recorded,
            }
        )
        change: UpdateTypeDef = {
            "TableName": self._table,
            "Key": number_key(update.number.number_id),
            "UpdateExpression": expression,
            "ConditionExpression": "#status = :read AND (attribute_not_exists(#time) OR #time < :time)",
            "ExpressionAttributeNames": {**names, "#status": "account_status", "#time": update.aspect.value},
            "ExpressionAttributeValues": aws.to_item(
                {**values, ":read": update.number.account_status.value, ":time": update.time}
            ),
        }
        return self._write(change, event)

    def cancel(self, read: Number, *, at: datetime, deletion_at: datetime, event: DomainEvent) -> bool:
        """`read` → pending_deletion until `deletion_at` (entering `DueForDeletion`), if its status is unchanged."""
        return self._transition(
            read,
            expect={"account_status": read.account_status.value},
            sets={
                "account_status": AccountStatus.PENDING_DELETION.value,
                "status_before_cancellation": read.account_status.value,
                "cancelled_at": to_rfc3339(at),
                "deletion_at": to_rfc3339(deletion_at),
                "deletion_shard": deletion_shard(read.number_id),
                "updated_at": to_rfc3339(at),
            },
            event=event,
        )

    def withdraw(self, read: Number, *, status: AccountStatus, at: datetime, event: DomainEvent) -> bool:
        """Back to `status`, out of `DueForDeletion`, if the cancellation read still stands and is not yet due."""
        return self._transition(
            read,
            expect={
                "account_status": AccountStatus.PENDING_DELETION.value,
                "cancelled_at": _stored(read.cancelled_at),
            },
            sets={"account_status": status.value, "updated_at": to_rfc3339(at)},
            removes=("deletion_shard", "deletion_at", "cancelled_at", "status_before_cancellation"),
            condition=("attribute_not_exists(deletion_at) OR deletion_at > :now", to_rfc3339(at)),
            event=event,
        )

    def mark_deleted(self, read: Number, *, at: datetime, event: DomainEvent) -> bool:
        """`read` → deleted and deregistered (leaving `DueForDeletion`), if still pending deletion and due at `at`."""
        return self._transition(
            read,
            expect={"account_status": AccountStatus.PENDING_DELETION.value},
            sets={
                "account_status": AccountStatus.DELETED.value,
                "registration_status": RegistrationStatus.DEREGISTERED.value,
                "deleted_at": to_rfc3339(at),
                "updated_at": to_rfc3339(at),
            },
            removes=("deletion_shard",),
            condition=("deletion_at <= :now", to_rfc3339(at)),
            event=event,
        )

    def due_for_deletion(self, shard: str, due_by: datetime, *, page_size: int | None = None) -> Iterator[list[str]]:
        """Pages of the ids of the numbers of `shard` whose `deletion_at` is at or before `due_by` (a Query of the
        eventually consistent `DueForDeletion` index, in `deletion_at` order; pages of `page_size` keys, or of
        DynamoDB's 1 MB)."""
        pages = self._client.get_paginator("query").paginate(
            TableName=self._table,
            IndexName=DUE_FOR_DELETION,
            KeyConditionExpression="deletion_shard = :shard AND deletion_at <= :due",
            ExpressionAttributeValues={":shard": {"S": shard}, ":due": {"S": to_rfc3339(due_by)}},
            PaginationConfig={"PageSize": page_size} if page_size else {},
        )
        for page in pages:
            if page["Items"]:
                yield [item["pk"]["S"].removeprefix("NUMBER#") for item in page["Items"]]

    def get_many(self, number_ids: Iterable[str]) -> dict[str, Number]:
        """The numbers of `number_ids` that exist, by id."""
        keys = [number_key(number_id) for number_id in dict.fromkeys(number_ids)]
        items = aws.batch_get(self._client, self._table, keys, consistent=True)
        numbers = (Number.model_validate(aws.from_item(item)) for item in items)
        return {number.number_id: number for number in numbers}

    def _transition(
        self,
        read: Number,
        *,
        expect: Mapping[str, str | None],
        sets: Mapping[str, str],
        removes: Iterable[str] = (),
        condition: tuple[str, str] | None = None,
        event: DomainEvent,
    ) -> bool:
        """Set and remove attributes of `read`'s item where each `expect` attribute still has its value (None: is
        absent) and `condition` (an expression over `:now`, and its value) holds, with `event` in the outbox."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        checks: list[str] = []
        for i, (attribute, value) in enumerate(expect.items()):
            names[f"#e{i}"] = attribute
            if value is None:
                checks.append(f"attribute_not_exists(#e{i})")
            else:
                values[f":e{i}"] = value
                checks.append(f"#e{i} = :e{i}")
        if condition is not None:
            checks.append(f"({condition[0]})")
            values[":now"] = condition[1]
        expression, update_names, update_values = aws.update_clause({**sets, **dict.fromkeys(removes)})
        change: UpdateTypeDef = {
            "TableName": self._table,
            "Key": number_key(read.number_id),
            "UpdateExpression": expression,
            "ConditionExpression": " AND ".join(checks),
            "ExpressionAttributeNames": {**names, **update_names},
            "ExpressionAttributeValues": aws.to_item({**values, **update_values}),
        }
        return self._write(change, event)

    def _write(self, change: UpdateTypeDef, event: DomainEvent | None) -> bool:
        """The conditional update, alone or with `event`'s outbox item in one transaction; False when refused."""
        writes: list[aws.Write] = [{"Update": change}]
        if event is not None:
            writes.append(outbox_put(self._table, event, self._bus))
        failed = self._write_all(writes)
        if failed and 0 not in failed:  # the outbox item's condition: an event id used twice is a defect
            raise RuntimeError(f"the outbox item of event {event.metadata.event_id if event else '?'} exists already")
        return not failed


def _stored(moment: datetime | None) -> str | None:
    return to_rfc3339(moment) if moment is not None else None
