"""The local cloud's background loop: repeats its step, survives a failing step, stops at once."""

from __future__ import annotations

import threading

from local.loop import BackgroundLoop


def test_a_failing_step_is_logged_and_the_loop_goes_on() -> None:
    calls: list[int] = []
    third = threading.Event()

    def step() -> int:
        calls.append(1)
        if len(calls) == 3:
            third.set()
        if len(calls) == 1:
            raise RuntimeError("first step fails")
        return len(calls)

    pauses: list[int | None] = []

    def pause(result: int | None) -> float:
        pauses.append(result)
        return 0.0

    loop: BackgroundLoop[int] = BackgroundLoop("test", step, pause)
    loop.start()
    try:
        assert third.wait(5)
    finally:
        loop.stop()

    assert pauses[:2] == [None, 2]
    assert not loop.running


def test_stop_wakes_a_long_pause() -> None:
    stepped = threading.Event()
    loop: BackgroundLoop[None] = BackgroundLoop("test", stepped.set, lambda _: 3600.0)
    loop.start()
    assert stepped.wait(5)

    stopper = threading.Thread(target=loop.stop, kwargs={"timeout": 5})
    stopper.start()
    stopper.join(6)

    assert not stopper.is_alive()
    assert not loop.running
