"""Process-wide cached factories (clients, stores) that tests and the local cloud can reset together."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_registry: list[Any] = []


def singleton(factory: F) -> F:
    """`functools.cache`, registered so that `reset_all()` forgets it."""
    cached = cache(factory)
    _registry.append(cached)
    return cached  # type: ignore[return-value]


def reset_all() -> None:
    """Forget every singleton (after the environment changed: tests, the local cloud)."""
    for cached in _registry:
        cached.cache_clear()
