"""`hub_shared.deadline`: the moment a piece of work must be done by, on an injected monotonic clock."""

from __future__ import annotations

from dataclasses import dataclass

from hub_shared.deadline import Deadline, DeadlineReached
from hub_shared.errors import HubError


@dataclass
class Clock:
    now: float = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_deadline_after_some_seconds_counts_down_on_its_clock() -> None:
    clock = Clock()
    deadline = Deadline.after(25.0, clock=clock)

    assert deadline.ends_at == 525.0
    assert deadline.remaining() == 25.0
    clock.now += 10.5
    assert deadline.remaining() == 14.5


def test_what_remains_is_never_negative() -> None:
    clock = Clock()
    deadline = Deadline.after(1.0, clock=clock)

    clock.now += 3.0

    assert deadline.remaining() == 0.0
    assert deadline.expired()


def test_expired_keeps_a_reserve_for_what_must_follow() -> None:
    clock = Clock()
    deadline = Deadline.after(5.0, clock=clock)

    clock.now += 3.0

    assert not deadline.expired()
    assert not deadline.expired(reserve=1.5)
    assert deadline.expired(reserve=2.0)
    assert deadline.expired(reserve=2.5)


def test_the_earlier_of_two_deadlines_is_the_one_with_less_left() -> None:
    mine, theirs = Clock(now=0.0), Clock(now=1000.0)
    soon = Deadline.after(3.0, clock=mine)
    later = Deadline.after(8.0, clock=theirs)

    assert soon.earlier(later) is soon
    assert later.earlier(soon) is soon


def test_the_default_clock_is_monotonic_time() -> None:
    deadline = Deadline.after(60.0)

    assert 59.0 < deadline.remaining() <= 60.0
    assert not deadline.expired(reserve=30.0)


def test_deadline_reached_is_a_hub_error_that_says_whether_the_outcome_is_unknown() -> None:
    error = DeadlineReached(outcome_unknown=True)

    assert isinstance(error, HubError)
    assert (error.status, error.slug) == (503, "deadline-reached")
    assert error.outcome_unknown is True
    assert error.detail == "The request ran out of time; what was done is kept, try again."
