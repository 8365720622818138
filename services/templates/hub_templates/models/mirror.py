"""The mirror of each WABA's templates: one record per name and language, as Meta last described it (or a draft the
hub keeps and Meta has not seen), and the API models of reading it and syncing it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub_shared.clock import UtcDateTime
from hub_templates.models.content import TemplateContent

NAME_PATTERN = r"^[a-z0-9_]{1,512}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}([_-][A-Za-z]{2,3})?$"


class TemplateStatus(StrEnum):
    """Meta's statuses of a template, and DRAFT: kept by the hub, never sent to Meta."""

    DRAFT = "DRAFT"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAUSED = "PAUSED"
    DISABLED = "DISABLED"
    IN_APPEAL = "IN_APPEAL"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    PENDING_DELETION = "PENDING_DELETION"
    DELETED = "DELETED"
    ARCHIVED = "ARCHIVED"


class Template(BaseModel):
    """A template of a WABA in one language, as the mirror keeps it."""

    model_config = ConfigDict(frozen=True)

    waba_id: str
    name: str
    language: str
    template_id: str | None = Field(default=None, description="Meta's id (none for a draft).")
    status: str = Field(description="Meta's status (APPROVED, PENDING, REJECTED, PAUSED, …) or DRAFT.")
    category: str
    previous_category: str | None = Field(default=None, description="What it was before Meta re-categorised it.")
    correct_category: str | None = Field(
        default=None, description="What Meta says it should be (a re-categorisation that is coming)."
    )
    allow_category_change: bool = True
    quality_score: str | None = Field(default=None, description="GREEN, YELLOW, RED or UNKNOWN.")
    rejected_reason: str | None = None
    recommendation: str | None = Field(default=None, description="Meta's advice with a rejection.")
    components: list[dict[str, Any]] = Field(default_factory=list)
    parameter_format: str = "POSITIONAL"
    last_submitted_at: UtcDateTime | None = Field(default=None, description="When it was last sent to Meta's review.")
    synced_at: UtcDateTime | None = Field(default=None, description="When Meta's description was last read.")
    meta_time: int | None = Field(
        default=None, description="Meta's time (Unix seconds) of the last webhook applied: an older one is ignored."
    )


class NewTemplate(TemplateContent):
    """What `POST …/templates` takes: the template, and whether to send it to Meta's review now."""

    submit: bool = Field(
        default=True,
        description="Send it to Meta's review now (checked first); false keeps it as a DRAFT, which Meta never sees.",
    )


class TemplateGroup(BaseModel):
    """Every language of a template name."""

    waba_id: str
    name: str
    languages: list[Template]


class SyncCounts(BaseModel):
    """What a sync changed in the mirror."""

    waba_id: str
    added: int = Field(description="Templates Meta has that the mirror did not.")
    updated: int = Field(description="Templates Meta describes otherwise than the mirror did.")
    removed: int = Field(description="Templates the mirror had that Meta no longer has (drafts are kept).")
    unchanged: int
    pages: int = Field(description="Pages of Meta's list read.")
    synced_at: UtcDateTime
