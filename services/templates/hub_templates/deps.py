"""The templates service's adapters, each built once per process, and the dependencies its routes inject with
Depends(). Tests override Meta (`meta_graph`) and the clock (`hub_shared.api.request_time`) through
`app.dependency_overrides`."""

from __future__ import annotations

from hub_shared.graph import GraphClient, graph_client
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton
from hub_shared.wabas import WabaRegistry
from hub_templates.rules.languages import allowed_languages
from hub_templates.settings import templates_settings
from hub_templates.store.templates import TemplatesStore
from hub_templates.usecases.create import Limits

__all__ = [
    "cursor_codec",
    "languages",
    "limits",
    "meta_graph",
    "sync_page_size",
    "sync_workers",
    "templates_store",
    "waba_registry",
]


@singleton
def templates_store() -> TemplatesStore:
    return TemplatesStore()


@singleton
def waba_registry() -> WabaRegistry:
    return WabaRegistry()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(templates_settings().cursor_secret))


def meta_graph() -> GraphClient:
    """The Graph client of the templates service (the process's client, system-user token)."""
    return graph_client()


def sync_page_size() -> int:
    return templates_settings().template_sync_page_size


def sync_workers() -> int:
    return templates_settings().template_sync_workers


@singleton
def languages() -> frozenset[str]:
    """The language codes templates may be written in (`TEMPLATE_LANGUAGES`, or Meta's whole list)."""
    return allowed_languages(templates_settings().template_languages)


@singleton
def limits() -> Limits:
    """What a WABA may do: its languages, its number of templates, its creations an hour."""
    settings = templates_settings()
    return Limits(
        languages=languages(), per_waba=settings.templates_per_waba, per_hour=settings.template_creations_per_hour
    )
