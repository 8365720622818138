"""The jobs' fan-out: work on a bounded thread pool over items read page by page, reading on while the pool works."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

AHEAD_PER_WORKER = 4
"""Items queued per worker ahead of the pool while the next page is read."""


def fan_out(
    pages: Iterable[Iterable[Item]], work: Callable[[Item], Result], pool: ThreadPoolExecutor, workers: int
) -> Iterator[Result]:
    """`work(item)` for every item of `pages` on `pool` (of `workers` threads), results in the items' order. Pages
    are read as the results are taken, at most AHEAD_PER_WORKER × `workers` items ahead, so reading the next page
    overlaps the work on the last one and a long run never queues more than that."""
    in_flight: deque[Future[Result]] = deque()
    for page in pages:
        for item in page:
            in_flight.append(pool.submit(work, item))
            while len(in_flight) > AHEAD_PER_WORKER * workers:
                yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()
