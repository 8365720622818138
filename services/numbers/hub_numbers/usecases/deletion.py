"""The end-of-month deletion of cancelled numbers (SPEC §3 Numbers; Meta facts §7.2, §9).

A run (`NumberDeletion.run(now)`) reads the sparse `DueForDeletion` index shard by shard — numbers whose
`deletion_at` is at or before `now`, a page of keys at a time (DynamoDB's 1 MB page, about 6,000 keys, unless
`page_size` says fewer), never a Scan — reads those numbers back in batches of 100, and handles each on a pool
of `concurrency` threads (`fan_out`: the next page is read while the pool works):
1. a number that is no longer pending deletion, or no longer due, is left alone (deleted already, or the client
   withdrew the cancellation);
2. it is deregistered at Meta (`POST /{phone_number_id}/deregister`, the system-user token). Meta's "not registered"
   refusal (code 100, subcode 2207051) means a run before this one got that far: it counts as done;
3. it is marked deleted — deregistered, `deleted_at`, out of the index — in one transaction with its
   `NumberDeleted` event (billing stops), conditional on its still being pending deletion and due: a withdrawal
   that got there first wins.

Failures never stop the run: a number Meta would not deregister (throttled, 133016 — ten register/deregister calls
per number in 72 hours —, 5xx or timeouts after the Graph client's retries, or any other refusal), or that could
not be written, goes to the retry queue as `{number_id, attempt}` (`retry()` is the queue's side). When Meta asks
for a wait longer than the Graph client's backoff, the run stops calling Meta for that long and hands the numbers
it meets meanwhile to the queue, delayed by what is left of the wait.

Idempotent and resumable: a run that dies halfway leaves each number either still due (the next run deletes it,
Meta answering "not registered" if it had been deregistered) or deleted with its event written once, because
the write that deletes a number is the one that writes its event, and it succeeds once.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Protocol

from aws_lambda_powertools import Logger
from pydantic import Field

from hub_numbers.events import NumberDeleted
from hub_numbers.models.numbers import DELETION_SHARDS, AccountStatus, Number
from hub_shared.errors import QuotaExceeded, UpstreamError
from hub_shared.events import DomainEvent, EventMetadata
from hub_shared.fan_out import fan_out
from hub_shared.graph import DEFAULT_RETRY_AFTER_SECONDS, Graph, MetaRefused
from hub_shared.model import HubModel

DEFAULT_CONCURRENCY = 64
"""Deregistrations in flight at once: at Meta's latency (~50-300 ms) 64 keep a 100,000-number month end within one
15-minute run (100,000 × 300 ms / 64 ≈ 8 minutes) when the function's CPU keeps up (bench/deletion.py: ≈ 2.0 ms of
CPU a number, so at least 1 vCPU, 1,769 MB); Meta's throttling answers hold the run (`_held`). The DynamoDB client's
connection pool must hold as many connections."""
NOT_REGISTERED = (100, 2207051)
"""Meta's (code, subcode) for deregistering a number that is not registered."""
REGISTRATION_RATE_LIMIT = 133016
MAX_QUEUE_DELAY_SECONDS = 900
"""SQS's longest DelaySeconds."""

logger = Logger(child=True)


class Outcome(StrEnum):
    DELETED = "deleted"
    ALREADY_DELETED = "already_deleted"
    WITHDRAWN = "withdrawn"
    """No longer pending deletion, or no longer due (withdrawn, perhaps cancelled again later)."""
    RETRIED = "retried"
    """Handed to the retry queue."""
    FAILED = "failed"
    """Could not even be handed to the retry queue: it stays due, and the next run takes it again."""


@dataclass(frozen=True)
class Failure:
    """A number that could not be deleted now, and why; `delay_seconds` before it is worth trying again."""

    reason: str
    delay_seconds: int = 0


class RetryMessage(HubModel):
    """A retry queue message."""

    number_id: str = Field(pattern=r"^[0-9]{1,20}$")
    attempt: int = Field(ge=1, description="Deletion attempts made so far.")


