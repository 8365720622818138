"""Time in the hub: always UTC, always RFC 3339 with microseconds, so stored strings sort as instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, PlainSerializer

RFC3339_MICROS = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> datetime:
    return datetime.now(UTC)


def advanced(previous: datetime, now: datetime) -> datetime:
    """`now`, or one microsecond after `previous` when `now` is not later: the `updated_at` of an item's next write,
    which moves forward on every write (several writes in one request share its `now`) so that a conditional write
    on the `updated_at` read is never fooled by a later write of the same instant."""
    return max(now, previous + timedelta(microseconds=1))


def to_rfc3339(moment: datetime) -> str:
    """`2026-11-30T23:59:59.999999Z`: fixed width, so DynamoDB string keys order like the instants."""
    return moment.astimezone(UTC).strftime(RFC3339_MICROS)


UtcDateTime = Annotated[
    AwareDatetime,
    AfterValidator(lambda moment: moment.astimezone(UTC)),
    PlainSerializer(to_rfc3339, return_type=str, when_used="json"),
]
"""A timezone-aware instant, held in UTC and written as fixed-width RFC 3339."""
