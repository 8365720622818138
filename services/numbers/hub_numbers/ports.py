"""What the numbers use cases need from the outside world (implemented by store.py and hub_shared)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from hub_numbers.models import AccountStatus, Number
from hub_shared.accounts import ClientAccount


class NumbersRepository(Protocol):
    def get(self, number_id: str) -> Number | None: ...

    def page(
        self,
        *,
        client_id: str | None,
        status: AccountStatus | None,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[Number], dict[str, Any] | None]: ...


class Accounts(Protocol):
    def clients(self, client_ids: Iterable[str]) -> dict[str, ClientAccount]: ...

    def grants_of_partner(self, partner_id: str) -> dict[str, frozenset[str]]: ...
