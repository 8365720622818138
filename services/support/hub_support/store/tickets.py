"""DynamoDB access to the support table (its only writer is this service).

- `pk=TICKET#<ticket_id>`, `sk=TICKET`: a ticket and its `version`; index keys `gsi1pk=CLIENT#<client_id>` (index
  `ByClient`) and `gsi2pk=TICKETS` (index `All`: the agents' queue), both sorted by `<updated_at>#<ticket_id>`, so a
  list reads newest activity first;
- `pk=TICKET#<ticket_id>`, `sk=MESSAGE#<at>#<message_id>`: its thread, oldest first;
- `pk=TICKET#<ticket_id>`, `sk=ATTACHMENT#<attachment_id>`: its files (the bytes are in the attachments bucket);
- `pk=FIGURES`, `sk=COUNTS`: the queue's counters, `<status>#<category>` of every ticket not closed and `unassigned`
  (active tickets nobody works), changed in the transaction of each ticket's change;
- `pk=OUTBOX#<event_id>`: the outbox (`hub_shared.outbox`).

A ticket, its message or attachment, its counters and its event are written in one transaction, conditional on the
version read: concurrent changes retry, never overwrite each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put
from hub_support.models.tickets import ACTIVE_STATUSES, Attachment, Message, Ticket, TicketStatus
from hub_support.settings import support_settings

CLIENT_INDEX = "ByClient"
ALL_INDEX = "All"
ALL_PARTITION = "TICKETS"
COUNTS_KEY = {"pk": {"S": "FIGURES"}, "sk": {"S": "COUNTS"}}
UNASSIGNED = "unassigned"


def ticket_key(ticket_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"TICKET#{ticket_id}"}, "sk": {"S": "TICKET"}}


def counted(ticket: Ticket | None) -> dict[str, int]:
    """What a ticket adds to the queue's counters."""
    if ticket is None or ticket.status is TicketStatus.CLOSED:
        return {}
    counts = {f"{ticket.status.value}#{ticket.category.value}": 1}
    if ticket.status in ACTIVE_STATUSES and ticket.assignee is None:
        counts[UNASSIGNED] = 1
    return counts


def _ticket(values: dict[str, Any]) -> Ticket:
    """A ticket item → the ticket (its context is kept as JSON text: numbers stay numbers)."""
    return Ticket.model_validate({**values, "context": json.loads(str(values.get("context") or "{}"))})


def count_changes(before: Ticket | None, after: Ticket) -> dict[str, int]:
    """The counters' changes from `before` to `after` (none that stay)."""
    old, new = counted(before), counted(after)
    changes = {key: new.get(key, 0) - old.get(key, 0) for key in old.keys() | new.keys()}
    return {key: delta for key, delta in sorted(changes.items()) if delta}


class SupportStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return support_settings().support_table

    # ------------------------------------------------------------ reads

    def ticket(self, ticket_id: str) -> Ticket | None:
        item = self._client.get_item(TableName=self._table, Key=ticket_key(ticket_id), ConsistentRead=True).get("Item")
        return _ticket(aws.from_item(item)) if item else None

    def ticket_with_thread(self, ticket_id: str) -> tuple[Ticket | None, list[Message], list[Attachment]]:
        """The ticket, its messages (oldest first) and its attachments: one Query of its partition."""
        query = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"TICKET#{ticket_id}"}},
            "ConsistentRead": True,
        }
        ticket: Ticket | None = None
        messages: list[Message] = []
        attachments: list[Attachment] = []
        for values in self._query_all(query):
            sort_key = str(values["sk"])
            if sort_key == "TICKET":
                ticket = _ticket(values)
            elif sort_key.startswith("MESSAGE#"):
                messages.append(Message.model_validate(values))
            elif sort_key.startswith("ATTACHMENT#"):
                attachments.append(Attachment.model_validate(values))
        attachments.sort(key=lambda attachment: attachment.at)
        return ticket, messages, attachments

    def attachment(self, ticket_id: str, attachment_id: str) -> Attachment | None:
        key = {"pk": {"S": f"TICKET#{ticket_id}"}, "sk": {"S": f"ATTACHMENT#{attachment_id}"}}
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return Attachment.model_validate(aws.from_item(item)) if item else None

    def tickets(
        self, *, client_id: str | None, start: Mapping[str, Any] | None, since: datetime | None = None
    ) -> Iterator[tuple[Ticket, dict[str, Any]]]:
        """Tickets by latest activity, newest first — a client's (`ByClient`), or every client's (`All`) — from after
        `start` (a key this answered), each with its key to go on from; `since`: only those active since then."""
        index, partition_key, sort_key, partition = (
            (CLIENT_INDEX, "gsi1pk", "gsi1sk", f"CLIENT#{client_id}")
            if client_id is not None
            else (ALL_INDEX, "gsi2pk", "gsi2sk", ALL_PARTITION)
        )
        condition = f"{partition_key} = :p"
        values: dict[str, Any] = {":p": {"S": partition}}
        if since is not None:
            condition += f" AND {sort_key} >= :since"
            values[":since"] = {"S": to_rfc3339(since)}
        query: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        resume: dict[str, Any] | None = dict(start) if start else None
        while True:
            items, resume = self._query_page(query, limit=100, start_key=resume)
            for values_ in items:
                key = {name: {"S": str(values_[name])} for name in ("pk", "sk", partition_key, sort_key)}
                yield _ticket(values_), key
            if resume is None:
                return

    def counts(self) -> dict[str, int]:
        item = self._client.get_item(TableName=self._table, Key=COUNTS_KEY, ConsistentRead=True).get("Item")
        values = aws.from_item(item) if item else {}
        return {key: int(value) for key, value in values.items() if key not in ("pk", "sk")}

    # ------------------------------------------------------------ writes

    def _ticket_item(self, ticket: Ticket) -> dict[str, Any]:
        order = f"{to_rfc3339(ticket.updated_at)}#{ticket.ticket_id}"
        return {
            **ticket.model_dump(mode="json"),
            "context": json.dumps(ticket.context, sort_keys=True, default=str),
            "pk": f"TICKET#{ticket.ticket_id}",
            "sk": "TICKET",
            "gsi1pk": f"CLIENT#{ticket.client_id}",
            "gsi1sk": order,
            "gsi2pk": ALL_PARTITION,
            "gsi2sk": order,
        }

    def _counts_update(self, changes: dict[str, int]) -> list[aws.Write]:
        if not changes:
            return []
        names = {f"#c{i}": key for i, key in enumerate(changes)}
        values = {f":c{i}": {"N": str(delta)} for i, delta in enumerate(changes.values())}
        expression = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(changes)))
        update = {
            "TableName": self._table,
            "Key": COUNTS_KEY,
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        return [{"Update": update}]

    def save(
        self,
        before: Ticket | None,
        after: Ticket,
        *,
        message: Message | None = None,
        attachment: Attachment | None = None,
        events: tuple[DomainEvent, ...] = (),
    ) -> bool:
        """Write `after` (new when `before` is None; else only if the ticket is still at `before`'s version) with its
        new message or attachment, the counters' changes and its events, at once. False: it changed meanwhile (or,
        new, it exists already): nothing was written."""
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if before is None
            else {
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": {"N": str(before.version)}},
            }
        )
        writes: list[aws.Write] = [
            {"Put": {"TableName": self._table, "Item": aws.to_item(self._ticket_item(after)), **condition}}
        ]
        if message is not None:
            item = {
                **message.model_dump(mode="json"),
                "pk": f"TICKET#{message.ticket_id}",
                "sk": f"MESSAGE#{to_rfc3339(message.at)}#{message.message_id}",
            }
            writes.append({"Put": {"TableName": self._table, "Item": aws.to_item(item)}})
        if attachment is not None:
            item = {
                **attachment.model_dump(mode="json"),
                "pk": f"TICKET#{attachment.ticket_id}",
                "sk": f"ATTACHMENT#{attachment.attachment_id}",
            }
            writes.append({"Put": {"TableName": self._table, "Item": aws.to_item(item)}})
        writes += self._counts_update(count_changes(before, after))
        writes += [outbox_put(self._table, event, self._bus) for event in events]
        return self._written(writes)
