"""The numbers service's adapters, built once per process and injected into routes with Depends()."""

from __future__ import annotations

from hub_numbers.display_name_store import DisplayNamesStore
from hub_numbers.store import NumbersStore
from hub_shared.api import accounts_reader
from hub_shared.graph import GraphClient
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

__all__ = ["accounts_reader", "cursor_codec", "display_name_graph", "display_names_store", "numbers_store"]

DISPLAY_NAME_GRAPH_BUDGET = {"graph_timeout_seconds": 3.0, "graph_max_retries": 1, "graph_max_backoff_seconds": 1.0}
"""A display-name request is answered within Meta's 10 seconds: two tries of at most 3 s and a wait of at most
1 s leave room for the table's writes; a slower Meta gets a 202 and the polling job sends the request again."""


@singleton
def numbers_store() -> NumbersStore:
    return NumbersStore()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(get_settings().cursor_secret))


@singleton
def display_names_store() -> DisplayNamesStore:
    return DisplayNamesStore()


@singleton
def display_name_graph() -> GraphClient:
    """The Graph client of `POST …/display-name`: the usual one with DISPLAY_NAME_GRAPH_BUDGET."""
    return GraphClient(settings=get_settings().model_copy(update=DISPLAY_NAME_GRAPH_BUDGET))
