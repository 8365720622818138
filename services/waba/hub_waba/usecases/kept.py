"""A number's settings read from Meta through a kept copy: while the copy is younger than the cache window a view
asks Meta nothing; `refresh` asks Meta at once; when Meta cannot answer, the copy answers, marked stale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from hub_waba.models.wabas import Freshness, KeptCopy
from hub_waba.usecases.details import META_DOWN

logger = Logger(child=True)


class KeptCopies(Protocol):
    def kept(self, number_id: str, kind: str) -> KeptCopy | None: ...

    def keep(self, number_id: str, kind: str, copy: KeptCopy) -> None: ...


def read_through(
    number_id: str,
    kind: str,
    read: Callable[[], dict[str, Any]],
    *,
    found: KeptCopy | None,
    copies: KeptCopies,
    now: datetime,
    cache: timedelta,
    refresh: bool,
) -> tuple[dict[str, Any], Freshness]:
    """Meta's answer of `read` (kept), or the kept copy `found` (`copies.kept`, read by the caller: with what else it
    reads, maybe) while it is fresh, or the kept copy stale when Meta fails."""
    if found is not None and not refresh and now - found.fetched_at < cache:
        return found.data, Freshness(fetched_at=found.fetched_at)
    try:
        data = read()
    except META_DOWN:
        if found is None:
            raise
        logger.warning("Meta unavailable: the kept copy answers", extra={"number_id": number_id, "kind": kind})
        return found.data, Freshness(fetched_at=found.fetched_at, stale=True)
    return data, kept(number_id, kind, data, copies=copies, now=now)


def kept(number_id: str, kind: str, data: dict[str, Any], *, copies: KeptCopies, now: datetime) -> Freshness:
    """Keep what Meta just answered (or was just told) as the copy of `now`."""
    copies.keep(number_id, kind, KeptCopy(data=data, fetched_at=now))
    return Freshness(fetched_at=now)
