"""What the display-name use cases need of the numbers table (`store.numbers`, `store.display_names`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from hub_numbers.models.display_names import DisplayNameRequest, RequestDecision
from hub_numbers.models.numbers import Number
from hub_shared.events import DomainEvent


class NumberNames(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...

    def with_phone_digits(self, digits: str) -> list[Number]: ...


class NameRequests(Protocol):
    def get(self, number_id: str, request_id: str) -> DisplayNameRequest | None: ...

    def history(self, number_id: str, *, limit: int) -> list[DisplayNameRequest]: ...

    def open(self, number: Number, request: DisplayNameRequest) -> bool: ...

    def decide(
        self,
        read: DisplayNameRequest,
        decision: RequestDecision,
        *,
        number_sets: dict[str, Any] | None = ...,
        sent: bool = ...,
        event: DomainEvent | None = ...,
    ) -> bool: ...

    def count_send(self, read: DisplayNameRequest) -> bool: ...

    def name_decided(self, number: Number, *, name_status: str, time: int, at: datetime) -> bool: ...

    def pending(self, shard: str) -> Iterator[list[tuple[str, str]]]: ...

    def get_many(self, keys: Iterable[tuple[str, str]]) -> list[DisplayNameRequest]: ...
