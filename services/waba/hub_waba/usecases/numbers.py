"""The numbers the WABA Manager's routes act on: the waba service's registry, read with the access rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from hub_shared.auth import Action, Principal, authorize
from hub_shared.errors import Forbidden
from hub_waba.errors import NumberNotFound
from hub_waba.models.wabas import RegisteredNumber


class NumberRegistry(Protocol):
    def number(self, number_id: str) -> RegisteredNumber | None: ...


def registered_number(
    number_id: str,
    principal: Principal,
    numbers: NumberRegistry,
    *,
    sees: Iterable[Action],
    action: Action | None = None,
    reads: Iterable[Action] = (),
) -> RegisteredNumber:
    """The number, if the principal may know it (`sees`, else 404 as for an unknown or deleted one), and may take
    `action` on it (else 403) or, to read it, any one of `reads` (else 403)."""
    found = numbers.number(number_id)
    if found is not None and found.deleted:
        found = None  # a deleted number has nothing left to read or change
    number = authorize(principal, found, missing=NumberNotFound(number_id), via=sees, action=action)
    wanted = tuple(reads)
    if wanted and not any(principal.can(read, number.client_id) for read in wanted):
        raise Forbidden("The client has not granted your partner account this permission.")
    return number
