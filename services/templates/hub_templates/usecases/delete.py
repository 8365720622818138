"""Deleting templates, by Meta's rules (facts §4.2): one language of a name, or every language of it (one call to
Meta either way); a DISABLED template cannot be deleted; an approved template's name cannot be used again for 30
days (the mirror keeps the date, and creating the name is refused until then). Drafts, which Meta never saw, are only
removed from the mirror. Nothing is removed when Meta refuses or fails."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from hub_shared.auth import Action, Principal
from hub_shared.events import Actor, DomainEvent
from hub_shared.graph import Graph
from hub_templates.errors import TemplateNotDeletable, TemplateNotFound
from hub_templates.events import TemplateDeleted, about
from hub_templates.models.mirror import Template, TemplateStatus
from hub_templates.usecases.wabas import Registry, managed_waba

NAME_RESERVED_FOR = timedelta(days=30)


class DeletedTemplates(Protocol):
    def get(self, waba_id: str, name: str, language: str) -> Template | None: ...

    def languages(self, waba_id: str, name: str) -> list[Template]: ...

    def remove(
        self, templates: Sequence[Template], events: Sequence[DomainEvent], *, reserved_until: datetime | None
    ) -> None: ...


def delete_templates(
    waba_id: str,
    name: str,
    language: str | None,
    principal: Principal,
    *,
    registry: Registry,
    templates: DeletedTemplates,
    graph: Graph,
    now: datetime,
) -> list[Template]:
    """The name in `language`, or in every language (`language` None): answers what was deleted."""
    waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    if language is None:
        doomed = templates.languages(waba_id, name)
    else:
        one = templates.get(waba_id, name, language)
        doomed = [one] if one is not None else []
    if not doomed:
        raise TemplateNotFound(waba_id, name, language)
    for template in doomed:
        if template.status == TemplateStatus.DISABLED:
            raise TemplateNotDeletable(template.name, template.language, template.status)
    at_meta = [t for t in doomed if t.status != TemplateStatus.DRAFT]
    if at_meta:
        params = {"name": name} if language is None else {"name": name, "hsm_id": str(at_meta[0].template_id)}
        graph.delete(f"{waba_id}/message_templates", params=params)
    approved = any(t.status == TemplateStatus.APPROVED for t in at_meta)
    until = now + NAME_RESERVED_FOR if approved else None
    actor = Actor.of(principal)
    events = [
        TemplateDeleted(
            **about(t, waba.client_id, now),
            actor=actor,
            status=t.status,
            name_reserved_until=until,
        )
        for t in doomed
    ]
    templates.remove(doomed, events, reserved_until=until)
    return doomed
