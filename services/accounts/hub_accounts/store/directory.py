"""The client directory: client profiles by name, on the accounts table's `ByName` index (hub_shared.accounts)."""

from __future__ import annotations

from typing import Any

from hub_accounts.settings import accounts_settings
from hub_shared import aws
from hub_shared.accounts import DIRECTORY_INDEX, DIRECTORY_PARTITION, ClientAccount, client_account


class ClientDirectory(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return accounts_settings().accounts_table

    def page(
        self, *, name_prefix: str, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ClientAccount], dict[str, Any] | None]:
        """Up to `limit` clients whose directory name starts with `name_prefix` (case-folded), in name order, and
        the key to go on from (None: the last page)."""
        condition, values = "gsi2pk = :d", {":d": {"S": DIRECTORY_PARTITION}}
        if name_prefix:  # DynamoDB refuses an empty begins_with
            condition, values = f"{condition} AND begins_with(gsi2sk, :n)", values | {":n": {"S": name_prefix}}
        query = {"IndexName": DIRECTORY_INDEX, "KeyConditionExpression": condition, "ExpressionAttributeValues": values}
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        return [client_account(item) for item in items], last
