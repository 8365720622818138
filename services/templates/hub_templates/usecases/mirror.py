"""Reading a WABA's templates: from the mirror alone, never from Meta."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from hub_shared.auth import Action, Principal
from hub_shared.pagination import CursorCodec, Page, fingerprint
from hub_templates.errors import TemplateNotFound
from hub_templates.models.mirror import Template, TemplateGroup
from hub_templates.usecases.wabas import Registry, managed_waba


class Mirror(Protocol):
    def get(self, waba_id: str, name: str, language: str) -> Template | None: ...

    def languages(self, waba_id: str, name: str) -> list[Template]: ...

    def page(
        self,
        waba_id: str,
        *,
        status: str | None,
        category: str | None,
        language: str | None,
        name_prefix: str,
        limit: int,
        start_key: dict[str, Any] | None,
    ) -> tuple[list[Template], dict[str, Any] | None]: ...


@dataclass(frozen=True)
class TemplateQuery:
    status: str | None = None
    category: str | None = None
    language: str | None = None
    name: str = ""
    """A prefix of the names wanted."""
    limit: int = 50
    cursor: str | None = None


def list_templates(
    waba_id: str,
    principal: Principal,
    query: TemplateQuery,
    *,
    registry: Registry,
    mirror: Mirror,
    cursors: CursorCodec,
) -> Page[Template]:
    """A page of the WABA's templates by name, filtered as asked. A filtered read may find fewer than `limit`; the
    list reads on until the page is full or the templates end, so a page is short only at the end."""
    managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_READ)
    query_id = fingerprint(
        waba_id=waba_id, status=query.status, category=query.category, language=query.language, name=query.name
    )
    start_key = cursors.decode(query.cursor, query_id).get("k") if query.cursor else None
    found: list[Template] = []
    while True:
        page, start_key = mirror.page(
            waba_id,
            status=query.status,
            category=query.category,
            language=query.language,
            name_prefix=query.name,
            limit=query.limit - len(found),
            start_key=start_key,
        )
        found += page
        if start_key is None or len(found) >= query.limit:
            break
    next_cursor = cursors.encode({"k": start_key}, query_id) if start_key else None
    return Page(items=found, next_cursor=next_cursor)


def template_languages(
    waba_id: str, name: str, principal: Principal, *, registry: Registry, mirror: Mirror
) -> TemplateGroup:
    managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_READ)
    languages = mirror.languages(waba_id, name)
    if not languages:
        raise TemplateNotFound(waba_id, name)
    return TemplateGroup(waba_id=waba_id, name=name, languages=languages)


def template(
    waba_id: str, name: str, language: str, principal: Principal, *, registry: Registry, mirror: Mirror
) -> Template:
    managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_READ)
    found = mirror.get(waba_id, name, language)
    if found is None:
        raise TemplateNotFound(waba_id, name, language)
    return found
