"""DynamoDB access for bringing numbers in: the numbers they create, the WABA registry and the imports.

Items (the numbers table; `store.numbers` describes the numbers and their indexes):
- a number: written with `store.number_item`, so its indexes stay right;
- a WABA of the registry: `pk=WABA#<waba_id>`, `sk=WABA` {waba_id, client_id, type SHARED|OBO, name};
- an import: `pk=IMPORT#<import_id>`, `sk=IMPORT` (`NumberImport`).
Registry and import items never carry both keys of a number index (`client_id`+`client_sort`, `waba_id`+`number_id`,
`phone_digits`, `list_pk`, `deletion_shard`), so no number index ever lists them.

Every write is conditional: a new item on its absence, a changed one on the `updated_at` it was read with (any
other writer of the item changes `updated_at`), so of two concurrent writers one wins and the other gets
`ChangedConcurrently`. A number that starts running and its NumberAdded outbox item are one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hub_numbers.errors import ChangedConcurrently
from hub_numbers.models.numbers import AccountStatus, Number
from hub_numbers.models.onboarding import NumberImport, Waba
from hub_numbers.settings import numbers_settings
from hub_numbers.store.numbers import NumbersStore, number_item
from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.errors import WabaNotFound
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Write = aws.Write


def waba_key(waba_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": "WABA"}}


def import_key(import_id: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"IMPORT#{import_id}"}, "sk": {"S": "IMPORT"}}


def waba_item(waba: Waba) -> dict[str, Any]:
    return aws.to_item({**waba.model_dump(mode="json"), "pk": f"WABA#{waba.waba_id}", "sk": "WABA"})


def import_item(record: NumberImport) -> dict[str, Any]:
    return aws.to_item({**record.model_dump(mode="json"), "pk": f"IMPORT#{record.import_id}", "sk": "IMPORT"})


class OnboardingStore(aws.TableStore):
    def __init__(self, table: str | None = None, client: DynamoDBClient | None = None, bus_name: str | None = None):
        super().__init__(table, client, bus_name)
        self._numbers = NumbersStore(self._table, self._client, self._bus)

    @classmethod
    def default_table(cls) -> str:
        return numbers_settings().numbers_table

    # ------------------------------------------------------------ reads

    def number(self, number_id: str) -> Number | None:
        return self._numbers.get(number_id, consistent=True)

    def with_phone_digits(self, digits: str) -> list[Number]:
        return self._numbers.with_phone_digits(digits)

    def waba(self, waba_id: str) -> Waba | None:
        item = self._client.get_item(TableName=self._table, Key=waba_key(waba_id), ConsistentRead=True).get("Item")
        return Waba.model_validate(aws.from_item(item)) if item else None

    def get_import(self, import_id: str) -> NumberImport | None:
        item = self._client.get_item(TableName=self._table, Key=import_key(import_id), ConsistentRead=True).get("Item")
        return NumberImport.model_validate(aws.from_item(item)) if item else None

    # ------------------------------------------------------------ writes

    def put_waba(self, waba: Waba) -> None:
        """Record a WABA in the registry as it is (seeding)."""
        self._client.put_item(TableName=self._table, Item=waba_item(waba))

    def start_number(self, number: Number, waba: Waba, *, replacing: Number | None) -> None:
        """Record a number being added (new, or in place of the client's deleted one) and claim its WABA for the
        client. Raises WabaNotFound when the WABA is another client's, ChangedConcurrently when another request
        recorded the number first."""
        claim = {
            "Put": {
                "TableName": self._table,
                "Item": waba_item(waba),
                "ConditionExpression": "attribute_not_exists(pk) OR client_id = :c",
                "ExpressionAttributeValues": {":c": {"S": waba.client_id}},
            }
        }
        failed = self._transact([self._number_put(number, replacing), claim])
        if failed == 1:
            raise WabaNotFound(waba.waba_id)
        if failed == 0:
            raise ChangedConcurrently(f"Number {number.number_id} is being added by another request; try again.")

    def save_number(self, number: Number, *, read: Number) -> None:
        """Write the number's new state over the one it was read in."""
        if self._transact([self._number_put(number, read)]) is not None:
            raise ChangedConcurrently(f"Number {number.number_id} was changed by another request; try again.")

    def finish_number(self, number: Number, *, read: Number, event: DomainEvent) -> None:
        """The number (now running) over the state it was read in, with its event in the outbox."""
        if self._transact([self._number_put(number, read), outbox_put(self._table, event, self._bus)]) is not None:
            raise ChangedConcurrently(f"Number {number.number_id} was changed by another request; try again.")

    def save_import(self, record: NumberImport, *, read: NumberImport | None) -> None:
        """A new import (`read` None) or its new state over the one it was read in."""
        if self._transact([self._import_put(record, read)]) is not None:
            raise ChangedConcurrently(f"Import {record.import_id} was changed by another request; try again.")

    def finish_import(self, record: NumberImport, *, read: NumberImport, number: Number, event: DomainEvent) -> None:
        """The import done and its number recorded (new, or over a deleted one), with the event in the outbox."""
        put_number = self._number_put(number, None)
        put_number["Put"]["ConditionExpression"] = "attribute_not_exists(pk) OR account_status = :deleted"
        put_number["Put"]["ExpressionAttributeValues"] = {":deleted": {"S": AccountStatus.DELETED.value}}
        failed = self._transact([self._import_put(record, read), put_number, outbox_put(self._table, event, self._bus)])
        if failed == 1:
            raise ChangedConcurrently(f"Number {number.number_id} is already in the hub.")
        if failed is not None:
            raise ChangedConcurrently(f"Import {record.import_id} was changed by another request; try again.")

    # ------------------------------------------------------------ helpers

    def _number_put(self, number: Number, read: Number | None) -> Write:
        return self._put(number_item(number), read.updated_at if read else None)

    def _import_put(self, record: NumberImport, read: NumberImport | None) -> Write:
        return self._put(import_item(record), read.updated_at if read else None)

    def _put(self, item: dict[str, Any], read_at: Any) -> Write:
        if read_at is None:
            return {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "updated_at = :read_at",
                "ExpressionAttributeValues": {":read_at": {"S": to_rfc3339(read_at)}},
            }
        }

    def _transact(self, writes: list[Write]) -> int | None:
        """Write all or nothing; answer None, or the index of the write whose condition failed."""
        failed = self._write_all(writes)
        return min(failed) if failed else None
