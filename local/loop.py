"""One background thread that repeats a step until stopped: the event router, stream relay, scheduler and
the Meta sandbox's review ticker all run on it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
logger = logging.getLogger(__name__)


class BackgroundLoop(Generic[T]):
    """Calls `step` in a daemon thread until `stop()`; after each step waits `pause(result)` seconds (0: none).

    A step that raises is logged and counts as a step that did nothing (`pause(None)`); the loop goes on.
    """

    def __init__(self, name: str, step: Callable[[], T], pause: Callable[[T | None], float]):
        self._name = name
        self._step = step
        self._pause = pause
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking at once on `stop()`; True when stopped."""
        return self._stopped.wait(seconds)

    def _run(self) -> None:
        while not self._stopped.is_set():
            result: T | None
            try:
                result = self._step()
            except Exception:
                logger.exception("%s: a step failed", self._name)
                result = None
            seconds = self._pause(result)
            if seconds > 0:
                self._stopped.wait(seconds)
