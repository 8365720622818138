"""The waba service's adapters, each built once per process, and the dependencies its routes inject with Depends().
Tests override Meta (`meta_graph`) and the clock (`hub_shared.api.request_time`) through `app.dependency_overrides`."""

from __future__ import annotations

from datetime import timedelta

from hub_shared.accounts import accounts_reader
from hub_shared.graph import GraphClient, graph_client
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton
from hub_waba.settings import waba_settings
from hub_waba.store.wabas import WabaStore

__all__ = ["accounts_reader", "cache_window", "cursor_codec", "meta_app_id", "meta_graph", "waba_store"]


@singleton
def waba_store() -> WabaStore:
    return WabaStore()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(waba_settings().cursor_secret))


def meta_graph() -> GraphClient:
    """The Graph client of reading WABAs (the process's client, system-user token)."""
    return graph_client()


def meta_app_id() -> str:
    """The BSP's Meta app, whose Resumable Upload API sessions carry profile pictures to Meta."""
    return waba_settings().meta_app_id


def cache_window() -> timedelta:
    """How long what Meta answered (a WABA's details, a number's profile and commerce settings) is served as is."""
    return timedelta(seconds=waba_settings().waba_cache_seconds)
