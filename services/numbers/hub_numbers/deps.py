"""The numbers service's adapters, built once per process and injected into routes with Depends()."""

from __future__ import annotations

from hub_numbers.store import NumbersStore
from hub_shared.api import accounts_reader
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

__all__ = ["accounts_reader", "cursor_codec", "numbers_store"]


@singleton
def numbers_store() -> NumbersStore:
    return NumbersStore()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(get_settings().cursor_secret))
