"""The templates service's domain events (source `hub.templates`), published through the templates table's outbox:
each is written in the same transaction as the mirror's change it announces. Meta's verdicts (status, category)
carry Meta's reason; a user's changes carry who made them, so an activity feed can be built from the bus."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal, TypedDict

from pydantic import Field

from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_templates.models.mirror import Template

SOURCE = "hub.templates"


class _TemplateEvent(DomainEvent):
    SOURCE: ClassVar[str] = SOURCE

    waba_id: str
    client_id: str
    name: str
    language: str
    template_id: str | None = Field(description="Meta's id (none for a draft).")


class About(TypedDict):
    """What every template event says of its template, and when it happened."""

    metadata: EventMetadata
    waba_id: str
    client_id: str
    name: str
    language: str
    template_id: str | None


def about(template: Template, client_id: str, now: datetime) -> About:
    """The fields every template event takes, for a change of `template` (the client's) at `now`."""
    return {
        "metadata": EventMetadata.at(now),
        "waba_id": template.waba_id,
        "client_id": client_id,
        "name": template.name,
        "language": template.language,
        "template_id": template.template_id,
    }


class TemplateStatusChanged(_TemplateEvent):
    """Meta changed a template's status (its review's verdict, a pause, a disabling), as its webhook said."""

    DETAIL_TYPE: ClassVar[str] = "TemplateStatusChanged"

    previous_status: str
    status: str
    reason: str | None = Field(description="Meta's rejection (or pause) reason, e.g. INVALID_FORMAT, PROMOTIONAL.")
    recommendation: str | None = Field(description="Meta's advice with a rejection.")


class TemplateCategoryChanged(_TemplateEvent):
    """Meta re-categorises a template: `impending` when it announces the change (it takes effect in 24 hours),
    `completed` when it took effect."""

    DETAIL_TYPE: ClassVar[str] = "TemplateCategoryChanged"

    state: Literal["impending", "completed"]
    previous_category: str
    category: str = Field(description="The category it has (completed) or will have (impending).")


class TemplateSubmitted(_TemplateEvent):
    """A user sent a template to Meta's review: created, a draft submitted, edited, copied or a language added."""

    DETAIL_TYPE: ClassVar[str] = "TemplateSubmitted"

    actor: Actor
    how: Literal["created", "draft_submitted", "edited", "copied", "language_added"]
    category: str
    status: str = Field(description="What Meta answered (PENDING until its review, or its verdict at once).")


class TemplateDeleted(_TemplateEvent):
    """A user deleted a template (one language of a name) at Meta, or a draft."""

    DETAIL_TYPE: ClassVar[str] = "TemplateDeleted"

    actor: Actor
    status: str = Field(description="Its status when deleted.")
    name_reserved_until: UtcDateTime | None = Field(
        description="An approved template's name cannot be used again until then, as Meta rules."
    )
