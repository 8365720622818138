"""The numbers service's adapters, each built once per process, and the dependencies its routes inject with
Depends(). Tests override the outside systems here (`meta_graph`, `display_name_graph`, `inboxes`) and the clock
(`hub_shared.api.request_time`) through `app.dependency_overrides`."""

from __future__ import annotations

from hub_numbers.integrations.getchat import GetChatInboxes
from hub_numbers.integrations.secrets import SecretsVault
from hub_numbers.settings import numbers_settings
from hub_numbers.store.display_names import DisplayNamesStore
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.store.onboarding import OnboardingStore
from hub_numbers.usecases.signup import MetaApp
from hub_shared.accounts import accounts_reader
from hub_shared.graph import GraphClient, graph_client
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton

__all__ = [
    "accounts_reader",
    "cursor_codec",
    "display_name_graph",
    "display_names_store",
    "inboxes",
    "meta_app",
    "meta_graph",
    "numbers_store",
    "onboarding_store",
    "secrets_vault",
]

DISPLAY_NAME_GRAPH_BUDGET = {"graph_timeout_seconds": 3.0, "graph_max_retries": 1, "graph_max_backoff_seconds": 1.0}
"""A display-name request is answered within Meta's 10 seconds: two tries of at most 3 s and a wait of at most
1 s leave room for the table's writes; a slower Meta gets a 202 and the polling job sends the request again."""


@singleton
def numbers_store() -> NumbersStore:
    return NumbersStore()


@singleton
def display_names_store() -> DisplayNamesStore:
    return DisplayNamesStore()


@singleton
def onboarding_store() -> OnboardingStore:
    return OnboardingStore()


@singleton
def secrets_vault() -> SecretsVault:
    return SecretsVault()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(numbers_settings().cursor_secret))


@singleton
def inboxes() -> GetChatInboxes:
    """get.chat's inbox provisioning API."""
    return GetChatInboxes()


def meta_graph() -> GraphClient:
    """The Graph client of adding and importing numbers (the process's client)."""
    return graph_client()


@singleton
def display_name_graph() -> GraphClient:
    """The Graph client of `POST …/display-name`: the usual one with DISPLAY_NAME_GRAPH_BUDGET."""
    return GraphClient(settings=numbers_settings().model_copy(update=DISPLAY_NAME_GRAPH_BUDGET))


def meta_app() -> MetaApp:
    """The BSP's Meta app (its id, and its secret read when a code is exchanged)."""
    settings = numbers_settings()
    return MetaApp(app_id=settings.meta_app_id, secret=lambda: get_secret(settings.meta_app_secret))
