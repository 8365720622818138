"""DynamoDB access to the templates table (its only writer is this service).

- `pk=WABA#<waba_id>`, `sk=T#<name>#<language>`: a template of the WABA in one language (`Template`); a name's
  languages are neighbours, and a name prefix is a key prefix. `gsi1pk=WABA#<waba_id>#<status>`,
  `gsi1sk=<name>#<language>` (index `ByStatus`): a WABA's templates of one status, by name.
- `pk=WABA#<waba_id>`, `sk=CREATED#<hour>`: how many templates the WABA created in that hour (`count`), expiring
  (`expires_at`) once the hour is long past.
- `pk=WABA#<waba_id>`, `sk=DELETED#<name>`: an approved template's name, deleted, that Meta lets be used again only
  from `until` (expiring then).

Category and language filters are applied by DynamoDB to the page it read (a filtered page may hold fewer than the
limit; its cursor goes on from where the read stopped).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from hub_shared import aws
from hub_templates.models.mirror import Template, TemplateStatus
from hub_templates.settings import templates_settings

STATUS_INDEX = "ByStatus"


def template_key(waba_id: str, name: str, language: str) -> dict[str, Any]:
    return {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": f"T#{name}#{language}"}}


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
        query["Limit"] = limit
        if start_key:
            query["ExclusiveStartKey"] = start_key
        answer = self._client.query(**query)
        return [_template(item) for item in answer["Items"]], answer.get("LastEvaluatedKey")

    def mirror(self, waba_id: str) -> dict[tuple[str, str], Template]:
        """Every template the mirror keeps of a WABA, by (name, language)."""
        query = self._query(waba_id, prefix="", status=None)
        return {(t.name, t.language): t for page in self._pages(query) for t in page[0]}

    def count(self, waba_id: str) -> int:
        """How many templates of the WABA Meta has (drafts are the hub's alone)."""
        query = self._query(waba_id, prefix="", status=None)
        query |= {
            "Select": "COUNT",
            "FilterExpression": "#s <> :draft",
            "ExpressionAttributeNames": {"#s": "status"},
        }
        query["ExpressionAttributeValues"][":draft"] = {"S": TemplateStatus.DRAFT.value}
        total = 0
        while True:
            answer = self._client.query(**query)
            total += answer["Count"]
            if "LastEvaluatedKey" not in answer:
                return total
            query["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def created_in(self, waba_id: str, hour: str) -> int:
        key = {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": f"CREATED#{hour}"}}
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return int(item["count"]["N"]) if item else 0

    def reserved_until(self, waba_id: str, name: str) -> datetime | None:
        key = {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": f"DELETED#{name}"}}
        item = self._client.get_item(TableName=self._table, Key=key).get("Item")
        return datetime.fromisoformat(item["until"]["S"]) if item else None

    # ------------------------------------------------------------ writes

    def add(self, template: Template) -> bool:
        """A new template (False when the WABA has that name in that language already)."""
        put = {
            "TableName": self._table,
            "Item": aws.to_item(template_item(template)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        return self._written([{"Put": put}])

    def apply(self, template: Template) -> bool:
        """A webhook's news of a mirrored template, unless the mirror applied a later one (by `meta_time`); False
        when it did, or when the mirror no longer has the template."""
        put = {
            "TableName": self._table,
            "Item": aws.to_item(template_item(template)),
            "ConditionExpression": "attribute_exists(pk) AND (attribute_not_exists(meta_time) OR meta_time <= :t)",
            "ExpressionAttributeValues": {":t": {"N": str(template.meta_time or 0)}},
        }
        return self._written([{"Put": put}])

    def put(self, template: Template) -> None:
        """The template as it is now, over what the mirror kept."""
        self._write_all([{"Put": {"TableName": self._table, "Item": aws.to_item(template_item(template))}}])

    def count_creation(self, waba_id: str, hour: str, *, expires_at: datetime) -> None:
        update = {
            "TableName": self._table,
            "Key": {"pk": {"S": f"WABA#{waba_id}"}, "sk": {"S": f"CREATED#{hour}"}},
            "UpdateExpression": "ADD #c :one SET expires_at = :e",
            "ExpressionAttributeNames": {"#c": "count"},
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":e": {"N": str(int(expires_at.timestamp()))}},
        }
        self._write_all([{"Update": update}])

    def replace(self, puts: Iterable[Template], deletes: Iterable[Template]) -> int:
        """Templates written over what the mirror kept and templates removed, in batches; answers the writes."""
        return aws.batch_write(
            self._client,
            self._table,
            puts=(aws.to_item(template_item(t)) for t in puts),
            deletes=(template_key(t.waba_id, t.name, t.language) for t in deletes),
        )

    # ------------------------------------------------------------ queries

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


def _template(item: dict[str, Any]) -> Template:
    return Template.model_validate(aws.from_item(item))
