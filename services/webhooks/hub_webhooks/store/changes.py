"""DynamoDB access to the webhook changes table (written only by the webhooks ingress).

A change is the item `change_id` (its hash), kept until `expires_at` (TTL). The table's NEW_IMAGE stream
feeds the relay, so every item stored here is published once: the put is conditional, a change already
stored is never written again, and no second stream record is made for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_webhooks.models.notifications import StoredChange
from hub_webhooks.settings import webhooks_settings

# Meta batches up to 1000 changes per POST: they are put in parallel (boto3 clients are thread-safe), as many
# at once as botocore's connection pool holds (max_pool_connections, 10 by default) so no connection is dropped.
PUT_CONCURRENCY = 10


def change_item(change: StoredChange) -> dict[str, Any]:
    return aws.to_item(
        {
            "change_id": change.change_id,
            "waba_id": change.waba_id,
            "field": change.field,
            "time": change.time,
            "value": change.value,
            "received_at": to_rfc3339(change.received_at),
            "expires_at": change.expires_at,
            "correlation_id": change.correlation_id,
        }
    )


def change_from_image(image: dict[str, Any]) -> StoredChange:
    """A change from its item's plain values (a stream record's new image, after `aws.from_item`)."""
    return StoredChange(
        change_id=image["change_id"],
        waba_id=image["waba_id"],
        field=image["field"],
        time=int(image["time"]),
        value=image["value"],
        received_at=datetime.fromisoformat(image["received_at"]),
        expires_at=int(image["expires_at"]),
        correlation_id=image.get("correlation_id"),
    )


class ChangesStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return webhooks_settings().webhook_changes_table

    def add(self, change: StoredChange) -> bool:
        """Put the change unless it is already stored; True when it was stored now."""
        put = {
            "TableName": self._table,
            "Item": change_item(change),
            "ConditionExpression": "attribute_not_exists(change_id)",
        }
        return self._written([{"Put": put}])

    def add_all(self, changes: Sequence[StoredChange]) -> list[bool]:
        """`add` each change, PUT_CONCURRENCY at a time; any other error than a duplicate is raised."""
        if len(changes) <= 1:
            return [self.add(change) for change in changes]
        with ThreadPoolExecutor(max_workers=min(PUT_CONCURRENCY, len(changes))) as pool:
            return list(pool.map(self.add, changes))
