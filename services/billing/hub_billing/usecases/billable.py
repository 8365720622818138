"""Billable numbers per client: what the Stripe subscription's quantity follows (SPEC §3 Billing).

Each number billing has heard of keeps the time it was added and the time it was deleted; it is billable when
it was added and not deleted since (`deleted_at` before `added_at` means deleted, then added again). Each event
moves its own time forward only, so events applied in any order, and an event applied twice, end in the same
state. Each event is also recorded by its `event_id` in the same transaction as its change, so a replay changes
nothing at all; the client's count of billable numbers moves with every number that becomes (or stops being)
billable, in that transaction too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from aws_lambda_powertools import Logger

from hub_billing.models.contracts import NumberAddedDetail, NumberDeletedDetail

MAX_ATTEMPTS = 3

logger = Logger(child=True)


@dataclass(frozen=True)
class BillableNumber:
    client_id: str
    number_id: str
    waba_id: str | None = None
    phone_number: str | None = None
    """E.164 (known from NumberAdded)."""
    added_at: datetime | None = None
    deleted_at: datetime | None = None
    version: int = 0
    """How many events changed it: every write is conditional on the version it read."""

    @property
    def billable(self) -> bool:
        return self.added_at is not None and (self.deleted_at is None or self.deleted_at < self.added_at)

    def ran_on(self, day: date) -> bool:
        """Was the number with the hub at some time of `day` (UTC): added by its end, not deleted before it began?"""
        if self.added_at is None or self.added_at.date() > day:
            return False
        return self.billable or self.deleted_at is None or self.deleted_at.date() >= day


@dataclass(frozen=True)
class NumberRecord:
    """Whose a number is, found by its id alone."""

    number_id: str
    client_id: str
    waba_id: str
    phone_number: str


class Written(StrEnum):
    WRITTEN = "written"
    DUPLICATE = "duplicate"
    """The event was applied before."""
    CONFLICT = "conflict"
    """Another event changed the number since it was read."""


class Applied(StrEnum):
    COUNTED = "counted"
    """The number became billable."""
    UNCOUNTED = "uncounted"
    """It stopped being billable."""
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


class BillableNumbers(Protocol):
    def billable_number(self, client_id: str, number_id: str) -> BillableNumber | None: ...

    def record(self, event_id: str, before: BillableNumber | None, after: BillableNumber, now: datetime) -> Written: ...


class NumberChangedConcurrently(Exception):
    """Other events kept changing the number for MAX_ATTEMPTS tries; the event is to be delivered again."""


def record_number_event(
    detail: NumberAddedDetail | NumberDeletedDetail, *, numbers: BillableNumbers, now: datetime
) -> Applied:
    """Apply a NumberAdded or NumberDeleted to the client's billable numbers (at `now`)."""
    for _ in range(MAX_ATTEMPTS):
        before = numbers.billable_number(detail.client_id, detail.number_id)
        after = _after(before or BillableNumber(detail.client_id, detail.number_id), detail)
        written = numbers.record(detail.metadata.event_id, before, after, now)
        if written is Written.DUPLICATE:
            logger.info("event applied before; ignored", extra={"event_id": detail.metadata.event_id})
            return Applied.DUPLICATE
        if written is Written.WRITTEN:
            was = before is not None and before.billable
            if after.billable == was:
                return Applied.UNCHANGED
            return Applied.COUNTED if after.billable else Applied.UNCOUNTED
    raise NumberChangedConcurrently(f"number {detail.number_id} kept changing while an event was applied")


def _after(number: BillableNumber, detail: NumberAddedDetail | NumberDeletedDetail) -> BillableNumber:
    if isinstance(detail, NumberAddedDetail):
        added = detail.metadata.occurred_at
        return replace(
            number,
            waba_id=detail.waba_id,
            phone_number=detail.phone_number,
            added_at=_later(number.added_at, added),
            version=number.version + 1,
        )
    return replace(number, deleted_at=_later(number.deleted_at, detail.deleted_at), version=number.version + 1)


def _later(current: datetime | None, new: datetime) -> datetime:
    return new if current is None or new > current else current
