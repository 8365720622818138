"""A deadline for one piece of work, so the calls it makes stop before their caller has stopped listening.

API Gateway answers 504 after 29 seconds whatever the function is still doing, and a Lambda is stopped at its own
timeout: work that goes on past either is wasted at best and, at worst, done without anyone hearing of it. A
`Deadline` is the moment the work must be finished by, on a monotonic clock (injectable, for tests); adapters that
make slow calls (`hub_shared.graph.GraphClient.within`) fit each call and each wait into what remains of it, and
raise `DeadlineReached` instead of starting what would not finish.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hub_shared.errors import HubError

Clock = Callable[[], float]
"""Seconds on a monotonic clock (`time.monotonic`)."""


class DeadlineReached(HubError):
    """The request's time ran out before the work was done: what was done is kept, and trying again continues.

    `outcome_unknown` is True when a call made before the time ran out may have reached the outside system without
    an answer coming back (so it may or may not have acted); False when nothing was left in doubt.
    """

    status = 503
    slug = "deadline-reached"
    title = "The request ran out of time"

    def __init__(
        self, detail: str = "The request ran out of time; what was done is kept, try again.", *, outcome_unknown: bool
    ):
        super().__init__(detail)
        self.outcome_unknown = outcome_unknown


@dataclass(frozen=True)
class Deadline:
    """The moment `ends_at` (on `clock`) by which the work must be done."""

    ends_at: float
    clock: Clock = field(default=time.monotonic, compare=False, repr=False)

    @classmethod
    def after(cls, seconds: float, *, clock: Clock = time.monotonic) -> Deadline:
        """The deadline `seconds` from now, e.g. `Deadline.after(25)` for an API Gateway request (29 s)."""
        return cls(ends_at=clock() + seconds, clock=clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.ends_at - self.clock())

    def expired(self, reserve: float = 0.0) -> bool:
        """Whether no more than `reserve` seconds are left: the time is up once what must follow needs the rest."""
        return self.remaining() <= reserve

    def earlier(self, other: Deadline) -> Deadline:
        """The sooner of the two (by what remains of each, so their clocks need not be the same)."""
        return self if self.remaining() <= other.remaining() else other
