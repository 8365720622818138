"""DynamoDB access to the billing table (its only writer is this service).

- `pk=CLIENT#<client_id>`, `sk=NUMBER#<number_id>`: a number billing has heard of — `added_at`, `deleted_at`
  (RFC 3339, present once known) and `version`;
- `pk=CLIENT#<client_id>`, `sk=BILLABLE_NUMBERS`: `count`, how many of the client's numbers are billable;
- `pk=EVENT#<event_id>`, `sk=EVENT`: an event applied (kept EVENT_RECORD_TTL, past the bus's retries and the
  dead-letter queue's retention, through `expires_at`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub_billing.settings import billing_settings
from hub_billing.usecases.billable import BillableNumber, Written
from hub_shared import aws
from hub_shared.clock import to_rfc3339

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef

EVENT_RECORD_TTL = timedelta(days=30)
COUNT_SK = "BILLABLE_NUMBERS"
NEW = "attribute_not_exists(pk)"


def client_key(client_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": sk}}


class BillingStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return billing_settings().billing_table

    def billable_number(self, client_id: str, number_id: str) -> BillableNumber | None:
        item = self._client.get_item(
            TableName=self._table, Key=client_key(client_id, f"NUMBER#{number_id}"), ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        values = aws.from_item(item)
        return BillableNumber(
            client_id=values["client_id"],
            number_id=values["number_id"],
            added_at=_instant(values.get("added_at")),
            deleted_at=_instant(values.get("deleted_at")),
            version=int(values["version"]),
        )

    def billable_count(self, client_id: str) -> int:
        item = self._client.get_item(TableName=self._table, Key=client_key(client_id, COUNT_SK), ConsistentRead=True)
        return int(aws.from_item(item["Item"])["count"]) if "Item" in item else 0

    def record(self, event_id: str, before: BillableNumber | None, after: BillableNumber, now: datetime) -> Written:
        """Write `after` (if the number is still `before`), the event's record (applied at `now`) and the count's
        change, at once."""
        marker = {
            "pk": f"EVENT#{event_id}",
            "sk": "EVENT",
            "client_id": after.client_id,
            "number_id": after.number_id,
            "applied_at": to_rfc3339(now),
            "expires_at": int((now + EVENT_RECORD_TTL).timestamp()),
        }
        number = {
            "pk": f"CLIENT#{after.client_id}",
            "sk": f"NUMBER#{after.number_id}",
            "client_id": after.client_id,
            "number_id": after.number_id,
            "added_at": to_rfc3339(after.added_at) if after.added_at else None,
            "deleted_at": to_rfc3339(after.deleted_at) if after.deleted_at else None,
            "version": after.version,
        }
        put: PutTypeDef = {"TableName": self._table, "Item": aws.to_item(number), "ConditionExpression": NEW}
        if before is not None:
            put["ConditionExpression"] = "version = :read"
            put["ExpressionAttributeValues"] = {":read": {"N": str(before.version)}}
        items: list[aws.Write] = [
            {"Put": {"TableName": self._table, "Item": aws.to_item(marker), "ConditionExpression": NEW}},
            {"Put": put},
        ]
        change = int(after.billable) - int(before is not None and before.billable)
        if change:
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": client_key(after.client_id, COUNT_SK),
                        "UpdateExpression": "ADD #count :change",
                        "ExpressionAttributeNames": {"#count": "count"},
                        "ExpressionAttributeValues": {":change": {"N": str(change)}},
                    }
                }
            )
        failed = self._write_all(items)
        if 0 in failed:
            return Written.DUPLICATE
        if 1 in failed:
            return Written.CONFLICT
        return Written.WRITTEN


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