class DeletionNumbers(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...

    def get_many(self, number_ids: Iterable[str]) -> dict[str, Number]: ...

    def due_for_deletion(self, shard: str, due_by: datetime, *, page_size: int | None) -> Iterator[list[str]]: ...

    def mark_deleted(self, read: Number, *, at: datetime, event: DomainEvent) -> bool: ...


class RetryQueue(Protocol):
    def send(self, message: RetryMessage, delay_seconds: int) -> None: ...


class NumberDeletion:
    def __init__(
        self,
        numbers: DeletionNumbers,
        meta: Graph,
        retries: RetryQueue,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        page_size: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._numbers = numbers
        self._meta = meta
        self._retries = retries
        self._concurrency = concurrency
        self._page_size = page_size
        self._clock = clock
        self._hold_until = 0.0

    def run(self, now: datetime) -> Counter[Outcome]:
        """Delete every number due at `now`; answer how many numbers ended in each outcome."""
        totals: Counter[Outcome] = Counter()
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="deletion") as pool:
            for shard in map(str, range(DELETION_SHARDS)):
                counts = Counter(fan_out(self._due(shard, now), partial(self._scheduled, now), pool, self._concurrency))
                logger.info("deletion shard done", extra={"shard": shard, **_named(counts)})
                totals += counts
        return totals

    def _due(self, shard: str, now: datetime) -> Iterator[list[tuple[str, Number | None]]]:
        """Pages of the due numbers of `shard`: (id, the number as read back, or None when it is gone)."""
        for ids in self._numbers.due_for_deletion(shard, now, page_size=self._page_size):
            found = self._numbers.get_many(ids)
            yield [(number_id, found.get(number_id)) for number_id in ids]

    def retry(self, message: RetryMessage, now: datetime) -> Outcome | Failure:
        """Try a number of the retry queue again."""
        return self.delete(message.number_id, self._numbers.get(message.number_id, consistent=True), now)

    def delete(self, number_id: str, number: Number | None, now: datetime) -> Outcome | Failure:
        """Deregister and delete one number if it is due at `now` (`number` as read; None: there is none)."""
        if number is None or number.account_status is AccountStatus.DELETED:
            return Outcome.ALREADY_DELETED
        if number.account_status is not AccountStatus.PENDING_DELETION or not _due(number, now):
            return Outcome.WITHDRAWN
        if (held := self._held()) > 0:
            return Failure("Meta asked the hub to wait before calling again", held)
        if (failure := self._deregister(number_id)) is not None:
            logger.warning("number not deregistered", extra={"number_id": number_id, "reason": failure.reason})
            return failure
        event = NumberDeleted(
            metadata=EventMetadata.at(now),
            number_id=number_id,
            client_id=number.client_id,
            waba_id=number.waba_id,
            deleted_at=now,
        )
        if self._numbers.mark_deleted(number, at=now, event=event):
            return Outcome.DELETED
        after = self._numbers.get(number_id, consistent=True)
        if after is not None and after.account_status is AccountStatus.DELETED:
            return Outcome.ALREADY_DELETED
        logger.error(
            "number deregistered at Meta, but its cancellation was withdrawn first: register it again",
            extra={"number_id": number_id, "client_id": number.client_id},
        )
        return Outcome.WITHDRAWN

    def _scheduled(self, now: datetime, due: tuple[str, Number | None]) -> Outcome:
        number_id, number = due
        try:
            result = self.delete(number_id, number, now)
        except Exception as error:
            logger.exception("number not deleted", extra={"number_id": number_id})
            result = Failure(f"{type(error).__name__}: {error}")
        if isinstance(result, Outcome):
            return result
        try:
            self._retries.send(RetryMessage(number_id=number_id, attempt=1), result.delay_seconds)
        except Exception:
            logger.exception(
                "number not handed to the retry queue; the next run retries it", extra={"number_id": number_id}
            )
            return Outcome.FAILED
        return Outcome.RETRIED

    def _deregister(self, number_id: str) -> Failure | None:
        try:
            self._meta.post(f"{number_id}/deregister")
        except MetaRefused as refused:
            error = refused.graph_error
            if (error.code, error.subcode) == NOT_REGISTERED:
                return None
            if error.code == REGISTRATION_RATE_LIMIT:
                return Failure("Meta's register/deregister limit for the number (133016)", MAX_QUEUE_DELAY_SECONDS)
            return Failure(f"Meta refused ({error.code}/{error.subcode}): {error.message}")
        except QuotaExceeded as throttled:
            wait = throttled.retry_after or DEFAULT_RETRY_AFTER_SECONDS
            self._hold_until = max(self._hold_until, self._clock() + wait)
            return Failure("Meta throttled the hub", wait)
        except UpstreamError as failed:
            return Failure(failed.detail)
        return None

    def _held(self) -> int:
        """Seconds Meta still wants the hub to wait (0: none)."""
        return max(0, math.ceil(self._hold_until - self._clock()))


def _named(counts: Counter[Outcome]) -> dict[str, int]:
    return {outcome.value: count for outcome, count in counts.items()}


def _due(number: Number, now: datetime) -> bool:
    return number.deletion_at is not None and number.deletion_at <= now
