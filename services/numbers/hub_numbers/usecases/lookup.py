"""Reading a number again, as it is now, after a conditional write lost to another writer."""

from __future__ import annotations

from typing import Protocol

from hub_numbers.errors import NumberNotFound
from hub_numbers.models.numbers import Number


class NumberReader(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...


def reread(numbers: NumberReader, number_id: str) -> Number:
    """The number as it is now (strongly consistent); NumberNotFound when it is gone."""
    number = numbers.get(number_id, consistent=True)
    if number is None:
        raise NumberNotFound(number_id)
    return number
