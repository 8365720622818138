"""DynamoDB access to the templates table (its only writer is this service).

- `pk=WABA#<waba_id>`, `sk=T#<name>#<language>`: a template of the WABA in one language (`Template`); a name's
  languages are neighbours, and a name prefix is a key prefix. `gsi1pk=WABA#<waba_id>#<status>`,
  `gsi1sk=<name>#<language>` (index `ByStatus`): a WABA's templates of one status, by name.
- `pk=WABA#<waba_id>`, `sk=CREATED#<hour>`: how many templates the WABA created in that hour (`count`), expiring
  (`expires_at`) once the hour is long past.
- `pk=WABA#<waba_id>`, `sk=DELETED#<name>`: an approved template's name, deleted, that Meta lets be used again only
  from `until` (expiring then).
- `pk=WABA#<waba_id>`, `sk=COUNT`: how many templates the WABA has at Meta (`count`; drafts are not counted): set by
  each sync to Meta's number, moved by each creation and deletion in the same transaction, so checking the WABA's
  template limit is one read, not a count of 6,000 items.
- `pk=OUTBOX#<event_id>`: the outbox (`hub_shared.outbox`); a template change and its event are one transaction.

Category and language filters are applied by DynamoDB to the page it read (a filtered page may hold fewer than the
limit; its cursor goes on from where the read stopped).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from hub_shared import aws
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put
from hub_templates.models.mirror import Template, TemplateStatus
from hub_templates.settings import templates_settings

STATUS_INDEX = "ByStatus"
HOUR = "%Y-%m-%dT%H"
COUNTER_LIFETIME = timedelta(days=1)
"""How long an hour's creation counter is kept (Meta's limit looks at one hour)."""
TRANSACTION_WRITES = 100
"""DynamoDB's most writes in one TransactWriteItems."""


def template_key(waba_id: str, name: str, language: str) -> dict[str, Any]:
    return _key(waba_id, f"T#{name}#{language}")


def template_item(template: Template) -> dict[str, Any]:
    """A template's item with its index keys: the one place they are built."""
    return {
        **template.model_dump(mode="json"),
        "pk": f"WABA#{template.waba_id}",
        "sk": f"T#{template.name}#{template.language}",
        "gsi1pk": f"WABA#{template.waba_id}#{template.status}",
        "gsi1sk": f"{template.name}#{template.language}",
    }


class TemplatesStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return templates_settings().templates_table

    # ------------------------------------------------------------ reads

    def get(self, waba_id: str, name: str, language: str) -> Template | None:
        item = self._client.get_item(TableName=self._table, Key=template_key(waba_id, name, language)).get("Item")
        return _template(item) if item else None

    def languages(self, waba_id: str, name: str) -> list[Template]:
        """Every language of a name, by language."""
        query = self._query(waba_id, prefix=f"{name}#", status=None)
        return [template for page in self._pages(query) for template in page[0]]

    def page(
        self,
        waba_id: str,
        *,
        status: str | None,
        category: str | None,
        language: str | None,
        name_prefix: str,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[Template], dict[str, Any] | None]:
        """One read of a WABA's templates by name (of `status`, whose name starts with `name_prefix`), filtered by
        `category` and `language`: at most `limit` templates and the key to go on from."""
        query = self._query(waba_id, prefix=name_prefix, status=status)
        filters = {name: value for name, value in (("category", category), ("language", language)) if value}
        if filters:
            query["FilterExpression"] = " AND ".join(f"#{name} = :{name}" for name in filters)
            query["ExpressionAttributeNames"] = {f"#{name}": name for name in filters}
            query["ExpressionAttributeValues"].update({f":{name}": {"S": value} for name, value in filters.items()})
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        return [Template.model_validate(item) for item in items], last

    def mirror(self, waba_id: str) -> dict[tuple[str, str], Template]:
        """Every template the mirror keeps of a WABA, by (name, language)."""
        query = self._query(waba_id, prefix="", status=None)
        return {(t.name, t.language): t for page in self._pages(query) for t in page[0]}

    def count(self, waba_id: str) -> int:
        """How many templates of the WABA Meta has (drafts are the hub's alone)."""
        item = self._client.get_item(TableName=self._table, Key=_key(waba_id, "COUNT"), ConsistentRead=True).get("Item")
        return int(item["count"]["N"]) if item else 0

    def created_in(self, waba_id: str, at: datetime) -> int:
        """How many templates the WABA created in the hour of `at`."""
        key = _key(waba_id, f"CREATED#{at.strftime(HOUR)}")
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return int(item["count"]["N"]) if item else 0

    def reserved_until(self, waba_id: str, name: str) -> datetime | None:
        item = self._client.get_item(TableName=self._table, Key=_key(waba_id, f"DELETED#{name}")).get("Item")
        return datetime.fromisoformat(item["until"]["S"]) if item else None

    # ------------------------------------------------------------ writes

    def add(self, template: Template) -> bool:
        """A new draft (False when the WABA has that name in that language already)."""
        put = {
            "TableName": self._table,
            "Item": aws.to_item(template_item(template)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        return self._written([{"Put": put}])

    def apply(self, template: Template, events: Sequence[DomainEvent] = ()) -> bool:
        """A webhook's news of a mirrored template, with the events it makes, unless the mirror applied a later one
        (by `meta_time`); False when it did, or when the mirror no longer has the template."""
        put = {
            "TableName": self._table,
            "Item": aws.to_item(template_item(template)),
            "ConditionExpression": "attribute_exists(pk) AND (attribute_not_exists(meta_time) OR meta_time <= :t)",
            "ExpressionAttributeValues": {":t": {"N": str(template.meta_time or 0)}},
        }
        return self._written([{"Put": put}, *self._outbox(events)])

    def put(self, template: Template) -> None:
        """The template as it is now, over what the mirror kept (a draft's edit)."""
        self._write_all([{"Put": {"TableName": self._table, "Item": aws.to_item(template_item(template))}}])

    def submitted(self, template: Template, event: DomainEvent, *, new_at: datetime | None) -> None:
        """A template Meta took (created, or edited when `new_at` is None) with its event; a new one is counted in
        the WABA's templates and in the hour of `new_at` (expiring a day later), in the same transaction."""
        writes: list[aws.Write] = [{"Put": {"TableName": self._table, "Item": aws.to_item(template_item(template))}}]
        if new_at is not None:
            expires = int((new_at + COUNTER_LIFETIME).timestamp())
            hour = new_at.strftime(HOUR)
            writes.append(self._add(template.waba_id, f"CREATED#{hour}", 1, expires_at=expires))
            writes.append(self._add(template.waba_id, "COUNT", 1))
        self._write_all([*writes, *self._outbox([event])])

    def remove(
        self,
        templates: Sequence[Template],
        events: Sequence[DomainEvent],
        *,
        reserved_until: datetime | None,
    ) -> None:
        """Templates deleted (each with its event), the WABA's count lowered by those Meta had, and the name reserved
        until `reserved_until` when it is given: in transactions of at most 100 writes (a name has fewer languages
        than that, but each language is two writes)."""
        if not templates:
            return
        first = templates[0]
        at_meta = sum(t.status != TemplateStatus.DRAFT for t in templates)
        writes: list[aws.Write] = []
        if at_meta:
            writes.append(self._add(first.waba_id, "COUNT", -at_meta))
        if reserved_until is not None:
            item = {
                **_plain_key(first.waba_id, f"DELETED#{first.name}"),
                "until": reserved_until.isoformat(),
                "expires_at": int(reserved_until.timestamp()),
            }
            writes.append({"Put": {"TableName": self._table, "Item": aws.to_item(item)}})
        deletes = [
            {"Delete": {"TableName": self._table, "Key": template_key(t.waba_id, t.name, t.language)}}
            for t in templates
        ]
        writes.extend(w for pair in zip(deletes, self._outbox(events), strict=True) for w in pair)
        for start in range(0, len(writes), TRANSACTION_WRITES):
            self._write_all(writes[start : start + TRANSACTION_WRITES])

    def set_count(self, waba_id: str, count: int) -> None:
        """The WABA's number of templates at Meta, as a sync read it."""
        item = {**_plain_key(waba_id, "COUNT"), "count": count}
        self._write_all([{"Put": {"TableName": self._table, "Item": aws.to_item(item)}}])

    def replace(self, puts: Iterable[Template], deletes: Iterable[Template]) -> int:
        """Templates written over what the mirror kept and templates removed, in batches; answers the writes."""
        return aws.batch_write(
            self._client,
            self._table,
            puts=(aws.to_item(template_item(t)) for t in puts),
            deletes=(template_key(t.waba_id, t.name, t.language) for t in deletes),
        )

    # ------------------------------------------------------------ helpers

    def _add(self, waba_id: str, sort_key: str, amount: int, *, expires_at: int | None = None) -> aws.Write:
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": _key(waba_id, sort_key),
            "UpdateExpression": "ADD #c :n" + (" SET expires_at = :e" if expires_at is not None else ""),
            "ExpressionAttributeNames": {"#c": "count"},
            "ExpressionAttributeValues": {
                ":n": {"N": str(amount)},
                **({":e": {"N": str(expires_at)}} if expires_at is not None else {}),
            },
        }
        return {"Update": update}

    def _outbox(self, events: Iterable[DomainEvent]) -> list[aws.Write]:
        return [outbox_put(self._table, event, self._bus) for event in events]

    def _query(self, waba_id: str, *, prefix: str, status: str | None) -> dict[str, Any]:
        if status is None:
            return {
                "TableName": self._table,
                "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
                "ExpressionAttributeValues": {":p": {"S": f"WABA#{waba_id}"}, ":s": {"S": f"T#{prefix}"}},
            }
        values = {":p": {"S": f"WABA#{waba_id}#{status}"}, **({":s": {"S": prefix}} if prefix else {})}
        return {
            "TableName": self._table,
            "IndexName": STATUS_INDEX,
            "KeyConditionExpression": "gsi1pk = :p" + (" AND begins_with(gsi1sk, :s)" if prefix else ""),
            "ExpressionAttributeValues": values,
        }

    def _pages(self, query: dict[str, Any]) -> Iterator[tuple[list[Template], dict[str, Any] | None]]:
        while True:
            answer = self._client.query(**query)
            last = answer.get("LastEvaluatedKey")
            yield [_template(item) for item in answer["Items"]], last
            if last is None:
                return
            query = {**query, "ExclusiveStartKey": last}


def _plain_key(waba_id: str, sort_key: str) -> dict[str, str]:
    return {"pk": f"WABA#{waba_id}", "sk": sort_key}


def _key(waba_id: str, sort_key: str) -> dict[str, Any]:
    return aws.to_item(_plain_key(waba_id, sort_key))


def _template(item: dict[str, Any]) -> Template:
    return Template.model_validate(aws.from_item(item))
